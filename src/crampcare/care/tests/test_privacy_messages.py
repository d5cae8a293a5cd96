"""The authorisation matrix of the messages: every message route, page and API, × the 8 actors
(``conftest.Team.actors``) × list / read / create / reply.

Who is entitled: Olive (the person) to all her threads, her ended one with Eli included; Tess
(her clinician) to their thread only. Cleo (same organisation), Bo (another organisation, with
his own patient Sam), Ada (admin), Eli (relationship ended) and Sam see nothing of Olive's:
no subject, no text, no count. A clinician's allowed read leaves one audit record in Olive's
log; everyone else's leaves none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from crampcare.care.models import AuditRecord, Message, Thread
from crampcare.care.tests.conftest import SECRET_NOTE, Team, client_for
from crampcare.care.tests.messages_builders import (
    ELI_SUBJECT,
    ELI_TEXT,
    OLIVE_SUBJECT,
    OLIVE_TEXT,
    SAM_SUBJECT,
    TESS_TEXT,
    Talk,
    make_talk,
)
from crampcare.care.tests.test_privacy import ACTORS, SIGN_IN

pytestmark = pytest.mark.django_db

OLIVES = (OLIVE_SUBJECT, OLIVE_TEXT, TESS_TEXT, ELI_SUBJECT, ELI_TEXT, SECRET_NOTE, "Olive")
# Who may read and write in the thread of Olive and Tess.
PARTIES = {"person", "their clinician"}


@pytest.fixture
def talk(team: Team) -> Talk:
    return make_talk(team)


def _client(talk: Talk, actor: str) -> Client:
    return client_for(talk.team.actors()[actor])


def _nothing_of_olives(talk: Talk, body: str) -> None:
    for secret in (*OLIVES, talk.team.person.email):
        assert secret not in body, secret


def _olives_log(talk: Talk) -> list[tuple[int | None, str]]:
    return list(
        AuditRecord.objects.for_user(talk.team.person)
        .order_by("pk")
        .values_list("actor_id", "what")
    )


def _olives_messages(talk: Talk) -> int:
    return Message.objects.for_user(talk.team.person).count()


def _olives_threads(talk: Talk) -> int:
    return Thread.objects.for_user(talk.team.person).count()


def _audited(talk: Talk, actor: str, act: Callable[[], Any], what: str | None) -> Any:
    """Run ``act``; Olive's log grows by one record of ``what`` by ``actor``, or not at all."""
    before = _olives_log(talk)
    answer = act()
    after = _olives_log(talk)
    if what is None:
        assert after == before, "a refused or own read left an audit record"
    else:
        user = talk.team.actors()[actor]
        assert user is not None
        assert after == [*before, (user.pk, what)]
    return answer


# -- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_the_messages_page_lists_each_ones_own_threads(talk: Talk, actor: str) -> None:
    client = _client(talk, actor)
    what = "care.Thread" if actor == "their clinician" else None
    response = _audited(talk, actor, lambda: client.get("/care/messages/"), what)
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
        return
    assert response.status_code == 200
    page = response.content.decode()
    if actor == "person":
        assert OLIVE_SUBJECT in page
        assert ELI_SUBJECT in page  # she keeps the thread of the ended relationship
        assert "1 unread" in page  # Tess's reply
        assert TESS_TEXT not in page  # a list of subjects, not the messages
    elif actor == "their clinician":
        assert OLIVE_SUBJECT in page
        assert "Olive" in page
        assert ELI_SUBJECT not in page  # not another clinician's thread with her
        assert "unread" not in page  # she read Olive's message when she replied
        assert OLIVE_TEXT not in page
    else:
        _nothing_of_olives(talk, page)
        assert (SAM_SUBJECT in page) == (
            actor in {"another person", "other-organisation clinician"}
        )


@pytest.mark.parametrize("actor", ACTORS)
def test_the_thread_list_api_gives_each_their_own(talk: Talk, actor: str) -> None:
    client = _client(talk, actor)
    what = "care.Thread" if actor == "their clinician" else None
    response = _audited(talk, actor, lambda: client.get("/api/v1/care/threads"), what)
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    subjects = [item["subject"] for item in body["items"]]
    if actor == "person":
        assert subjects == [OLIVE_SUBJECT, ELI_SUBJECT]
        assert [item["unread"] for item in body["items"]] == [1, 0]
        assert [item["open"] for item in body["items"]] == [True, False]
        assert [item["with_name"] for item in body["items"]] == ["Tess", "Eli"]
        assert body["count"] == 2
    elif actor == "their clinician":
        assert subjects == [OLIVE_SUBJECT]
        assert body["items"][0]["with_name"] == "Olive"
        assert body["items"][0]["role"] == "clinician"
        assert body["count"] == 1
    else:
        _nothing_of_olives(talk, response.content.decode())
        mine = actor in {"another person", "other-organisation clinician"}
        assert subjects == ([SAM_SUBJECT] if mine else [])
        assert body["count"] == (1 if mine else 0)


# -- read -------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_two_people_read_a_thread_and_the_clinicians_read_is_audited(
    talk: Talk, actor: str
) -> None:
    client = _client(talk, actor)
    url = f"/care/messages/{talk.thread.pk}/"
    what = "care.Message" if actor == "their clinician" else None
    page = _audited(talk, actor, lambda: client.get(url), what)
    api = _audited(talk, actor, lambda: client.get(f"/api/v1/care/threads/{talk.thread.pk}"), what)
    if actor == "anonymous":
        assert page.status_code == 302
        assert api.status_code == 401
        return
    if actor in PARTIES:
        assert page.status_code == api.status_code == 200
        text = page.content.decode()
        assert OLIVE_TEXT in text
        assert TESS_TEXT in text
        assert [m["body"] for m in api.json()["messages"]] == [OLIVE_TEXT, TESS_TEXT]
        assert [m["mine"] for m in api.json()["messages"]] == (
            [True, False] if actor == "person" else [False, True]
        )
        return
    assert page.status_code == api.status_code == 404
    _nothing_of_olives(talk, page.content.decode() + api.content.decode())


@pytest.mark.parametrize("actor", ACTORS)
def test_the_thread_of_an_ended_relationship_stays_hers_alone(talk: Talk, actor: str) -> None:
    client = _client(talk, actor)
    url = f"/care/messages/{talk.old_thread.pk}/"
    page = _audited(talk, actor, lambda: client.get(url), None)
    api = _audited(
        talk, actor, lambda: client.get(f"/api/v1/care/threads/{talk.old_thread.pk}"), None
    )
    if actor == "anonymous":
        assert (page.status_code, api.status_code) == (302, 401)
    elif actor == "person":
        assert page.status_code == api.status_code == 200
        assert ELI_TEXT in page.content.decode()
        assert "no new ones can be sent here" in page.content.decode()
        assert api.json()["open"] is False
    else:
        # Eli too: his relationship has ended, so he reads it no more.
        assert page.status_code == api.status_code == 404
        _nothing_of_olives(talk, page.content.decode() + api.content.decode())


def test_a_missing_thread_and_someone_elses_answer_alike(talk: Talk) -> None:
    client = client_for(talk.team.colleague)
    theirs = client.get(f"/api/v1/care/threads/{talk.thread.pk}")
    missing = client.get("/api/v1/care/threads/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


# -- create -----------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_two_people_start_a_thread_in_a_relationship(talk: Talk, actor: str) -> None:
    client = _client(talk, actor)
    relationship = talk.team.relationship.pk
    before = (_olives_threads(talk), _olives_messages(talk))
    page = _audited(
        talk,
        actor,
        lambda: client.post(
            "/care/messages/new/",
            {"relationship_id": relationship, "subject": "page-subject", "body": "page-body"},
        ),
        None,
    )
    api = client.post(
        "/api/v1/care/threads",
        {"relationship_id": relationship, "subject": "api-subject", "body": "api-body"},
        content_type="application/json",
    )
    if actor == "anonymous":
        assert page.status_code == 302
        assert page["Location"].startswith(SIGN_IN)
        assert api.status_code == 401
    elif actor in PARTIES:
        assert page.status_code == 302
        created = Thread.objects.for_user(talk.team.person).get(subject="page-subject")
        assert page["Location"] == f"/care/messages/{created.pk}/"
        assert api.status_code == 201
        assert api.json()["subject"] == "api-subject"
        assert api.json()["messages"][0]["body"] == "api-body"
        assert (_olives_threads(talk), _olives_messages(talk)) == (before[0] + 2, before[1] + 2)
        return
    else:
        assert page.status_code == 400
        if actor in {"another person", "other-organisation clinician"}:  # Sam and Bo
            assert "Choose someone from the list." in page.content.decode()
        else:
            assert "There is nobody to write to yet" in page.content.decode()
        assert api.status_code == 422
        assert "Choose someone from your care team" in api.content.decode()
    assert (_olives_threads(talk), _olives_messages(talk)) == before
    _nothing_of_olives(talk, page.content.decode() + api.content.decode())


@pytest.mark.parametrize("actor", ACTORS)
def test_the_new_conversation_page_offers_only_ones_own_people(talk: Talk, actor: str) -> None:
    response = _client(talk, actor).get("/care/messages/new/")
    if actor == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    page = response.content.decode()
    if actor == "person":
        assert "Tess · Riverside Physio" in page
        assert "Eli" not in page  # ended: nobody to write to
    elif actor == "their clinician":
        assert "Olive" in page
    else:
        _nothing_of_olives(talk, page)


def test_nobody_starts_a_thread_in_an_ended_relationship(talk: Talk) -> None:
    for user in (talk.team.person, talk.team.former):
        response = client_for(user).post(
            "/api/v1/care/threads",
            {"relationship_id": talk.team.ended.pk, "subject": "again", "body": "hello"},
            content_type="application/json",
        )
        assert response.status_code == 422
    assert not Thread.objects.for_user(talk.team.person).filter(subject="again").exists()


# -- reply ------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_only_its_two_people_reply(talk: Talk, actor: str) -> None:
    client = _client(talk, actor)
    url = f"/care/messages/{talk.thread.pk}/"
    before = _olives_messages(talk)
    page = _audited(talk, actor, lambda: client.post(url, {"body": "page-reply"}), None)
    api = _audited(
        talk,
        actor,
        lambda: client.post(
            f"/api/v1/care/threads/{talk.thread.pk}/messages",
            {"body": "api-reply"},
            content_type="application/json",
        ),
        None,
    )
    if actor == "anonymous":
        assert page.status_code == 302
        assert page["Location"].startswith(SIGN_IN)
        assert api.status_code == 401
    elif actor in PARTIES:
        assert page.status_code == 302
        assert page["Location"] == f"{url}#latest"
        assert api.status_code == 201
        assert api.json()["body"] == "api-reply"
        assert api.json()["mine"] is True
        bodies = list(
            Message.objects.for_user(talk.team.person)
            .filter(thread=talk.thread)
            .values_list("body", "by_person")
        )
        assert bodies[-2:] == [
            ("page-reply", actor == "person"),
            ("api-reply", actor == "person"),
        ]
        return
    else:
        assert page.status_code == api.status_code == 404
    assert _olives_messages(talk) == before
    _nothing_of_olives(talk, page.content.decode() + api.content.decode())


@pytest.mark.parametrize("actor", ACTORS)
def test_nobody_writes_in_the_ended_thread(talk: Talk, actor: str) -> None:
    client = _client(talk, actor)
    before = _olives_messages(talk)
    page = client.post(f"/care/messages/{talk.old_thread.pk}/", {"body": "late"})
    api = client.post(
        f"/api/v1/care/threads/{talk.old_thread.pk}/messages",
        {"body": "late"},
        content_type="application/json",
    )
    if actor == "anonymous":
        assert (page.status_code, api.status_code) == (302, 401)
    elif actor == "person":
        # She may read it, so she is told why she cannot write.
        assert page.status_code == 400
        assert "This care relationship has ended" in page.content.decode()
        assert api.status_code == 422
        assert "This care relationship has ended" in api.content.decode()
    else:
        assert page.status_code == api.status_code == 404
        _nothing_of_olives(talk, page.content.decode() + api.content.decode())
    assert _olives_messages(talk) == before


# -- the email choice -------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_each_sets_only_their_own_email_choice(talk: Talk, actor: str) -> None:
    from crampcare.care import messaging

    response = _client(talk, actor).post("/care/messages/email/", {})
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
    else:
        assert response.status_code == 302
        assert response["Location"] == "/care/messages/"
    for other, user in talk.team.actors().items():
        if user is not None:
            assert messaging.wants_email(user) is (other != actor)


@pytest.mark.parametrize("actor", ["person", "their clinician", "same-organisation clinician"])
def test_the_email_choice_takes_no_get(talk: Talk, actor: str) -> None:
    assert _client(talk, actor).get("/care/messages/email/").status_code == 405
