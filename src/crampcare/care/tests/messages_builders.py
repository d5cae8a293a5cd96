"""Conversations around the ``team`` fixture's people, for the message tests.

- Olive and Tess (active relationship): a thread Olive started, with Tess's reply.
- Olive and Eli: a thread from while his relationship lasted (it has ended since).
- Sam and Bo: Bo (another organisation) has Sam in his care, and they have a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from crampcare.care import messaging
from crampcare.care.models import CareRelationship, Message, Thread
from crampcare.care.tests.conftest import Team, bring_in

OLIVE_SUBJECT = "olive-subject-calf"
OLIVE_TEXT = "olive-secret-message"
TESS_TEXT = "tess-reply-text"
ELI_SUBJECT = "olive-and-eli-subject"
ELI_TEXT = "olive-and-eli-text"
SAM_SUBJECT = "sam-subject"


@dataclass(frozen=True)
class Talk:
    team: Team
    thread: Thread  # Olive and Tess
    old_thread: Thread  # Olive and Eli, ended
    sam_thread: Thread  # Sam and Bo
    sam_relationship: CareRelationship


def thread_from_the_past(relationship: CareRelationship, subject: str, text: str) -> Thread:
    """A thread written while ``relationship`` (now ended) still lasted: built row by row, as
    the service refuses to write in an ended relationship."""
    assert relationship.person is not None
    sent = timezone.now() - timedelta(days=30)
    thread = Thread.objects.create(
        owner=relationship.person,
        relationship=relationship,
        clinician_name=str(relationship.clinician),
        organisation_name=str(relationship.organisation or ""),
        subject=subject,
        created_at=sent,
        last_message_at=sent,
        person_read_at=sent,
    )
    Message.objects.create(
        owner=relationship.person,
        thread=thread,
        author=relationship.clinician,
        author_name=str(relationship.clinician),
        by_person=False,
        body=text,
        sent_at=sent,
    )
    return thread


def make_talk(team: Team) -> Talk:
    old = thread_from_the_past(team.ended, ELI_SUBJECT, ELI_TEXT)
    thread = messaging.start_thread(team.person, team.relationship.pk, OLIVE_SUBJECT, OLIVE_TEXT)
    messaging.reply(team.clinician, thread.pk, TESS_TEXT)
    sam_relationship = bring_in(team.outsider, team.stranger)
    sam_thread = messaging.start_thread(team.stranger, sam_relationship.pk, SAM_SUBJECT, "sam-text")
    return Talk(team, thread, old, sam_thread, sam_relationship)
