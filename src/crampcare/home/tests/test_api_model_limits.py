"""The API's bodies take their limits from the models (api_types.model_limits): the OpenAPI
document, the API's checks and the models' validation say the same thing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import models
from django.test import Client

from crampcare.accounts.models import AccessToken, User
from crampcare.api_types import model_limits
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.programs.models import Program, Session


def test_it_reads_the_limits_a_model_puts_on_a_field() -> None:
    assert model_limits(CrampEpisode, "notes") == {"max_length": 2000}
    # The validator's 240, and the positive integer field's own 0.
    assert model_limits(CrampEpisode, "duration_minutes") == {"ge": 0, "le": 240}
    assert model_limits(DailyFactors, "fluid_cups") == {"ge": 0, "le": 40}
    assert model_limits(User, "display_name") == {"max_length": 80}
    assert model_limits(CrampEpisode, "woke_me") == {}


BODIES: list[tuple[str, str, type[models.Model], str]] = [
    ("EpisodeIn", "notes", CrampEpisode, "notes"),
    ("EpisodeIn", "severity", CrampEpisode, "severity"),
    ("EpisodePatch", "duration_minutes", CrampEpisode, "duration_minutes"),
    ("CheckinIn", "cramp_count", NightCheckin, "cramp_count"),
    ("CheckinPatch", "sleep_disruption", NightCheckin, "sleep_disruption"),
    ("FactorsIn", "exercise_minutes", DailyFactors, "exercise_minutes"),
    ("FactorsPatch", "alcohol_drinks", DailyFactors, "alcohol_drinks"),
    ("FactorsIn", "medicine_note", DailyFactors, "medicine_note"),
    ("CreateIn", "reminder_minutes_before", Program, "reminder_minutes_before"),
    ("FinishIn", "pain", Session, "pain"),
    ("ProfileIn", "time_zone", User, "time_zone"),
    ("TokenIn", "name", AccessToken, "name"),
]
OPENAPI_KEYS = {"ge": "minimum", "le": "maximum", "max_length": "maxLength"}


def _constraints(prop: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for part in [prop, *prop.get("anyOf", [])]:
        found.update({key: part[key] for key in OPENAPI_KEYS.values() if key in part})
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(("schema", "prop", "model", "field"), BODIES)
def test_the_openapi_document_states_the_models_limits(
    client: Client, schema: str, prop: str, model: type[models.Model], field: str
) -> None:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    stated = _constraints(document["components"]["schemas"][schema]["properties"][prop])
    expected = {OPENAPI_KEYS[key]: value for key, value in model_limits(model, field).items()}
    assert expected
    assert stated == expected
