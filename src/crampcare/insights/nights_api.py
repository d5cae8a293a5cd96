"""The recorded nights as the statistics see them, over the JSON API: ``GET
/api/v1/diary/nights`` (still under the diary's path and tag; the read model is insights',
``insights.nights``)."""

# No ``from __future__ import annotations`` here: ninja builds its query-parameter models from
# these annotations and cannot resolve the ``dt.date`` strings that import would leave.
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema
from pydantic import Field

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_types import DiaryDate
from crampcare.diary import services as diary
from crampcare.insights.nights import nights_for

router = Router(tags=["diary"], auth=session_or_token)


class NightOut(Schema):
    night: dt.date
    cramps: int = Field(description="The larger of the logged cramps and the check-in's count.")
    severities: list[float]
    exposures: list[str] = Field(description="Possible triggers present on the day before.")
    not_recorded: list[str] = Field(description="Factors nobody answered for that day.")


@router.get(
    "/nights",
    response=list[NightOut],
    summary="Recorded nights",
    description="Each night with a check-in or a logged cramp, oldest first, as the "
    "statistics see it. Defaults to the last 90 nights.",
    # The operation kept its id when it moved here from the diary's API.
    operation_id="crampcare_diary_api_diary_nights",
)
def diary_nights(
    request: AuthenticatedHttpRequest, start: DiaryDate | None = None, end: DiaryDate | None = None
) -> list[dict[str, Any]]:
    user = request.user
    end = end or diary.current_night(user)
    start = start or end - dt.timedelta(days=89)
    if end < start:
        raise ValidationError({"end": "The end date is before the start date."})
    return [
        {
            "night": record.night,
            "cramps": record.cramps,
            "severities": list(record.severities),
            "exposures": sorted(record.exposures),
            "not_recorded": sorted(record.not_recorded),
        }
        for record in nights_for(user, user, start, end)
    ]
