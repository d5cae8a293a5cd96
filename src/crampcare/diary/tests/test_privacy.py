"""Owner / stranger / anonymous checks for every diary route, pages and API.

Routes that name a record by id must answer a stranger 404 and change nothing; routes that show
lists or exports must show a stranger only their own (empty) diary; everyone signed out is sent
to sign in (pages) or gets 401 (API). See home/tests/test_route_coverage.py.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from crampcare.accounts.models import User
from crampcare.diary import services
from crampcare.diary.models import CrampEpisode, DailyFactors, NightCheckin
from crampcare.testing.builders import every_row

OWNER_SCOPED_ROUTES = {
    "diary:index",
    "diary:backfill",
    "diary:log_cramp",
    "diary:episode_new",
    "diary:episode_edit",
    "diary:episode_delete",
    "diary:checkin",
    "diary:checkin_severity",
    "diary:checkin_details",
    "diary:checkin_delete",
    "diary:factors",
    "diary:factors_delete",
    "portability:data",
    "portability:export_csv",
    "portability:export_json",
    "portability:import_csv",
    "portability:apple_health",
    "api:list_episodes",
    "api:create_episode",
    "api:get_episode",
    "api:update_episode",
    "api:delete_episode",
    "api:list_checkins",
    "api:save_checkin",
    "api:get_checkin",
    "api:update_checkin",
    "api:delete_checkin",
    "api:list_factors",
    "api:save_factors",
    "api:get_factors",
    "api:update_factors",
    "api:delete_factors",
    "api:diary_nights",
    "api:export_diary_json",
    "api:export_diary_zip",
    "api:import_diary",
    "api:import_apple_health",
}
PUBLIC_ROUTES: set[str] = set()

pytestmark = pytest.mark.django_db

SECRET = "owner-secret-note"
NIGHT = date(2024, 6, 4)


@dataclass
class Entries:
    episode: CrampEpisode
    checkin: NightCheckin
    factors: DailyFactors

    def ids(self) -> dict[str, int]:
        return {"episode": self.episode.pk, "checkin": self.checkin.pk, "factors": self.factors.pk}

    def unchanged(self) -> bool:
        episode = every_row(CrampEpisode).get(pk=self.episode.pk)  # test-side check, not app code
        checkin = every_row(NightCheckin).get(pk=self.checkin.pk)
        factors = every_row(DailyFactors).get(pk=self.factors.pk)
        return (episode.notes, episode.severity, checkin.cramp_count, factors.medicine_note) == (
            SECRET,
            5,
            2,
            SECRET,
        )


@pytest.fixture
def entries(user: User) -> Entries:
    return Entries(
        episode=services.create_episode(
            user, started_at=datetime(2024, 6, 5, 2, tzinfo=UTC), severity=5, notes=SECRET
        ),
        checkin=services.record_checkin(user, NIGHT, cramp_count=2, notes=SECRET)[0],
        factors=services.record_factors(user, NIGHT, medicine_change=True, medicine_note=SECRET)[0],
    )


# (url name, kind of record) for every page route that takes an id.
PAGE_ID_ROUTES = [
    ("diary:episode_edit", "episode"),
    ("diary:episode_delete", "episode"),
    ("diary:checkin_delete", "checkin"),
    ("diary:factors_delete", "factors"),
]
# (method, path under /api/v1/diary, kind) for every API route that takes an id.
API_ID_ROUTES = [
    (method, f"/{plural}/{{id}}", kind)
    for kind, plural in (("episode", "episodes"), ("checkin", "checkins"), ("factors", "factors"))
    for method in ("get", "patch", "delete")
]
# Every route without an id, with what it needs to be asked properly.
PAGE_ROUTES = [
    ("get", "diary:index", ""),
    ("get", "diary:backfill", ""),
    ("get", "diary:log_cramp", ""),
    ("get", "diary:episode_new", ""),
    ("get", "diary:checkin", f"?night={NIGHT}"),
    ("get", "diary:checkin_severity", f"?night={NIGHT}"),
    ("get", "diary:checkin_details", f"?night={NIGHT}"),
    ("get", "diary:factors", f"?date={NIGHT}"),
    ("get", "portability:data", ""),
    ("get", "portability:export_csv", ""),
    ("get", "portability:export_json", ""),
    ("get", "portability:apple_health", ""),
]


def _change(kind: str, text: str) -> dict[str, str]:
    return {"medicine_note" if kind == "factors" else "notes": text}


API_LISTS = ["/episodes", "/checkins", "/factors", "/nights?start=2024-06-01&end=2024-06-07"]


@pytest.mark.parametrize(("name", "kind"), PAGE_ID_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_a_record_from_a_stranger_on_the_pages(
    stranger_client: Client, entries: Entries, name: str, kind: str, method: str
) -> None:
    url = reverse(name, args=[entries.ids()[kind]])
    data = {"started_at": "2024-06-05T03:00", "notes": "changed"} if method == "post" else None
    response = getattr(stranger_client, method)(url, data)
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert entries.unchanged()


@pytest.mark.parametrize(("method", "path", "kind"), API_ID_ROUTES)
def test_it_hides_a_record_from_a_stranger_in_the_api(
    stranger_client: Client, entries: Entries, method: str, path: str, kind: str
) -> None:
    url = "/api/v1/diary" + path.format(id=entries.ids()[kind])
    response = getattr(stranger_client, method)(
        url, _change(kind, "changed"), content_type="application/json"
    )
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert entries.unchanged()


@pytest.mark.parametrize(("method", "name", "query"), PAGE_ROUTES)
def test_it_shows_a_stranger_only_their_own_empty_diary(
    stranger_client: Client, entries: Entries, method: str, name: str, query: str
) -> None:
    response = stranger_client.get(reverse(name) + query, follow=True)
    assert response.status_code == 200
    body = response.content
    if name == "portability:export_csv":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(n) for n in archive.namelist())
    assert SECRET.encode() not in body
    assert b"owner@example.org" not in body


@pytest.mark.parametrize("path", API_LISTS)
def test_it_lists_nothing_of_the_owners_for_a_stranger(
    stranger_client: Client, entries: Entries, path: str
) -> None:
    response = stranger_client.get("/api/v1/diary" + path)
    assert response.status_code == 200
    body = response.json()
    assert (body["items"] if isinstance(body, dict) else body) == []


def test_it_exports_nothing_of_the_owners_to_a_stranger(
    stranger_client: Client, entries: Entries
) -> None:
    document = stranger_client.get("/api/v1/diary/export.json").json()
    assert (document["episodes"], document["checkins"], document["factors"]) == ([], [], [])
    assert document["profile"]["email"] == "stranger@example.org"


def test_it_never_lets_a_stranger_write_into_the_owners_diary(
    stranger_client: Client, entries: Entries, other_user: User
) -> None:
    stranger_client.post(reverse("diary:checkin"), {"night": str(NIGHT), "cramp_count": "0"})
    stranger_client.post(reverse("diary:log_cramp"))
    assert entries.unchanged()
    assert NightCheckin.objects.for_user(other_user).get().cramp_count == 0
    assert CrampEpisode.objects.for_user(other_user).count() == 1


@pytest.mark.parametrize(("name", "kind"), PAGE_ID_ROUTES)
def test_it_lets_the_owner_open_each_record(
    owner_client: Client, entries: Entries, name: str, kind: str
) -> None:
    response = owner_client.get(reverse(name, args=[entries.ids()[kind]]))
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path", "kind"), API_ID_ROUTES)
def test_it_lets_the_owner_use_each_api_record_route(
    owner_client: Client, entries: Entries, method: str, path: str, kind: str
) -> None:
    url = "/api/v1/diary" + path.format(id=entries.ids()[kind])
    response = getattr(owner_client, method)(
        url, _change(kind, "mine") if method == "patch" else None, content_type="application/json"
    )
    assert response.status_code in {200, 204}


@pytest.mark.parametrize(("method", "name", "query"), PAGE_ROUTES)
def test_it_sends_visitors_to_sign_in(
    client: Client, user: User, method: str, name: str, query: str
) -> None:
    response = client.get(reverse(name) + query)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "kind"), PAGE_ID_ROUTES)
def test_it_sends_visitors_to_sign_in_for_records(
    client: Client, entries: Entries, name: str, kind: str
) -> None:
    response = client.post(reverse(name, args=[entries.ids()[kind]]))
    assert response["Location"].startswith("/accounts/login/")
    assert entries.unchanged()


@pytest.mark.parametrize(
    "path",
    [*API_LISTS, "/export.json", "/export.zip", *(p.format(id=1) for _, p, _ in API_ID_ROUTES)],
)
def test_it_answers_401_to_anonymous_api_callers(client: Client, user: User, path: str) -> None:
    assert client.get("/api/v1/diary" + path).status_code == 401
    assert client.post("/api/v1/diary/import").status_code == 401
