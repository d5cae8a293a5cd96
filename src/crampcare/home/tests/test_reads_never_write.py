"""Reads never write: a GET on any page or API route leaves every table as it was.

Page URLs come from the URL resolver and API routes from the OpenAPI document, so a route added
tomorrow is covered without touching this test; a path parameter it cannot fill fails it. The
person signed in has a program (with a weekly step due but not recorded yet, the case where
reading used to write), sessions, diary entries, assessments, self-tests, tokens and a calendar
feed; an anonymous visitor then tries the same URLs, with the secret links that work without
signing in.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session as BrowserSession
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from crampcare.accounts.models import AccessToken, PushSubscription, TaskProgress, User
from crampcare.api import api
from crampcare.assessment.models import Assessment
from crampcare.assessment.questionnaire import STEP_SLUGS
from crampcare.care.models import CareRelationship, Membership, Role, Thread
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.insights.models import SelfTest
from crampcare.knowledge.loader import get_library
from crampcare.portability.tests.everything import NOW, Secrets, fill_everything
from crampcare.programs import reminders, services
from crampcare.programs.models import Program
from crampcare.testing.builders import make_user

pytestmark = pytest.mark.django_db

API_PREFIX = "/api/v1/"
# Two weeks after the last recorded night: the program weeks since have ended and nothing has
# recorded their steps, so every page showing the program works them out without saving them.
READ_AT = NOW + timedelta(days=15)

# Not business data, so not compared. Django's sessions table holds the sign-in itself, and
# Django saves a session on requests that read it (a flash message shown and consumed, the
# questionnaire remembering where a visitor is): that is the browser's state, not the person's
# records. The cache (a table in the database unless REDIS_URL is set) is not a model, so
# ``apps.get_models()`` does not list it: rate-limit counters and cached fragments may change.
NOT_BUSINESS_DATA: frozenset[type[Model]] = frozenset({BrowserSession})
# Where each side of a care conversation has read up to: opening a conversation marks it read
# (as a mail reader does; docs/care.md), which is the reader's place in it, not a record.
READ_MARKERS: dict[str, frozenset[str]] = {
    "care.Thread": frozenset({"person_read_at", "clinician_read_at"}),
}


def _snapshot() -> dict[str, tuple[int, str]]:
    """For every model: how many rows, and a digest of every column of every row."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model in NOT_BUSINESS_DATA or model._meta.proxy:
            continue
        skipped = READ_MARKERS.get(model._meta.label, frozenset())
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in skipped]
        digest = hashlib.sha256()
        count = 0
        for row in model._base_manager.order_by("pk").values_list(*columns).iterator():
            digest.update(repr(row).encode())
            count += 1
        state[model._meta.label] = (count, digest.hexdigest())
    return state


# -- the URLs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    user: User
    secrets: Secrets

    def ids(self, model: type[Model]) -> list[str]:
        found = model._base_manager.filter(owner=self.user).order_by("pk")
        ids = [str(pk) for pk in found.values_list("pk", flat=True)]
        assert ids, f"the person has no {model.__name__}"
        return ids

    def relationships(self) -> list[str]:
        found = CareRelationship.objects.filter(person=self.user).values_list("pk", flat=True)
        assert found, "the person has no care relationship"
        return [str(pk) for pk in found]

    def organisations(self) -> list[str]:
        """The organisations the person runs; none, here: a made-up id, whose GET is a 404."""
        found = Membership.objects.filter(user=self.user, role=Role.ADMIN)
        return [str(pk) for pk in found.values_list("organisation", flat=True)] or ["999999"]

    def unsubscribe_token(self) -> str:
        return reminders.unsubscribe_token(Program.objects.for_user(self.user).get())


Values = Callable[[Person], list[str]]


def _one(model: type[Model]) -> Values:
    return lambda person: person.ids(model)[:1]


def _every(model: type[Model]) -> Values:
    return lambda person: person.ids(model)


# What to put in each path parameter, by the route's name and the parameter's (for the API, by
# the parameter's alone): the person's own records, content that exists, and the secret links
# sent to them. Allauth's keys are the ones its emails carry; a made-up one is enough here.
PAGE_PARAMETERS: dict[tuple[str, str], Values] = {
    ("accounts:revoke_token", "token_id"): _one(AccessToken),
    ("programs:remove_device", "subscription_id"): _one(PushSubscription),
    ("portability:import_progress", "progress_id"): _every(TaskProgress),
    ("portability:apple_health_progress", "progress_id"): _every(TaskProgress),
    ("care:reports_progress", "progress_id"): _every(TaskProgress),
    ("care:reports_download", "progress_id"): _every(TaskProgress),
    ("assessment:step", "slug"): lambda _: list(STEP_SLUGS),
    ("assessment:detail", "assessment_id"): _every(Assessment),
    ("assessment:edit", "assessment_id"): _every(Assessment),
    ("diary:episode_edit", "pk"): _one(CrampEpisode),
    ("diary:episode_delete", "pk"): _one(CrampEpisode),
    ("diary:checkin_delete", "pk"): _one(NightCheckin),
    ("diary:factors_delete", "pk"): _one(DailyFactors),
    ("insights:self_test_detail", "test_id"): _every(SelfTest),
    ("insights:stop_self_test", "test_id"): _one(SelfTest),
    ("insights:delete_self_test", "test_id"): _one(SelfTest),
    ("knowledge:topic", "slug"): lambda _: [next(iter(get_library().topics))],
    ("knowledge:exercise", "slug"): lambda _: [next(iter(get_library().exercises))],
    ("knowledge:exercise_picture", "slug"): lambda _: [next(iter(get_library().exercises))],
    ("knowledge:relief_area", "area"): lambda _: [next(iter(get_library().relief_areas))],
    ("programs:calendar", "token"): lambda person: [person.secrets.calendar_token],
    ("programs:unsubscribe", "token"): lambda person: [person.unsubscribe_token()],
    ("care:end_relationship", "relationship_id"): lambda person: person.relationships(),
    # A security key's pages (allauth.mfa): a made-up key is enough, as for allauth's emails.
    ("mfa_edit_webauthn", "pk"): lambda _: ["1"],
    ("mfa_remove_webauthn", "pk"): lambda _: ["1"],
    # The person's own id: nobody's clinician, they get 404 (a clinician's look is audited and
    # marks the person seen, writes on purpose that care/tests checks).
    ("care:patient", "person_id"): lambda person: [str(person.user.pk)],
    ("care:tailor", "person_id"): lambda person: [str(person.user.pk)],
    ("care:tailor_clearance", "person_id"): lambda person: [str(person.user.pk)],
    ("care:thread", "thread_id"): _every(Thread),
    ("care:organisation", "organisation_id"): lambda person: person.organisations(),
    ("care:organisation_add_member", "organisation_id"): lambda person: person.organisations(),
    ("care:organisation_remove_member", "organisation_id"): lambda person: person.organisations(),
    ("care:organisation_remove_member", "membership_id"): lambda _: ["999999"],
    ("care:organisation_assign", "organisation_id"): lambda person: person.organisations(),
    ("care:organisation_roster", "organisation_id"): lambda person: person.organisations(),
    ("care:outcomes", "org_id"): lambda person: person.organisations(),
}
ALLAUTH_PARAMETERS: dict[str, Values] = {
    "key": lambda _: ["made-up-key"],
    "uidb36": lambda _: ["1"],
}
API_PARAMETERS: dict[str, Values] = {
    "episode_id": _one(CrampEpisode),
    "checkin_id": _one(NightCheckin),
    "factors_id": _one(DailyFactors),
    "token_id": _one(AccessToken),
    "subscription_id": _one(PushSubscription),
    "progress_id": _every(TaskProgress),
    "test_id": _every(SelfTest),
    "assessment_id": _every(Assessment),
    "exercise_id": lambda _: [next(iter(get_library().exercises))],
    "topic_id": lambda _: [next(iter(get_library().topics))],
    # The person's own id: nobody's clinician, they get 404 (a clinician's read is audited, a
    # write on purpose, and care/tests checks it).
    "patient_id": lambda person: [str(person.user.pk)],
    "relationship_id": lambda person: person.relationships(),
    "thread_id": _every(Thread),
    "organisation_id": lambda person: person.organisations(),
    "org_id": lambda person: person.organisations(),
    "membership_id": lambda _: ["999999"],
}

_ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
_API_PARAMETER = re.compile(r"{(\w+)}")
# A named group of a regular-expression route (allauth's password reset key), as a parameter.
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def _patterns(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(route, name) of every URL pattern, with the route's text from the root."""
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry.pattern, RegexPattern):  # re_path()
            route = _REGEX_GROUP.sub(r"<\1>", route.removeprefix("^").removesuffix("$"))
            route = route.replace("\\", "")
            assert not set(route) & set("()[]*+?^$|"), f"a route this test cannot fill: {route}"
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + route, inner.strip(":"))
        elif isinstance(entry, URLPattern):
            yield prefix + route, f"{namespace}:{entry.name}".strip(":")


def _fill(
    template: str, parameter: re.Pattern[str], values: Callable[[str], list[str]]
) -> list[str]:
    """Every URL ``template`` gives with each parameter replaced by each of its values."""
    urls = [template]
    for name in parameter.findall(template):
        options = values(name)
        urls = [parameter.sub(_literal(value), url, count=1) for url in urls for value in options]
    return urls


def _literal(value: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: value


def page_urls(person: Person) -> list[str]:
    urls = []
    for route, name in _patterns(get_resolver().url_patterns):

        def values(parameter: str, name: str = name, route: str = route) -> list[str]:
            chosen = PAGE_PARAMETERS.get((name, parameter))
            if chosen is None and name.startswith("api:"):
                chosen = API_PARAMETERS.get(parameter)
            if chosen is None and name.startswith("account_"):
                chosen = ALLAUTH_PARAMETERS.get(parameter)
            assert chosen, f"{route} ({name}): say what to put in <{parameter}>"
            return chosen(person)

        urls += ["/" + url for url in _fill(route, _ROUTE_PARAMETER, values)]
    return urls


def api_urls(person: Person) -> list[str]:
    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    urls = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue

        def values(parameter: str, path: str = path) -> list[str]:
            chosen = API_PARAMETERS.get(parameter)
            assert chosen, f"GET {path}: say what to put in {{{parameter}}}"
            return chosen(person)

        urls += _fill(path, _API_PARAMETER, values)
    return urls


# -- the test ---------------------------------------------------------------------------------


def _writes(client: Client, urls: list[str]) -> list[str]:
    """Each URL whose GET changed a table, with the tables it changed."""
    found = []
    for url in urls:
        before = _snapshot()
        client.get(url)
        after = _snapshot()
        changed = sorted(label for label in before if before[label] != after.get(label))
        if changed:
            found.append(f"GET {url} changed {', '.join(changed)}")
    return found


def test_no_get_changes_the_database() -> None:
    user = make_user("reader@example.org")
    person = Person(user, fill_everything(user))
    with time_machine.travel(READ_AT, tick=False):
        stored = Program.objects.for_user(user).get()
        shown = services.current_program(user, user)
        assert shown is not None
        assert shown.week > stored.week, "a weekly step should be due and not recorded"
        urls = list(dict.fromkeys(page_urls(person) + api_urls(person)))
        assert "/program/" in urls
        assert f"{API_PREFIX}program" in urls
        signed_in = Client()
        signed_in.force_login(user)  # before the snapshots: signing in records last_login

        problems = _writes(signed_in, urls)
        problems += [f"(anonymous) {line}" for line in _writes(Client(), urls)]

        assert signed_in.session.get("_auth_user_id") == str(user.pk), "a GET signed them out"
    assert not problems, "\n".join(problems)
