from __future__ import annotations

import io
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from crampcare.accounts.models import User
from crampcare.accounts.services import delete_account
from crampcare.care import services as care
from crampcare.care.models import Membership, Organisation, Role, RosterEntry
from crampcare.care.rosters import replace_roster
from crampcare.diary import services
from crampcare.insights.nights import nights_for
from crampcare.portability.demo import BASELINE_WEEKS, DemoDiary, generate

DEMO_EMAIL = "demo@example.org"
# Only addresses nobody can own (RFC 2606 / RFC 6761), so --reset can never erase a real person.
RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
RESERVED_TLDS = (".test", ".example", ".invalid")
DEMO_ORGANISATION = "Demo Physio Clinic"
# The demo clinic's roster: made-up people the coverage check (/coverage/) finds. The first is
# printed for trying it; the demo person is on it too, already enrolled.
DEMO_ROSTER_TRY = ("DPC-1002", "1965-09-21")
DEMO_ROSTER = (
    "email,member_id,name,date_of_birth\n"
    f"{{demo_email}},DPC-1001,Demo,1958-04-23\n"
    f",{DEMO_ROSTER_TRY[0]},Jordan Example,{DEMO_ROSTER_TRY[1]}\n"
    "pat.example@example.org,DPC-1003,Pat Example,1979-11-02\n"
)


@dataclass(frozen=True)
class StaffPart:
    """One of the demo clinic's people: the part of their address before the demo person's
    (``clinician`` → clinician.demo@example.org), their name and their role."""

    key: str
    name: str
    role: str
    description: str


STAFF = (
    StaffPart("clinician", "Casey (demo clinician)", Role.CLINICIAN, "Clinician, Demo in care"),
    StaffPart("colleague", "Robin (demo clinician)", Role.CLINICIAN, "Clinician, no patients"),
    StaffPart("admin", "Alex (demo admin)", Role.ADMIN, "Organisation admin"),
)


@dataclass(frozen=True)
class StaffAccount:
    part: StaffPart
    user: User
    password: str
    totp_secret: str


def staff_email(part: StaffPart, demo_email: str) -> str:
    local, _, domain = demo_email.rpartition("@")
    return f"{part.key}.{local}@{domain}"


class Command(BaseCommand):
    help = (
        "Create a demo account with ten weeks of realistic diary data: three baseline weeks, "
        "then seven weeks on the program with fewer (but noisy) cramps and a few triggers; and "
        f"a clinic ({DEMO_ORGANISATION}) with a clinician who has the demo person in their care, "
        "a second clinician and an admin, each with two-step sign-in, and a small roster to try "
        "the coverage check with. Prints new random passwords and authenticator keys once."
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
            help="Delete the demo account and everything in it (and the demo clinic and its "
            "people) first, then fill it again.",
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
        staff_existing = list(
            User.objects.filter(email__in=[staff_email(part, email) for part in STAFF])
        )
        if (existing is not None or staff_existing) and not options["reset"]:
            taken = existing.email if existing is not None else staff_existing[0].email
            raise CommandError(
                f"The demo account {taken} already exists. Add --reset to delete it and start "
                "again."
            )
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            if existing is not None:
                delete_account(existing)
            _delete_clinic(staff_existing)
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
            staff = _make_clinic(user)
            _make_roster(user)
        self._report(user, password, diary, sessions)
        self._report_clinic(user, staff)

    def _report_clinic(self, person: User, staff: list[StaffAccount]) -> None:
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS(f"Care team: {DEMO_ORGANISATION} (clinic)"))
        write(
            "Each signs in with the password, then a code from an authenticator app: add the "
            "key below to one (e.g. Aegis, Google Authenticator), as a time-based (TOTP) key."
        )
        for account in staff:
            write(f"{account.part.description}: {account.user.email}")
            write(f"  Password (shown only now): {account.password}")
            write(f"  Authenticator key (base32, shown only now): {account.totp_secret}")
        write(
            f"The first clinician reads {person.email}'s data at /care/ and "
            f"/api/v1/care/patients/{person.pk}/episodes; each read is in Demo's access log."
        )
        member_id, born = DEMO_ROSTER_TRY
        write(
            f"Coverage check: at /coverage/, try member id {member_id} with date of birth "
            f"{born} (the clinic's roster, at /care/organisations/ for its admin)."
        )

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


def _delete_clinic(staff: list[User]) -> None:
    """The demo clinic (the one its demo admin runs) and its demo people, for --reset."""
    admins = [user for user in staff if user.email.startswith("admin.")]
    clinics = Membership.objects.filter(
        user__in=admins, role=Role.ADMIN, organisation__name=DEMO_ORGANISATION
    ).values("organisation")
    Organisation.objects.filter(pk__in=clinics).delete()
    for user in staff:
        delete_account(user)


def _make_clinic(person: User) -> list[StaffAccount]:
    """The demo clinic, through the care services: an admin, a clinician with the demo person
    in their care (invited, and accepted by the person) and a clinician without patients. Each
    has a new random password and an authenticator app (two-step sign-in, which care routes
    require of them) with recovery codes."""
    accounts = []
    for part in STAFF:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            staff_email(part, person.email),
            password,
            display_name=part.name,
            time_zone=person.time_zone,
        )
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
        accounts.append(StaffAccount(part, user, password, secret))
    by_key = {account.part.key: account.user for account in accounts}
    clinic = care.create_organisation_for(
        by_key["admin"], DEMO_ORGANISATION, Organisation.Kind.CLINIC
    )
    for account in accounts:
        if account.part.role == Role.CLINICIAN:
            care.add_member(by_key["admin"], clinic, account.user, Role.CLINICIAN)
    care.add_member(by_key["admin"], clinic, person, Role.MEMBER)
    # Made-up addresses: no invitation email is sent.
    invitation = care.invite(by_key["clinician"], person.email, notify=False)
    care.accept(person, invitation.code)
    return accounts


def _make_roster(person: User) -> None:
    """The demo clinic's roster, read and saved as an uploaded file is; the demo person's line
    is linked to them, as if they had enrolled."""
    clinic = Organisation.objects.get(
        memberships__user=person, memberships__role=Role.MEMBER, name=DEMO_ORGANISATION
    )
    text = DEMO_ROSTER.replace("{demo_email}", person.email)
    report = replace_roster(clinic, io.BytesIO(text.encode()))
    if not report.saved:  # the roster above is ours: a problem here is a bug
        raise CommandError(f"The demo roster did not load: {report.problems}")
    RosterEntry.objects.filter(organisation=clinic, email=person.email).update(
        enrolled_user=person, enrolled_at=timezone.now()
    )


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
