from __future__ import annotations

import secrets
import zoneinfo
from datetime import datetime, time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.accounts.services import delete_account
from crampcare.diary import services
from crampcare.insights.nights import nights_for
from crampcare.portability.demo import BASELINE_WEEKS, DemoDiary, generate

DEMO_EMAIL = "demo@example.org"
# Only addresses nobody can own (RFC 2606 / RFC 6761), so --reset can never erase a real person.
RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
RESERVED_TLDS = (".test", ".example", ".invalid")


class Command(BaseCommand):
    help = (
        "Create a demo account with ten weeks of realistic diary data: three baseline weeks, "
        "then seven weeks on the program with fewer (but noisy) cramps and a few triggers. "
        "Prints a new random password once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--email",
            default=DEMO_EMAIL,
            help=f"The demo account's email (default {DEMO_EMAIL}); must be a reserved "
            "example address such as someone@example.org.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo account and everything in it first, then fill it again.",
        )
        parser.add_argument(
            "--seed", type=int, default=2012, help="Random seed: the same seed, the same diary."
        )
        parser.add_argument(
            "--weeks", type=int, default=10, help="How many weeks of diary (default 10)."
        )
        parser.add_argument(
            "--time-zone",
            default=settings.DEFAULT_USER_TIME_ZONE,
            help="The demo person's time zone (default %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        domain = email.rpartition("@")[2]
        if domain not in RESERVED_DOMAINS and not domain.endswith(RESERVED_TLDS):
            raise CommandError(
                f"{email} could belong to a real person. Use a reserved example address "
                f"such as {DEMO_EMAIL}."
            )
        if options["time_zone"] not in zoneinfo.available_timezones():
            raise CommandError(f"{options['time_zone']} is not a time zone we know.")
        if options["weeks"] <= BASELINE_WEEKS or options["weeks"] > 104:
            raise CommandError(f"--weeks must be from {BASELINE_WEEKS + 1} to 104.")
        existing = User.objects.filter(email=email).first()
        if existing is not None and not options["reset"]:
            raise CommandError(
                f"The demo account {email} already exists. Add --reset to delete it and start "
                "again."
            )
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            if existing is not None:
                delete_account(existing)
            user = User.objects.create_user(
                email, password, display_name="Demo", time_zone=options["time_zone"]
            )
            now = timezone.now()
            diary = generate(
                services.last_night(user, now),
                user.zone,
                options["seed"],
                weeks=options["weeks"],
                now=now,
            )
            _save(user, diary)
            sessions = _save_program(user, diary)
        self._report(user, password, diary, sessions)

    def _report(self, user: User, password: str, diary: DemoDiary, sessions: int | None) -> None:
        nights = nights_for(user, user, diary.first_night, diary.last_night)
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo account ready: {user.email}"))
        write(f"Password (shown only now): {password}")
        write(
            f"{len(nights)} nights recorded from {diary.first_night} to {diary.last_night}: "
            f"{len(diary.checkins)} morning check-ins, {len(diary.cramps)} cramps logged one by "
            f"one, {len(diary.days)} days of factors."
        )
        write(
            f"Baseline: the first {BASELINE_WEEKS} weeks. "
            f"The program starts on the night of {diary.program_start}."
        )
        if sessions is None:
            write(
                "Program sessions skipped: the programs app does not store sessions, so "
                "adherence is not part of this demo."
            )
        else:
            write(f"{sessions} evening stretching sessions done on the program.")


def _save(user: User, diary: DemoDiary) -> None:
    # Through the services, so the demo obeys exactly the rules a person's own entries do.
    for day in diary.days:
        fields = {k: v for k, v in vars_of(day).items() if k != "date"}
        services.record_factors(user, day.date, **fields)
    for checkin in diary.checkins:
        fields = {k: v for k, v in vars_of(checkin).items() if k != "night"}
        services.record_checkin(user, checkin.night, **fields)
    for cramp in diary.cramps:
        services.create_episode(user, **vars_of(cramp))


def _save_program(user: User, diary: DemoDiary) -> int | None:
    """Start the program on its night and finish the demo's sessions, through its services."""
    if not list(apps.get_app_config("programs").get_models()):
        return None
    from crampcare.programs import services as programs
    from crampcare.programs import sessions

    zone = user.zone
    programs.create_program(
        user,
        {"age": 67, "bedtime": time(22, 30)},
        now=datetime.combine(diary.program_start, time(21), zone),
    )
    for session in diary.sessions:
        sessions.finish_session(
            user,
            difficulty=session.difficulty,
            pain=session.pain,
            now=datetime.combine(session.night, time(22, 15), zone),
        )
    return len(diary.sessions)


def vars_of(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}
