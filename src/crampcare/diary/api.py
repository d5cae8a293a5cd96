"""The diary API under /api/v1/diary: cramps, check-ins, daily factors and nights.

The whole-account export and import under the same path are ``crampcare.portability.api``.

Every route is the person's own data (a session or a personal access token). Lists take an
optional ``start``/``end`` range of nights (or days, for factors) and are paged with
``limit``/``offset``. Someone else's id answers 404, exactly like an id that does not exist.
"""

# No ``from __future__ import annotations`` here: ninja builds its query-parameter models from
# these annotations and cannot resolve the ``dt.date`` strings that import would leave.
import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, field_validator

from crampcare.accounts.auth import session_or_token
from crampcare.accounts.ownership import get_owned_or_404
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_types import (
    DiaryDate,
    DiaryDateTime,
    StrictBool,
    StrictFloat,
    StrictInt,
    limited_by,
)
from crampcare.diary import services
from crampcare.diary.models import (
    CrampEpisode,
    DailyFactors,
    Footwear,
    Intensity,
    Muscle,
    NightCheckin,
    Relief,
    Side,
)

router = Router(tags=["diary"], auth=session_or_token)

Blank = Literal[""]
SCORE = "0 (no pain) to 10 (worst)."


class Strict(Schema):
    model_config = {"extra": "forbid"}


def _not_null(value: Any) -> Any:
    # PATCH bodies may leave a field out, but some fields cannot be emptied with null.
    if value is None:
        raise ValueError("cannot be null")
    return value


# -- cramps ---------------------------------------------------------------------------------------


class EpisodeOut(Schema):
    id: int
    started_at: dt.datetime
    night: dt.date = Field(description="The night it belongs to, named by its evening's date.")
    muscle: Muscle | Blank
    side: Side | Blank
    severity: int | None
    duration_minutes: int | None
    woke_me: bool | None
    helped: list[Relief]
    notes: str


class EpisodeIn(Strict):
    started_at: DiaryDateTime = Field(
        description="With its UTC offset, e.g. 2024-06-05T02:14+01:00"
    )
    muscle: Muscle | Blank = ""
    side: Side | Blank = ""
    severity: Annotated[StrictInt | None, limited_by(CrampEpisode, "severity")] = Field(
        None, description=SCORE
    )
    duration_minutes: Annotated[StrictInt | None, limited_by(CrampEpisode, "duration_minutes")] = (
        None
    )
    woke_me: StrictBool | None = None
    helped: list[Relief] = Field(default_factory=list)
    notes: Annotated[str, limited_by(CrampEpisode, "notes")] = ""


class EpisodePatch(Strict):
    started_at: DiaryDateTime | None = None
    muscle: Muscle | Blank = ""
    side: Side | Blank = ""
    severity: Annotated[StrictInt | None, limited_by(CrampEpisode, "severity")] = Field(
        None, description=SCORE
    )
    duration_minutes: Annotated[StrictInt | None, limited_by(CrampEpisode, "duration_minutes")] = (
        None
    )
    woke_me: StrictBool | None = None
    helped: list[Relief] | None = None
    notes: Annotated[str | None, limited_by(CrampEpisode, "notes")] = None

    refuse_nulls = field_validator("started_at", "helped", "notes")(_not_null)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _fields(payload: Schema) -> dict[str, Any]:
    """The fields the caller sent (PATCH changes only those), with enums as stored values."""
    return {name: _plain(value) for name, value in payload.model_dump(exclude_unset=True).items()}


@router.get("/episodes", response=list[EpisodeOut], summary="Your cramps")
@paginate
def list_episodes(
    request: AuthenticatedHttpRequest, start: DiaryDate | None = None, end: DiaryDate | None = None
) -> Any:
    return services.episodes(request.user, request.user, start, end)


@router.post("/episodes", response={201: EpisodeOut}, summary="Log a cramp")
def create_episode(request: AuthenticatedHttpRequest, payload: EpisodeIn) -> Status[CrampEpisode]:
    return Status(201, services.create_episode(request.user, **_fields(payload)))


@router.get("/episodes/{episode_id}", response=EpisodeOut, summary="One cramp")
def get_episode(request: AuthenticatedHttpRequest, episode_id: int) -> CrampEpisode:
    return get_owned_or_404(CrampEpisode, request.user, pk=episode_id)


@router.patch("/episodes/{episode_id}", response=EpisodeOut, summary="Change a cramp")
def update_episode(
    request: AuthenticatedHttpRequest, episode_id: int, payload: EpisodePatch
) -> CrampEpisode:
    return services.update_episode(request.user, episode_id, **_fields(payload))


@router.delete("/episodes/{episode_id}", response={204: None}, summary="Delete a cramp")
def delete_episode(request: AuthenticatedHttpRequest, episode_id: int) -> Status[None]:
    services.delete_episode(request.user, episode_id)
    return Status(204, None)


# -- morning check-ins ----------------------------------------------------------------------------


class CheckinOut(Schema):
    id: int
    night: dt.date
    cramp_count: int = Field(description="0 means a night without cramps.")
    severity: int | None
    sleep_disruption: int | None
    notes: str


class CheckinIn(Strict):
    night: DiaryDate
    cramp_count: Annotated[StrictInt, limited_by(NightCheckin, "cramp_count")]
    severity: Annotated[StrictInt | None, limited_by(NightCheckin, "severity")] = Field(
        None, description=SCORE
    )
    sleep_disruption: Annotated[StrictInt | None, limited_by(NightCheckin, "sleep_disruption")] = (
        None
    )
    notes: Annotated[str, limited_by(NightCheckin, "notes")] = ""


class CheckinPatch(Strict):
    night: DiaryDate | None = None
    cramp_count: Annotated[StrictInt | None, limited_by(NightCheckin, "cramp_count")] = None
    severity: Annotated[StrictInt | None, limited_by(NightCheckin, "severity")] = Field(
        None, description=SCORE
    )
    sleep_disruption: Annotated[StrictInt | None, limited_by(NightCheckin, "sleep_disruption")] = (
        None
    )
    notes: Annotated[str | None, limited_by(NightCheckin, "notes")] = None

    refuse_nulls = field_validator("night", "cramp_count", "notes")(_not_null)


@router.get("/checkins", response=list[CheckinOut], summary="Your morning check-ins")
@paginate
def list_checkins(
    request: AuthenticatedHttpRequest, start: DiaryDate | None = None, end: DiaryDate | None = None
) -> Any:
    return services.checkins(request.user, request.user, start, end)


@router.post(
    "/checkins",
    response={200: CheckinOut, 201: CheckinOut},
    summary="Check in for a night",
    description="One check-in per night: sending a night that has one updates it (200).",
)
def save_checkin(request: AuthenticatedHttpRequest, payload: CheckinIn) -> Status[NightCheckin]:
    fields = _fields(payload)
    checkin, created = services.record_checkin(request.user, fields.pop("night"), **fields)
    return Status(201 if created else 200, checkin)


@router.get("/checkins/{checkin_id}", response=CheckinOut, summary="One check-in")
def get_checkin(request: AuthenticatedHttpRequest, checkin_id: int) -> NightCheckin:
    return get_owned_or_404(NightCheckin, request.user, pk=checkin_id)


@router.patch("/checkins/{checkin_id}", response=CheckinOut, summary="Change a check-in")
def update_checkin(
    request: AuthenticatedHttpRequest, checkin_id: int, payload: CheckinPatch
) -> NightCheckin:
    return services.update_checkin(request.user, checkin_id, **_fields(payload))


@router.delete("/checkins/{checkin_id}", response={204: None}, summary="Delete a check-in")
def delete_checkin(request: AuthenticatedHttpRequest, checkin_id: int) -> Status[None]:
    services.delete_checkin(request.user, checkin_id)
    return Status(204, None)


# -- the day's factors ----------------------------------------------------------------------------


class FactorsOut(Schema):
    id: int
    date: dt.date
    fluid_cups: float | None
    exercise_minutes: int | None
    exercise_intensity: Intensity | Blank
    exercise_in_heat: bool | None
    sitting_hours: float | None
    footwear: Footwear | Blank
    alcohol_drinks: float | None
    medicine_change: bool
    medicine_note: str


class FactorsIn(Strict):
    date: DiaryDate
    fluid_cups: Annotated[StrictFloat | None, limited_by(DailyFactors, "fluid_cups")] = None
    exercise_minutes: Annotated[StrictInt | None, limited_by(DailyFactors, "exercise_minutes")] = (
        None
    )
    exercise_intensity: Intensity | Blank = ""
    exercise_in_heat: StrictBool | None = None
    sitting_hours: Annotated[StrictFloat | None, limited_by(DailyFactors, "sitting_hours")] = None
    footwear: Footwear | Blank = ""
    alcohol_drinks: Annotated[StrictFloat | None, limited_by(DailyFactors, "alcohol_drinks")] = None
    medicine_change: StrictBool = False
    medicine_note: Annotated[str, limited_by(DailyFactors, "medicine_note")] = ""


class FactorsPatch(Strict):
    date: DiaryDate | None = None
    fluid_cups: Annotated[StrictFloat | None, limited_by(DailyFactors, "fluid_cups")] = None
    exercise_minutes: Annotated[StrictInt | None, limited_by(DailyFactors, "exercise_minutes")] = (
        None
    )
    exercise_intensity: Intensity | Blank = ""
    exercise_in_heat: StrictBool | None = None
    sitting_hours: Annotated[StrictFloat | None, limited_by(DailyFactors, "sitting_hours")] = None
    footwear: Footwear | Blank = ""
    alcohol_drinks: Annotated[StrictFloat | None, limited_by(DailyFactors, "alcohol_drinks")] = None
    medicine_change: StrictBool | None = None
    medicine_note: Annotated[str | None, limited_by(DailyFactors, "medicine_note")] = None

    refuse_nulls = field_validator("date", "medicine_change", "medicine_note")(_not_null)


def _factor_fields(payload: Schema) -> dict[str, Any]:
    fields = _fields(payload)
    for name in ("fluid_cups", "sitting_hours", "alcohol_drinks"):
        if fields.get(name) is not None:
            # Through str, so 5.5 is stored as exactly 5.5 and 5.55 is refused by the model.
            fields[name] = Decimal(str(fields[name]))
    return fields


@router.get("/factors", response=list[FactorsOut], summary="Your daily factors")
@paginate
def list_factors(
    request: AuthenticatedHttpRequest, start: DiaryDate | None = None, end: DiaryDate | None = None
) -> Any:
    return services.factors(request.user, request.user, start, end)


@router.post(
    "/factors",
    response={200: FactorsOut, 201: FactorsOut},
    summary="Log a day's factors",
    description="One record per day: sending a day that has one updates it (200).",
)
def save_factors(request: AuthenticatedHttpRequest, payload: FactorsIn) -> Status[DailyFactors]:
    fields = _factor_fields(payload)
    saved, created = services.record_factors(request.user, fields.pop("date"), **fields)
    return Status(201 if created else 200, saved)


@router.get("/factors/{factors_id}", response=FactorsOut, summary="One day's factors")
def get_factors(request: AuthenticatedHttpRequest, factors_id: int) -> DailyFactors:
    return get_owned_or_404(DailyFactors, request.user, pk=factors_id)


@router.patch("/factors/{factors_id}", response=FactorsOut, summary="Change a day's factors")
def update_factors(
    request: AuthenticatedHttpRequest, factors_id: int, payload: FactorsPatch
) -> DailyFactors:
    return services.update_factors(request.user, factors_id, **_factor_fields(payload))


@router.delete("/factors/{factors_id}", response={204: None}, summary="Delete a day's factors")
def delete_factors(request: AuthenticatedHttpRequest, factors_id: int) -> Status[None]:
    services.delete_factors(request.user, factors_id)
    return Status(204, None)
