"""Hypothesis against the API write schemas and the diary forms: whatever arrives, never a 500.

Bounded (25 examples each, no deadline) so the suite stays quick. Values are drawn from JSON
(any shape, any type), plus dates and times at the edges: year 1, year 9999, odd offsets.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcare.accounts.models import User
from crampcare.diary.services import CHECKIN_FIELDS, EPISODE_FIELDS

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
edge_times = st.datetimes(timezones=st.timezones()).map(lambda value: value.isoformat())
edge_text = st.one_of(edge_times, st.dates().map(str), st.text(max_size=30))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), edge_text)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)

WRITES = {
    "/api/v1/diary/episodes": list(EPISODE_FIELDS),
    "/api/v1/diary/checkins": list(CHECKIN_FIELDS),
    "/api/v1/diary/factors": [
        "date",
        "fluid_cups",
        "exercise_minutes",
        "exercise_in_heat",
        "medicine_change",
        "medicine_note",
    ],
    "/api/v1/program": ["bedtime", "reminder_minutes_before", "prefers_in_bed", "age", "pregnant"],
    "/api/v1/assessments/evaluate": ["age", "sex", "symptoms", "pregnant", "medicines"],
}


def _bodies(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(fields), json_values, max_size=len(fields))


@pytest.mark.parametrize("path", sorted(WRITES))
def test_it_never_answers_5xx_to_any_write_body(owner_client: Client, path: str) -> None:
    @FUZZ
    @given(body=_bodies(WRITES[path]))
    def check(body: dict[str, Any]) -> None:
        response = owner_client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (body, response.content[:300])

    check()


FORMS = {
    "/diary/cramps/new/": ["started_at", "muscle", "side", "severity", "duration_minutes", "notes"],
    "/diary/checkin/": ["night", "cramp_count"],
    "/diary/checkin/severity/": ["night", "severity"],
    "/diary/checkin/details/": ["night", "cramp_count", "severity", "sleep_disruption", "notes"],
    "/diary/factors/": ["date", "fluid_cups", "exercise_minutes", "footwear", "medicine_note"],
}
form_text = st.one_of(
    edge_text,
    st.datetimes().map(lambda value: value.strftime("%Y-%m-%dT%H:%M")),
    st.integers().map(str),
)


@pytest.mark.parametrize("path", sorted(FORMS))
def test_it_never_answers_5xx_to_any_form_post(owner_client: Client, user: User, path: str) -> None:
    @FUZZ
    @given(data=st.dictionaries(st.sampled_from(FORMS[path]), form_text))
    def check(data: dict[str, str]) -> None:
        response = owner_client.post(path, data)
        assert response.status_code < 500, (data, response.status_code)

    check()
