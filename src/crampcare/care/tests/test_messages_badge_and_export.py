"""The unread badge in the navigation (and what it costs), and the care team's part of the
whole-account export: the access log and the messages, exported and never imported."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.care import badge, messaging
from crampcare.care.models import AuditRecord, Message, Thread
from crampcare.care.tests.conftest import Team, bring_in, client_for
from crampcare.care.tests.messages_builders import (
    ELI_TEXT,
    OLIVE_SUBJECT,
    OLIVE_TEXT,
    SAM_SUBJECT,
    TESS_TEXT,
    Talk,
    make_talk,
)
from crampcare.portability import services as portability
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db

CARE_TABLES = ("care_carerelationship", "care_thread", "care_message")


@pytest.fixture
def talk(team: Team) -> Talk:
    return make_talk(team)


def _page(client: Client, path: str = "/diary/") -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def _touching(queries: list[str], table: str) -> list[str]:
    return [sql for sql in queries if f'"{table}"' in sql]


# -- the badge --------------------------------------------------------------------------------


def test_a_person_on_their_own_pays_no_query_for_the_badge(db: None) -> None:
    alone = make_user("alone@example.org")
    client = client_for(alone)  # signing in noted in the session that she has no care
    for _ in range(2):
        page, queries = _page(client)
        assert not [sql for table in CARE_TABLES for sql in _touching(queries, table)]
        assert "/care/messages/" not in page


def test_someone_in_care_sees_the_unread_count_for_one_query(talk: Talk) -> None:
    client = client_for(talk.team.person)
    page, queries = _page(client)
    (count,) = _touching(queries, "care_message")
    # Whether she has care at all was noted at sign-in: no other care query.
    assert [sql for table in CARE_TABLES for sql in _touching(queries, table)] == [count] * 3
    assert 'href="/care/messages/">Messages<span class="badge">1<span class="visually-hidden">' in (
        page
    )
    # Read: the badge goes.
    client.get(f"/care/messages/{talk.thread.pk}/")
    page, _ = _page(client)
    assert 'href="/care/messages/">Messages</a>' in page
    assert 'class="badge"' not in page


def test_a_clinician_sees_her_peoples_unread_messages(talk: Talk) -> None:
    messaging.reply(talk.team.person, talk.thread.pk, "one more")
    page, _ = _page(client_for(talk.team.clinician), "/account/")
    assert 'Messages<span class="badge">1<span' in page


def test_care_that_begins_after_sign_in_shows_within_the_recheck(team: Team) -> None:
    pat = make_user("pat@example.org", display_name="Pat")
    client = client_for(pat)
    start = timezone.now()
    relationship = bring_in(team.clinician, pat)
    messaging.start_thread(team.clinician, relationship.pk, "Welcome", "Hello Pat")
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        page, _ = _page(client)
    assert "/care/messages/" not in page  # the session's note is recent: not asked again
    later = start + timedelta(seconds=badge.RECHECK_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        page, _ = _page(client)
    assert 'Messages<span class="badge">1<span' in page


# -- the export -------------------------------------------------------------------------------


def _rows(files: dict[str, str], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name])))


def test_the_export_holds_her_access_log_and_her_messages(talk: Talk) -> None:
    team = talk.team
    messaging.open_thread(team.clinician, talk.thread.pk, origin="care:thread")
    files = portability.csv_files(team.person)
    log = _rows(files, "access_log.csv")
    assert [(row["who"], row["action"], row["what"], row["origin"]) for row in log] == [
        ("Eli", "read", "diary.CrampEpisode", ""),
        ("Tess", "read", "care.Message", "care:thread"),
    ]
    messages = _rows(files, "messages.csv")
    assert [
        (row["subject"], row["clinician"], row["written_by"], row["by_you"], row["text"])
        for row in messages
    ] == [
        ("olive-and-eli-subject", "Eli", "Eli", "no", ELI_TEXT),
        (OLIVE_SUBJECT, "Tess", "Olive", "yes", OLIVE_TEXT),
        (OLIVE_SUBJECT, "Tess", "Tess", "no", TESS_TEXT),
    ]
    assert {row["organisation"] for row in messages} == {"Riverside Physio"}
    assert SAM_SUBJECT not in "".join(files.values())
    document = portability.export_document(team.person)
    assert [line["who"] for line in document["access_log"]] == ["Eli", "Tess"]
    assert [message["text"] for message in document["messages"]][-1] == TESS_TEXT
    assert document["messages"][-1]["by_you"] is False


def test_others_exports_hold_none_of_it(talk: Talk) -> None:
    for user in (talk.team.clinician, talk.team.colleague):
        files = portability.csv_files(user)
        for secret in (OLIVE_TEXT, TESS_TEXT, OLIVE_SUBJECT):
            assert secret not in "".join(files.values())


def test_the_import_takes_back_neither_the_log_nor_the_messages(talk: Talk) -> None:
    archive = portability.export_zip(talk.team.person)
    fresh: User = make_user("fresh@example.org")
    report = portability.import_zip(fresh, archive)
    assert report.ok, [str(problem) for problem in report.problems]
    notes = " ".join(report.notes)
    assert "access_log.csv was not imported" in notes
    assert "nobody can add lines to it" in notes
    assert "messages.csv was not imported" in notes
    assert AuditRecord.objects.for_user(fresh).count() == 0
    assert Thread.objects.for_user(fresh).count() == 0
    assert Message.objects.for_user(fresh).count() == 0
