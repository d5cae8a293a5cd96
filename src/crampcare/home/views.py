from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from crampcare.accounts.models import User
from crampcare.programs import services as program_services
from crampcare.programs import sessions as program_sessions
from crampcare.programs.hold import hold_for


def index(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    user = request.user
    if isinstance(user, User):
        # Signed in: tonight's session and this week's nights, when there is a program.
        program = program_services.current_program(user, user)
        held = hold_for(user, user)
        if held is not None:
            # No "tonight" card after a red flag: the program is held (hazard P14).
            context["held"] = held
        elif program is not None:
            context["tonight"] = program_sessions.tonight_overview(user, program)
    return render(request, "home/index.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and `crampcare serve` checks: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the error may be the database itself.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)
