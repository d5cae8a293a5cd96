"""Messages between a person and their care team: the only code that writes the message tables.

**A thread belongs to one care relationship**: one person and one clinician. A person with two
clinicians has separate threads with each; neither clinician reads the other's. The thread is
the person's data (owned by them): they read it through ``for_user`` and keep it when the
relationship ends; the clinician reads it through ``for_reader`` while the relationship gives
access, and each read is audited (``care/access.py`` grants the message models and narrows them
to the reader's own relationship). Only the two people of a relationship with access write in
its threads.

A new message emails the other side (unless they turned message emails off), at most once an
hour per thread and side, with no health detail and not a word of the message.

A clinician's list of conversations and the unread counts look across all their people at once,
which ``for_reader`` (one person at a time) cannot do in one query: they go through
``system_access``, limited in the query itself to the clinician's relationships with access. The
list shows subjects, so it leaves one audit record per person on the page; counts show no
content and leave none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from crampcare.accounts.models import User
from crampcare.accounts.ownership import ReadRefused, system_access
from crampcare.accounts.request import speaking
from crampcare.background import enqueue_on_commit
from crampcare.care import access
from crampcare.care.models import CareRelationship, Message, MessageSettings, Thread

MAX_SUBJECT = 120
MAX_BODY = 5000
EMAIL_GAP = timedelta(hours=1)
THREADS_PER_PAGE = 20
MESSAGES_PER_PAGE = 50

_LIST_REASON = (
    "a clinician's list of conversations and unread counts span their people; the query keeps "
    "to the threads of the clinician's own relationships with access"
)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _mine_as_clinician(user: Any) -> QuerySet[CareRelationship]:
    return CareRelationship.objects.with_access().filter(clinician=user)


# -- checking what is written ---------------------------------------------------------------------


def clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": _("Give the conversation a short subject.")})
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(
            {
                "subject": _("Keep the subject to %(most)d characters or fewer (it has %(count)d).")
                % {"most": MAX_SUBJECT, "count": len(subject)}
            }
        )
    return subject


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your message first: it is empty.")})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {
                "body": _(
                    "Keep a message to %(most)s characters or fewer (it has %(count)s). "
                    "You can send the rest in a second message."
                )
                % {"most": f"{MAX_BODY:,}", "count": f"{len(body):,}"}
            }
        )
    return body


# -- who can write to whom ------------------------------------------------------------------------


@dataclass(frozen=True)
class Correspondent:
    """Someone ``user`` may start a conversation with: one relationship with access."""

    relationship_id: int
    name: str
    organisation: str
    as_person: bool  # True when ``user`` is the person (writing to their clinician)

    @property
    def label(self) -> str:
        return f"{self.name} · {self.organisation}" if self.organisation else self.name


def correspondents(user: Any) -> list[Correspondent]:
    """Their care team (for a person) and their people (for a clinician), by name."""
    if not _signed_in(user):
        return []
    found = (
        CareRelationship.objects.with_access()
        .involving(user)
        .select_related("clinician", "person", "organisation")
    )
    people = []
    for relationship in found:
        as_person = relationship.person_id == user.pk
        other = relationship.clinician if as_person else relationship.person
        people.append(
            Correspondent(
                relationship.pk,
                str(other),
                str(relationship.organisation or ""),
                as_person,
            )
        )
    return sorted(people, key=lambda each: (not each.as_person, each.name.lower(), each.label))


def _relationship_to_write_in(user: User, relationship_id: Any) -> CareRelationship:
    try:
        return (
            CareRelationship.objects.with_access()
            .involving(user)
            .select_related("clinician", "person", "organisation")
            .get(pk=relationship_id)
        )
    except (CareRelationship.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationError(
            {"relationship_id": _("Choose someone from your care team (or one of your people).")}
        ) from exc


# -- writing --------------------------------------------------------------------------------------


def start_thread(author: User, relationship_id: int, subject: str, body: str) -> Thread:
    """A new conversation in one of ``author``'s relationships with access, with its first
    message. The other side is emailed (see ``_notify``)."""
    relationship = _relationship_to_write_in(author, relationship_id)
    errors = check_new_thread(subject, body)
    if errors:
        raise ValidationError(errors)
    subject, body = clean_subject(subject), clean_body(body)
    assert relationship.person is not None  # an active relationship has its person
    now = timezone.now()
    by_person = relationship.person_id == author.pk
    with transaction.atomic():
        thread = Thread.objects.create(
            owner=relationship.person,
            relationship=relationship,
            clinician_name=str(relationship.clinician),
            organisation_name=str(relationship.organisation or ""),
            subject=subject,
            created_at=now,
            last_message_at=now,
            person_read_at=now if by_person else None,
            clinician_read_at=None if by_person else now,
        )
        message = Message.objects.create(
            owner=relationship.person,
            thread=thread,
            author=author,
            author_name=str(author),
            by_person=by_person,
            body=body,
            sent_at=now,
        )
        enqueue_on_commit(notify_new_message, thread.pk, message.pk)
    return thread


def check_new_thread(subject: str, body: str) -> dict[str, list[str]]:
    """Every problem with a new thread's subject and body at once (for a form)."""
    errors: dict[str, list[str]] = {}
    for check, value in ((clean_subject, subject), (clean_body, body)):
        try:
            check(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return errors


@dataclass(frozen=True)
class _Place:
    """Where a thread stands, read without its content: whose it is and who may write in it."""

    thread: Thread
    clinician_id: int | None
    open: bool  # its relationship still gives access


def _place(thread_id: Any) -> _Place | None:
    """A thread's owner and relationship only (no subject, no message), to decide who may go
    further; None for an id that names no thread."""
    try:
        thread_id = int(thread_id)
    except (TypeError, ValueError):
        return None
    with system_access("find whose thread an id names and who its clinician is, no content"):
        found = (
            Thread.objects.filter(pk=thread_id)
            .select_related("relationship")
            .only("pk", "owner_id", "relationship__clinician_id", "relationship__status")
            .first()
        )
        if found is None:
            return None
        is_open = (
            found.relationship_id is not None
            and CareRelationship.objects.with_access().filter(pk=found.relationship_id).exists()
        )
    clinician_id = found.relationship.clinician_id if found.relationship is not None else None
    return _Place(found, clinician_id, is_open)


def _party(place: _Place | None, user: Any) -> bool:
    """The person, or the clinician of a relationship that still gives access."""
    if place is None or not _signed_in(user):
        return False
    if place.thread.owner_id == user.pk:
        return True
    return place.open and place.clinician_id == user.pk


def reply(author: User, thread_id: int, body: str) -> Message:
    """``author`` writes in a thread of theirs. 404 for anyone who may not read it; a clear
    refusal for the person once the relationship has ended (they still read it)."""
    place = _place(thread_id)
    if not _party(place, author):
        raise Http404(_("No such conversation."))
    assert place is not None
    if not place.open:
        raise ValidationError(
            {"body": _("This care relationship has ended, so no new messages can be sent here.")}
        )
    body = clean_body(body)
    now = timezone.now()
    by_person = place.thread.owner_id == author.pk
    marker = "person_read_at" if by_person else "clinician_read_at"
    with transaction.atomic():
        message = Message.objects.create(
            owner_id=place.thread.owner_id,
            thread_id=place.thread.pk,
            author=author,
            author_name=str(author),
            by_person=by_person,
            body=body,
            sent_at=now,
        )
        # The writer has seen the thread up to their own message.
        Thread.objects.same_owner_as(place.thread).filter(pk=place.thread.pk).update(
            last_message_at=now, **{marker: now}
        )
        enqueue_on_commit(notify_new_message, place.thread.pk, message.pk)
    return message


# -- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadView:
    thread: Thread
    page: Page[Message]
    as_person: bool
    open: bool  # new messages can be sent
    other: str  # who the reader is talking with
    organisation: str


def _other_name(thread: Thread, as_person: bool) -> str:
    if as_person:
        return thread.clinician_name
    return str(thread.owner)


def open_thread(
    reader: User, thread_id: int, page_number: Any = None, *, origin: str = ""
) -> ThreadView:
    """A thread and one page of its messages (page 1, the latest 50, unless ``page_number``
    says; oldest first on each page), as
    ``reader`` may see it, marking it read for them. The person reads their own; the clinician
    of a relationship with access reads through ``for_reader`` (one audit record). 404 for
    anyone else, with nothing read and nothing recorded."""
    place = _place(thread_id)
    if not _party(place, reader):
        raise Http404(_("No such conversation."))
    assert place is not None
    as_person = place.thread.owner_id == reader.pk
    if as_person:
        messages = Message.objects.for_user(reader)
    else:
        try:
            messages = Message.objects.for_reader(reader, place.thread.owner, origin=origin)
        except ReadRefused as exc:  # access ended between the two checks
            raise Http404(_("No such conversation.")) from exc
    # Pages count back from the latest (page 1 = the latest 50), each shown oldest first.
    messages = messages.filter(thread_id=place.thread.pk).order_by("-sent_at", "-pk")
    page = Paginator(messages, MESSAGES_PER_PAGE).get_page(page_number)
    shown = list(page.object_list)[::-1]
    thread = (
        Thread.objects.same_owner_as(place.thread).select_related("owner").get(pk=place.thread.pk)
    )
    now = timezone.now()
    marker = "person_read_at" if as_person else "clinician_read_at"
    Thread.objects.same_owner_as(thread).filter(pk=thread.pk).update(**{marker: now})
    page.object_list = shown
    return ThreadView(
        thread=thread,
        page=page,
        as_person=as_person,
        open=place.open,
        other=_other_name(thread, as_person),
        organisation=thread.organisation_name,
    )


@dataclass(frozen=True)
class ThreadLine:
    """One conversation in a list: who with, the subject, when, how many unread."""

    thread: Thread
    as_person: bool
    unread: int
    other: str
    open: bool


def _unread_for_person(user: Any) -> Q:
    """Messages from clinicians in ``user``'s own threads that came after they last looked."""
    return Q(owner=user, by_person=False) & (
        Q(thread__person_read_at__isnull=True) | Q(sent_at__gt=F("thread__person_read_at"))
    )


def _unread_for_clinician(user: Any) -> Q:
    """Messages from their people, in threads of their relationships with access, that came
    after they last looked."""
    return Q(by_person=True, thread__relationship__in=_mine_as_clinician(user)) & (
        Q(thread__clinician_read_at__isnull=True) | Q(sent_at__gt=F("thread__clinician_read_at"))
    )


def thread_page(reader: User, page_number: Any = None, *, origin: str = "") -> Page[ThreadLine]:
    """``reader``'s conversations, newest first, one page: as a person (all of theirs, ended
    relationships included) and as a clinician (those of their relationships with access). The
    people whose threads a clinician sees on the page each get one audit record."""
    if not _signed_in(reader):
        return Paginator([], THREADS_PER_PAGE).get_page(1)
    unread_person = Count(
        "messages",
        filter=Q(messages__by_person=False)
        & (Q(person_read_at__isnull=True) | Q(messages__sent_at__gt=F("person_read_at"))),
    )
    unread_clinician = Count(
        "messages",
        filter=Q(messages__by_person=True)
        & (Q(clinician_read_at__isnull=True) | Q(messages__sent_at__gt=F("clinician_read_at"))),
    )
    with system_access(_LIST_REASON):
        threads = (
            Thread.objects.filter(Q(owner=reader) | Q(relationship__in=_mine_as_clinician(reader)))
            .select_related("owner", "relationship")
            .annotate(unread_person=unread_person, unread_clinician=unread_clinician)
            .order_by("-last_message_at", "-pk")
        )
        page = Paginator(threads, THREADS_PER_PAGE).get_page(page_number)
        rows = list(page.object_list)
        open_ids = set(
            CareRelationship.objects.with_access().involving(reader).values_list("pk", flat=True)
        )
    lines = []
    others = set()
    for thread in rows:
        as_person = thread.owner_id == reader.pk
        if not as_person:
            others.add(thread.owner_id)
        lines.append(
            ThreadLine(
                thread=thread,
                as_person=as_person,
                unread=thread.unread_person if as_person else thread.unread_clinician,
                other=_other_name(thread, as_person),
                open=thread.relationship_id in open_ids,
            )
        )
    if others:
        access.record_list_reads(reader, others, Thread._meta.label, origin)
    page.object_list = lines
    return page


def unread_total(user: Any) -> int:
    """How many messages ``user`` has not read, as a person and as a clinician: one query."""
    if not _signed_in(user):
        return 0
    with system_access(_LIST_REASON):
        return Message.objects.filter(
            _unread_for_person(user) | _unread_for_clinician(user)
        ).count()


def unread_counts_by_person(clinician: Any) -> dict[int, int]:
    """For a clinician's dashboard: unread messages from each of their people (only those with
    some), by the person's id, in one query. Counts only: no content, no audit record."""
    if not _signed_in(clinician):
        return {}
    with system_access(_LIST_REASON):
        counted = (
            Message.objects.filter(_unread_for_clinician(clinician))
            .values("owner_id")
            .annotate(unread=Count("pk"))
            .order_by()
        )
        return {row["owner_id"]: row["unread"] for row in counted}


def takes_part(user: Any) -> bool:
    """Whether ``user`` has, or had, a care relationship on either side: the only people who can
    have messages. One query on the relationships (no personal data)."""
    return _signed_in(user) and CareRelationship.objects.involving(user).exists()


# -- email ----------------------------------------------------------------------------------------


def wants_email(user: User) -> bool:
    found = MessageSettings.objects.filter(user=user).first()
    return True if found is None else found.email_new_messages


def set_email(user: User, on: bool) -> None:
    MessageSettings.objects.update_or_create(user=user, defaults={"email_new_messages": on})


def thread_link(thread_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('care:thread', args=[thread_id])}"


@task()
def notify_new_message(thread_id: int, message_id: int) -> None:
    """The notification email, sent by the worker once the message is stored."""
    _notify(thread_id, message_id)


def _notify(thread_id: int, message_id: int) -> None:
    """Email the other side of a new message: who wrote, where, and a link. Never the subject or
    the message (an email can be read by others), and at most one an hour per thread and side."""
    with system_access("a new message's notification reads its thread's two sides, no content"):
        message = (
            Message.objects.filter(pk=message_id, thread_id=thread_id)
            .select_related("thread__owner", "thread__relationship__clinician")
            .first()
        )
        if message is None:
            return
        thread = message.thread
        if message.by_person:
            relationship = thread.relationship
            recipient = relationship.clinician if relationship is not None else None
            field = "clinician_emailed_at"
        else:
            recipient = thread.owner
            field = "person_emailed_at"
        if recipient is None or not recipient.email or not wants_email(recipient):
            return
        now = timezone.now()
        # One conditional update: of two messages within the hour (or at once), one email.
        claimed = (
            Thread.objects.filter(pk=thread.pk)
            .filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now - EMAIL_GAP}))
            .update(**{field: now})
        )
        if not claimed:
            return
    context = {
        "sender": message.author_name,
        # Where the clinician works; a person writing is not "at" their clinician's clinic.
        "organisation": "" if message.by_person else thread.organisation_name,
        "link": thread_link(thread.pk),
        "settings_link": f"{settings.SITE_URL}{reverse('care:messages')}",
    }
    # In the recipient's language: the worker sends it, outside anyone's request.
    with speaking(recipient):
        subject = render_to_string("care/email/new_message_subject.txt", context).strip()
        body = render_to_string("care/email/new_message.txt", context)
    EmailMessage(subject=subject, body=body, to=[recipient.email]).send()
