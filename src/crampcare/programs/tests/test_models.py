from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from crampcare.accounts.models import User
from crampcare.programs.models import Channel, Program, ReminderSent, Session
from crampcare.programs.plan import Plan
from crampcare.programs.tests.builders import make_program
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db


def test_it_stores_the_plan_as_json_that_reads_back_the_same(user: User) -> None:
    program = make_program(user)

    stored = Program.objects.for_user(user).get()

    assert stored.get_plan() == Plan.model_validate_json(stored.get_plan().model_dump_json())
    assert stored.get_plan() == program.get_plan()


def test_it_allows_one_program_per_person(user: User) -> None:
    program = make_program(user)

    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(
            owner=user,
            plan=program.plan,
            profile=program.profile,
            started_on=program.started_on,
            week_started_on=program.started_on,
            bedtime=program.bedtime,
        )


def test_it_allows_one_session_per_person_and_night(user: User) -> None:
    program = make_program(user)
    Session.objects.create(owner=user, program=program, night=date(2025, 6, 4), week=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(owner=user, program=program, night=date(2025, 6, 4), week=1)


def test_it_allows_one_reminder_per_person_night_and_channel(user: User, other_user: User) -> None:
    night = date(2025, 6, 4)
    ReminderSent.objects.create(owner=user, night=night, channel=Channel.EMAIL)
    ReminderSent.objects.create(owner=other_user, night=night, channel=Channel.EMAIL)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(owner=user, night=night, channel=Channel.EMAIL)


def test_it_erases_the_program_and_its_records_with_the_account(user: User) -> None:
    from crampcare.accounts.services import delete_account
    from crampcare.programs.models import ProgramChange

    make_program(user)

    delete_account(user)

    assert not every_row(Program).exists()
    assert not every_row(ProgramChange).exists()
