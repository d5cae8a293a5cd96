"""The nightly program in Spanish: tonight's page, the session player's cues and the plan."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.programs import calendar
from crampcare.programs.models import Program
from crampcare.programs.progression import Step, StepReason
from crampcare.programs.tests.builders import make_program
from crampcare.testing.spanish import (
    spanish_client,
    spanish_site,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(owner: User) -> Iterator[Program]:
    program = make_program(owner, now=timezone.now())
    with spanish_site():
        yield program


def test_tonight_and_the_plan_are_in_spanish(owner: User, program: Program) -> None:
    client = spanish_client(owner)
    today = text_of(client.get(reverse("programs:today")).content)
    assert "Empezar los estiramientos de esta noche" in today
    assert "Semana 1 de 6" in today
    plan = text_of(client.get(reverse("programs:plan")).content)
    assert "Por qué tu plan es así" in plan
    assert "Cambiar por otro ejercicio" in plan


def test_the_player_counts_and_speaks_in_spanish(owner: User, program: Program) -> None:
    response = spanish_client(owner).get(reverse("programs:player"))
    assert "Indicaciones por voz" in text_of(response.content)
    found = re.search(r'id="player-text"[^>]*>(.*?)</script>', response.content.decode())
    assert found is not None
    cues = json.loads(found.group(1))
    assert cues["phases"]["hold"] == "Mantén"
    assert cues["phases"]["switch"] == "Cambia de pierna"
    assert cues["say"]["switch"] == "Ahora la otra pierna."
    assert cues["reps_of"] == "Repetición {n} de {total}"


def test_every_weekly_step_is_explained_in_spanish() -> None:
    for reason in StepReason:
        message = Step(1, "hold", reason).message
        assert message.es
        assert message.get("es") != message.get("en")
    step = Step(2, "up", StepReason.GOOD_WEEK)
    with spanish_site():
        assert str(step.message).startswith("Lo hiciste casi todas las noches")


def test_the_calendar_event_is_named_in_spanish(owner: User, program: Program) -> None:
    feed = calendar.feed(program, owner).decode()
    assert "SUMMARY:Estiramientos antes de dormir" in feed
