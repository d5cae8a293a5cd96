"""The message services (care/messaging.py): who reads which thread through the door, unread
counts, the rules for what is written, the email, the rate limit, and what happens to threads
when a relationship ends or an account is deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crampcare.accounts import services as accounts
from crampcare.accounts.models import User
from crampcare.accounts.ownership import ReadRefused
from crampcare.care import messaging
from crampcare.care.models import AuditRecord, Message, Thread
from crampcare.care.tests.conftest import Team, bring_in, client_for
from crampcare.care.tests.messages_builders import (
    OLIVE_SUBJECT,
    OLIVE_TEXT,
    TESS_TEXT,
    Talk,
    make_talk,
)
from crampcare.testing.builders import every_row, make_user

pytestmark = pytest.mark.django_db

# Words about health that a notification email must never carry ("crampcare" is the name).
HEALTH_WORDS = ("cramp", "calf", "pain", "night", "stretch", "medicine", "diary", "leg")


@pytest.fixture
def talk(team: Team) -> Talk:
    return make_talk(team)


def _log(person: User) -> list[tuple[int | None, str]]:
    return list(AuditRecord.objects.for_user(person).order_by("pk").values_list("actor_id", "what"))


# -- the door ---------------------------------------------------------------------------------


def test_a_clinician_reads_only_the_threads_of_her_own_relationship(talk: Talk) -> None:
    team = talk.team
    # Cleo, of the same organisation as Tess, now has Olive in her care too, with a thread.
    cleo = bring_in(team.colleague, team.person)
    cleos = messaging.start_thread(team.colleague, cleo.pk, "cleo-subject", "cleo-text")
    as_tess = Message.objects.for_reader(team.clinician, team.person)
    assert sorted(as_tess.values_list("body", flat=True)) == sorted([OLIVE_TEXT, TESS_TEXT])
    as_cleo = Thread.objects.for_reader(team.colleague, team.person)
    assert [thread.pk for thread in as_cleo] == [cleos.pk]
    # Olive reads all of hers, the ended one with Eli included.
    assert Thread.objects.for_user(team.person).count() == 3
    # Each granted read is in her log.
    assert _log(team.person)[-2:] == [
        (team.clinician.pk, "care.Message"),
        (team.colleague.pk, "care.Thread"),
    ]


def test_the_batch_door_narrows_messages_to_the_readers_own_relationships(talk: Talk) -> None:
    """``for_readers`` (many people at once, as a clinician's lists read) keeps the same rule as
    ``for_reader``: only the threads of the reader's own relationships with access."""
    team = talk.team
    cleo = bring_in(team.colleague, team.person)
    cleos = messaging.start_thread(team.colleague, cleo.pk, "cleo-subject", "cleo-text")
    as_cleo = Thread.objects.for_readers(team.colleague, [team.person])
    assert [thread.pk for thread in as_cleo] == [cleos.pk]
    as_tess = Message.objects.for_readers(team.clinician, [team.person])
    assert sorted(as_tess.values_list("body", flat=True)) == sorted([OLIVE_TEXT, TESS_TEXT])
    # Eli's ended relationship: refused, or left out and nothing read.
    with pytest.raises(ReadRefused):
        Thread.objects.for_readers(team.former, [team.person])
    assert not Thread.objects.for_readers(team.former, [team.person], drop_refused=True).exists()


def test_cleo_cannot_open_tess_thread_even_with_olive_in_her_care(talk: Talk) -> None:
    team = talk.team
    bring_in(team.colleague, team.person)
    before = _log(team.person)
    with pytest.raises(Http404):
        messaging.open_thread(team.colleague, talk.thread.pk)
    with pytest.raises(Http404):
        messaging.reply(team.colleague, talk.thread.pk, "hello")
    assert _log(team.person) == before  # refused before anything was read


def test_the_clinician_after_the_end_is_refused_at_the_door(talk: Talk) -> None:
    team = talk.team
    with pytest.raises(ReadRefused):
        Message.objects.for_reader(team.former, team.person)
    with pytest.raises(Http404):
        messaging.open_thread(team.former, talk.old_thread.pk)


def test_the_door_still_keeps_the_access_log_and_settings_from_clinicians(talk: Talk) -> None:
    with pytest.raises(ReadRefused):
        AuditRecord.objects.for_reader(talk.team.clinician, talk.team.person)


def test_ending_the_relationship_stops_tess_reading_and_olive_keeps_the_thread(
    talk: Talk,
) -> None:
    team = talk.team
    from crampcare.care import services

    services.end(team.person, team.relationship.pk)
    with pytest.raises(Http404):
        messaging.open_thread(team.clinician, talk.thread.pk)
    view = messaging.open_thread(team.person, talk.thread.pk)
    assert [m.body for m in view.page.object_list] == [OLIVE_TEXT, TESS_TEXT]
    assert view.open is False
    with pytest.raises(ValidationError, match="has ended"):
        messaging.reply(team.person, talk.thread.pk, "still there?")
    assert messaging.unread_counts_by_person(team.clinician) == {}


# -- unread -----------------------------------------------------------------------------------


def test_unread_counts_follow_each_side_and_opening_marks_read(talk: Talk) -> None:
    team = talk.team
    assert messaging.unread_total(team.person) == 1  # Tess's reply
    assert messaging.unread_total(team.clinician) == 0  # she replied, so she had read it
    messaging.open_thread(team.person, talk.thread.pk)
    assert messaging.unread_total(team.person) == 0
    messaging.reply(team.person, talk.thread.pk, "one")
    messaging.reply(team.person, talk.thread.pk, "two")
    assert messaging.unread_total(team.clinician) == 2
    assert messaging.unread_total(team.person) == 0  # her own messages are not unread
    assert messaging.unread_counts_by_person(team.clinician) == {team.person.pk: 2}
    messaging.open_thread(team.clinician, talk.thread.pk)
    assert messaging.unread_total(team.clinician) == 0


def test_unread_counts_by_person_is_one_query_over_her_own_relationships(
    talk: Talk, django_assert_num_queries: object
) -> None:
    team = talk.team
    pat = make_user("pat@example.org", display_name="Pat")
    with_pat = bring_in(team.clinician, pat)
    pats = messaging.start_thread(pat, with_pat.pk, "pat-subject", "one")
    messaging.reply(pat, pats.pk, "two")
    messaging.reply(pat, pats.pk, "three")
    messaging.reply(team.person, talk.thread.pk, "from olive")
    # Cleo has Olive too: Olive's message to Cleo is not Tess's to count.
    cleo = bring_in(team.colleague, team.person)
    messaging.start_thread(team.person, cleo.pk, "to cleo", "for cleo only")
    with django_assert_num_queries(1):  # type: ignore[operator]
        counts = messaging.unread_counts_by_person(team.clinician)
    assert counts == {team.person.pk: 1, pat.pk: 3}
    assert messaging.unread_counts_by_person(team.colleague) == {team.person.pk: 1}
    assert messaging.unread_counts_by_person(team.former) == {}
    assert messaging.unread_counts_by_person(team.outsider) == {team.stranger.pk: 1}


def test_starting_a_thread_is_not_reading_it(team: Team) -> None:
    before = _log(team.person)
    response = client_for(team.clinician).post(
        "/api/v1/care/threads",
        {"relationship_id": team.relationship.pk, "subject": "Hello", "body": "How are you?"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["role"], body["with_name"], body["open"]) == ("clinician", "Olive", True)
    assert [(m["author"], m["mine"], m["body"]) for m in body["messages"]] == [
        ("Tess", True, "How are you?")
    ]
    assert _log(team.person) == before


def test_counting_is_not_reading(talk: Talk) -> None:
    before = _log(talk.team.person)
    messaging.unread_counts_by_person(talk.team.clinician)
    messaging.unread_total(talk.team.clinician)
    assert _log(talk.team.person) == before


def test_the_list_is_newest_first_and_paged(team: Team) -> None:
    subjects = []
    start = timezone.now()
    for number in range(messaging.THREADS_PER_PAGE + 2):
        with time_machine.travel(start + timedelta(minutes=number), tick=False):
            messaging.start_thread(team.person, team.relationship.pk, f"subject {number}", "hello")
        subjects.append(f"subject {number}")
    first = messaging.thread_page(team.person)
    assert [line.thread.subject for line in first.object_list] == subjects[::-1][:20]
    second = messaging.thread_page(team.person, 2)
    assert [line.thread.subject for line in second.object_list] == ["subject 1", "subject 0"]


def test_a_long_thread_opens_on_its_latest_messages(talk: Talk) -> None:
    start = timezone.now()
    for number in range(55):
        with time_machine.travel(start + timedelta(minutes=number), tick=False):
            messaging.reply(talk.team.person, talk.thread.pk, f"message {number}")
    latest = messaging.open_thread(talk.team.clinician, talk.thread.pk)
    bodies = [message.body for message in latest.page.object_list]
    assert len(bodies) == messaging.MESSAGES_PER_PAGE
    assert bodies[-1] == "message 54"
    assert bodies[0] == "message 5"
    assert latest.page.has_next()
    assert not latest.page.has_previous()
    earlier = messaging.open_thread(talk.team.clinician, talk.thread.pk, 2)
    assert [m.body for m in earlier.page.object_list] == [
        OLIVE_TEXT,
        TESS_TEXT,
        *(f"message {number}" for number in range(5)),
    ]
    page = client_for(talk.team.person).get(f"/care/messages/{talk.thread.pk}/").content.decode()
    assert "Earlier messages" in page
    assert 'id="latest"' in page


def test_the_messages_page_costs_the_same_queries_for_few_or_many_threads(team: Team) -> None:
    client = client_for(team.clinician)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/care/messages/").status_code == 200
        return len(captured)

    messaging.start_thread(team.person, team.relationship.pk, "one", "hello")
    queries()  # the first request of a session also starts its idle clock (a session write)
    few = queries()
    for number in range(5):
        messaging.start_thread(team.person, team.relationship.pk, f"more {number}", "hello")
    assert queries() == few


# -- what is written --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "body", "field", "message"),
    [
        ("Hello", "", "body", "Write your message first: it is empty."),
        ("Hello", "   \n  ", "body", "Write your message first: it is empty."),
        ("Hello", "x" * 5001, "body", "Keep a message to 5,000 characters or fewer (it has 5,001)"),
        ("", "Hello", "subject", "Give the conversation a short subject."),
        ("x" * 121, "Hello", "subject", "Keep the subject to 120 characters or fewer (it has 121)"),
    ],
)
def test_it_refuses_bad_input_clearly_and_saves_nothing(
    team: Team, subject: str, body: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        messaging.start_thread(team.person, team.relationship.pk, subject, body)
    assert message in refused.value.message_dict[field][0]
    assert Thread.objects.for_user(team.person).count() == 0
    assert Message.objects.for_user(team.person).count() == 0


def test_a_message_of_exactly_the_limit_is_kept_whole(team: Team) -> None:
    thread = messaging.start_thread(team.person, team.relationship.pk, "x" * 120, "y" * 5000)
    assert thread.subject == "x" * 120
    assert Message.objects.for_user(team.person).get().body == "y" * 5000


def test_the_page_shows_every_problem_at_once_and_keeps_what_was_typed(team: Team) -> None:
    response = client_for(team.person).post(
        "/care/messages/new/",
        {"relationship_id": team.relationship.pk, "subject": "", "body": "  "},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the conversation a short subject." in page
    assert "Write your message first: it is empty." in page
    assert Thread.objects.for_user(team.person).count() == 0


def test_the_api_refuses_a_too_long_reply_with_a_422(talk: Talk) -> None:
    response = client_for(talk.team.person).post(
        f"/api/v1/care/threads/{talk.thread.pk}/messages",
        {"body": "z" * 5001},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "5,000 characters" in response.content.decode()
    assert not Message.objects.for_user(talk.team.person).filter(body__startswith="zzz").exists()


def test_a_reply_from_the_page_is_refused_when_empty(talk: Talk) -> None:
    response = client_for(talk.team.person).post(f"/care/messages/{talk.thread.pk}/", {"body": ""})
    assert response.status_code == 400
    assert "Write your message first: it is empty." in response.content.decode()


EMERGENCY = (
    "Messages are not checked straight away: in an emergency, call your local emergency number."
)


def test_every_page_to_write_from_says_messages_are_not_for_emergencies(talk: Talk) -> None:
    client = client_for(talk.team.person)
    for path in ("/care/messages/", "/care/messages/new/", f"/care/messages/{talk.thread.pk}/"):
        assert EMERGENCY in client.get(path).content.decode(), path


# -- the rate limit ---------------------------------------------------------------------------


def test_sending_is_rate_limited(talk: Talk, settings: object) -> None:
    settings.ACCOUNT_RATE_LIMITS = {  # type: ignore[attr-defined]
        **settings.ACCOUNT_RATE_LIMITS,  # type: ignore[attr-defined]
        "care_message": "2/h/user",
    }
    client = client_for(talk.team.person)
    url = f"/api/v1/care/threads/{talk.thread.pk}/messages"
    for _ in range(2):
        assert client.post(url, {"body": "ok"}, content_type="application/json").status_code == 201
    refused = client.post(url, {"body": "too many"}, content_type="application/json")
    assert refused.status_code == 429
    assert "a lot of messages" in refused.json()["detail"]
    page = client.post(f"/care/messages/{talk.thread.pk}/", {"body": "too many"})
    assert page.status_code == 429
    new = client.post(
        "/care/messages/new/",
        {"relationship_id": talk.team.relationship.pk, "subject": "s", "body": "too many"},
    )
    assert new.status_code == 429
    assert not Message.objects.for_user(talk.team.person).filter(body="too many").exists()
    # Tess is counted on her own.
    tess = client_for(talk.team.clinician)
    assert tess.post(url, {"body": "mine"}, content_type="application/json").status_code == 201


# -- email ------------------------------------------------------------------------------------


def _start(team: Team, author: User, django_capture_on_commit_callbacks: object) -> Thread:
    mail.outbox.clear()  # the invitations the team was built with
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        return messaging.start_thread(
            author, team.relationship.pk, "Calf cramps at night", "My calf pain woke me at 3am"
        )


def test_a_new_message_emails_the_other_side_without_a_word_of_it(
    team: Team, django_capture_on_commit_callbacks: object
) -> None:
    thread = _start(team, team.clinician, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == [team.person.email]
    assert email.subject == "New message from Tess on crampcare"
    assert "You have a new message from Tess at Riverside Physio on crampcare." in email.body
    assert f"/care/messages/{thread.pk}/" in email.body
    text = f"{email.subject}\n{email.body}".lower().replace("crampcare", "")
    for word in HEALTH_WORDS:
        assert word not in text, word
    assert "3am" not in text


def test_a_persons_message_emails_the_clinician_without_an_organisation(
    team: Team, django_capture_on_commit_callbacks: object
) -> None:
    _start(team, team.person, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == [team.clinician.email]
    assert "You have a new message from Olive on crampcare." in email.body


def test_at_most_one_email_an_hour_per_thread_and_side(
    team: Team, django_capture_on_commit_callbacks: object
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        thread = _start(team, team.clinician, django_capture_on_commit_callbacks)
    for minutes in (5, 50):
        with (
            time_machine.travel(start + timedelta(minutes=minutes), tick=False),
            django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
        ):
            messaging.reply(team.clinician, thread.pk, "more")
    assert len(mail.outbox) == 1
    # Olive's answer reaches Tess: the other side has its own hour.
    with (
        time_machine.travel(start + timedelta(minutes=55), tick=False),
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        messaging.reply(team.person, thread.pk, "answer")
    assert [email.to for email in mail.outbox] == [[team.person.email], [team.clinician.email]]
    with (
        time_machine.travel(start + timedelta(minutes=61), tick=False),
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        messaging.reply(team.clinician, thread.pk, "an hour later")
    assert len(mail.outbox) == 3


def test_no_email_for_someone_who_turned_them_off(
    team: Team, django_capture_on_commit_callbacks: object
) -> None:
    messaging.set_email(team.person, False)
    _start(team, team.clinician, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    messaging.set_email(team.person, True)
    assert messaging.wants_email(team.person)


def test_the_messages_page_saves_the_email_choice(team: Team) -> None:
    client = client_for(team.person)
    response = client.post("/care/messages/email/", {}, follow=True)
    assert "We will not email you about new messages." in response.content.decode()
    assert not messaging.wants_email(team.person)
    client.post("/care/messages/email/", {"email_new_messages": "on"})
    assert messaging.wants_email(team.person)


# -- accounts going -----------------------------------------------------------------------------


def test_a_deleted_clinician_leaves_the_thread_readable_with_her_name(talk: Talk) -> None:
    team = talk.team
    accounts.delete_account(team.clinician)
    thread = Thread.objects.for_user(team.person).get(pk=talk.thread.pk)
    assert thread.relationship is None
    assert thread.clinician_name == "Tess"
    view = messaging.open_thread(team.person, talk.thread.pk)
    assert [(m.author_name, m.author_id, m.body) for m in view.page.object_list] == [
        ("Olive", team.person.pk, OLIVE_TEXT),
        ("Tess", None, TESS_TEXT),
    ]
    assert view.open is False
    page = client_for(team.person).get(f"/care/messages/{talk.thread.pk}/").content.decode()
    assert "Tess" in page
    assert TESS_TEXT in page
    listed = client_for(team.person).get("/care/messages/").content.decode()
    assert OLIVE_SUBJECT in listed


def test_erasing_the_person_takes_her_threads_and_messages(talk: Talk) -> None:
    team = talk.team
    accounts.delete_account(team.person)
    assert {row.owner_id for row in every_row(Thread)} == {team.stranger.pk}
    assert {row.owner_id for row in every_row(Message)} == {team.stranger.pk}
    assert list(every_row(AuditRecord).filter(owner_id=team.person.pk)) == []
    assert messaging.unread_counts_by_person(team.clinician) == {}
