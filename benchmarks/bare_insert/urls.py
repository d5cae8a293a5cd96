import json

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from bare_insert.models import Row


@csrf_exempt
def insert(request: HttpRequest) -> JsonResponse:
    data = json.loads(request.body)
    row = Row.objects.create(
        started_at=parse_datetime(data["started_at"]), severity=data.get("severity")
    )
    return JsonResponse({"id": row.pk, "started_at": row.started_at.isoformat()}, status=201)


urlpatterns = [path("insert", insert)]
