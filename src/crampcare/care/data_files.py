"""The care team's files in the whole-account export: the person's access log and their
messages. Both are exported and never imported.

- The access log is kept by the server: each line records that someone else read the person's
  data, and nobody, the person included, can add, change or delete a line. An import that
  created lines would let anyone forge their own log.
- Messages belong to a conversation with a clinician on this server, whose other side cannot
  come along to another account or server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.datafiles.formats import (
    Column,
    DataFile,
    instant,
    text,
    whole_number,
    yes_no,
)
from crampcare.accounts.models import User
from crampcare.care.models import AuditRecord, Message


def _access_log(user: User) -> Iterable[Any]:
    return AuditRecord.objects.for_user(user).annotate(who=F("actor_name")).order_by("at", "pk")


def _messages(user: User) -> Iterable[Any]:
    return (
        Message.objects.for_user(user)
        .annotate(
            conversation=F("thread_id"),
            subject=F("thread__subject"),
            clinician=F("thread__clinician_name"),
            organisation=F("thread__organisation_name"),
            written_by=F("author_name"),
            by_you=F("by_person"),
            text=F("body"),
        )
        .order_by("thread_id", "sent_at", "pk")
    )


ACCESS_LOG = DataFile(
    name="access_log.csv",
    section="access_log",
    about=_(
        "Your access log: each time someone in your care team looked at your data. Not "
        "imported: only this server writes these lines, and nobody can add or change one."
    ),
    columns=(
        instant("at", _("when")),
        text("who", _("who looked (their name at the time)")),
        Column("action", _("read (they looked) or change")),
        Column("what", _("the kind of record, e.g. diary.CrampEpisode")),
        Column("origin", _("the page or API route it happened on")),
    ),
    rows=_access_log,
    import_note=_(
        "access_log.csv was not imported: an access log is kept by the server that was read, "
        "and nobody can add lines to it."
    ),
)

MESSAGES = DataFile(
    name="messages.csv",
    section="messages",
    about=_(
        "Your messages with your care team, one row per message, by conversation. Not "
        "imported: a conversation lives on the server where the clinician is."
    ),
    columns=(
        whole_number(
            "conversation", _("a number for the conversation, the same on each of its rows")
        ),
        text("subject", _("the conversation's subject")),
        text("clinician", _("the clinician it was with (their name at the time)")),
        text("organisation", _("their organisation, or blank")),
        instant("sent_at", _("when the message was sent")),
        text("written_by", _("who wrote it (their name at the time)")),
        yes_no("by_you", _("yes if you wrote it")),
        text("text", _("the message")),
    ),
    rows=_messages,
    import_note=_(
        "messages.csv was not imported: conversations with a care team stay on the server "
        "where they took place."
    ),
)

FILES: tuple[DataFile, ...] = (ACCESS_LOG, MESSAGES)
