"""A service's ValidationError reaches the person the same way everywhere, whether it is about
a field or about none (crampcare/validation_errors.py): beside the field or on top of the form on
a page, by field or "body" in the API. An error about no field is reported, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
import time_machine
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import Client

from crampcare.accounts.models import User
from crampcare.programs import services, sessions
from crampcare.programs.tests.builders import START, make_program
from crampcare.validation_errors import as_text, attach_errors, messages_by_field

PROBLEM = "Something about the whole request went wrong."


class _Form(forms.Form):
    name = forms.CharField()


def test_it_reads_the_messages_by_field() -> None:
    assert messages_by_field(ValidationError(PROBLEM)) == [(None, [PROBLEM])]
    assert messages_by_field(ValidationError({"name": ["a", "b"], NON_FIELD_ERRORS: ["c"]})) == [
        ("name", ["a", "b"]),
        (NON_FIELD_ERRORS, ["c"]),
    ]
    assert as_text(ValidationError({"name": ["a", "b"], "other": "c"})) == "a b c"


def test_it_shows_an_error_beside_its_field_or_on_top() -> None:
    form = _Form({"name": "x"})
    assert form.is_valid()
    attach_errors(form, ValidationError({"name": "Taken.", "elsewhere": "Not on this form."}))
    attach_errors(form, ValidationError(PROBLEM))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not on this form.", PROBLEM]


@pytest.fixture
def _program(user: User) -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        make_program(user)
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("_program")
@pytest.mark.parametrize(
    ("path", "data", "target", "name"),
    [
        ("/program/plan/swap/", {"slot": "", "exercise_id": "x"}, services, "swap_exercise"),
        (
            "/program/plan/settings/",
            {"bedtime": "22:00", "reminder_minutes_before": "15"},
            services,
            "change_bedtime",
        ),
        ("/program/session/finish/", {"difficulty": "3", "pain": "0"}, sessions, "finish_session"),
    ],
)
def test_a_page_reports_an_error_about_no_field(
    owner_client: Client, path: str, data: dict[str, str], target: object, name: str
) -> None:
    with mock.patch.object(target, name, side_effect=ValidationError(PROBLEM)):
        response = owner_client.post(path, data)
    assert response.status_code == 400
    assert PROBLEM in response.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("_program")
def test_the_api_reports_an_error_about_no_field_as_the_body(owner_client: Client) -> None:
    with mock.patch.object(services, "swap_exercise", side_effect=ValidationError(PROBLEM)):
        response = owner_client.post(
            "/api/v1/program/swap",
            {"slot": "calf", "exercise_id": "x"},
            content_type="application/json",
        )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": PROBLEM}]
