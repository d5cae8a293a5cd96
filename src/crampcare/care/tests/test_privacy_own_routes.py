"""The authorisation matrix, the other half: the person's own routes (her diary's list, read,
update, delete and export, as a page and through the API) × everyone the care matrix asks.

A clinician reads a person's data only through the care routes (``test_privacy.py``); the
person's own routes always answer about the one signed in. So her clinician, like everyone else
but her, gets 404 for her records by id, changes nothing, and finds nothing of hers in lists,
counts or exports; and none of these asks leaves an audit record, since nothing of hers was read.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from crampcare.care.models import AuditRecord
from crampcare.care.tests.conftest import ACTORS, SECRET_NOTE, Team, client_for
from crampcare.diary.models import CrampEpisode as Episode

pytestmark = pytest.mark.django_db

OTHERS = [actor for actor in ACTORS if actor not in {"person", "anonymous"}]


def _client(team: Team, actor: str) -> Client:
    return client_for(team.actors()[actor])


def _her_episode(team: Team) -> Episode:
    episode: Episode = Episode.objects.for_user(team.person).get(notes=SECRET_NOTE)
    return episode


def _log_size(team: Team) -> int:
    return AuditRecord.objects.for_user(team.person).count()


def _export_text(response: object) -> str:
    body = (
        b"".join(response.streaming_content)
        if hasattr(response, "streaming_content")
        else (
            response.content  # type: ignore[attr-defined]
        )
    )
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return body.decode("utf-8")


@pytest.mark.parametrize("actor", ACTORS)
def test_the_cramp_list_holds_only_the_askers_own(team: Team, actor: str) -> None:
    before = _log_size(team)
    response = _client(team, actor).get("/api/v1/diary/episodes")
    if actor == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 200
        page = response.json()
        notes = [row.get("notes") for row in page["items"]]
        assert (SECRET_NOTE in notes) == (actor == "person")
        assert page["count"] == len(page["items"])  # the count tells nothing of hers either
    assert _log_size(team) == before


@pytest.mark.parametrize("actor", ACTORS)
def test_her_cramp_by_id_answers_only_her(team: Team, actor: str) -> None:
    episode = _her_episode(team)
    before = _log_size(team)
    response = _client(team, actor).get(f"/api/v1/diary/episodes/{episode.pk}")
    expected = {"person": 200, "anonymous": 401}.get(actor, 404)
    assert response.status_code == expected
    if actor != "person":
        assert SECRET_NOTE not in response.content.decode()
    assert _log_size(team) == before


@pytest.mark.parametrize("actor", ACTORS)
def test_only_she_changes_her_cramp(team: Team, actor: str) -> None:
    episode = _her_episode(team)
    response = _client(team, actor).patch(
        f"/api/v1/diary/episodes/{episode.pk}",
        data=json.dumps({"notes": "changed by someone"}),
        content_type="application/json",
    )
    expected = {"person": 200, "anonymous": 401}.get(actor, 404)
    assert response.status_code == expected
    stored = Episode.objects.for_user(team.person).get(pk=episode.pk).notes
    assert stored == ("changed by someone" if actor == "person" else SECRET_NOTE)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_she_deletes_her_cramp(team: Team, actor: str) -> None:
    episode = _her_episode(team)
    response = _client(team, actor).delete(f"/api/v1/diary/episodes/{episode.pk}")
    expected = {"person": 204, "anonymous": 401}.get(actor, 404)
    assert response.status_code == expected
    still_there = Episode.objects.for_user(team.person).filter(pk=episode.pk).exists()
    assert still_there == (actor != "person")


@pytest.mark.parametrize("actor", ACTORS)
def test_no_one_logs_a_cramp_into_her_diary(team: Team, actor: str) -> None:
    """Naming her as the owner is refused (the API takes no owner); a plain cramp lands in the
    sender's own diary, never hers unless she sent it."""
    client = _client(team, actor)
    before = Episode.objects.for_user(team.person).count()
    naming_her = client.post(
        "/api/v1/diary/episodes",
        data=json.dumps({"started_at": "2025-03-02T02:00:00Z", "owner_id": team.person.pk}),
        content_type="application/json",
    )
    assert naming_her.status_code == (401 if actor == "anonymous" else 422)
    plain = client.post(
        "/api/v1/diary/episodes",
        data=json.dumps({"started_at": "2025-03-02T02:00:00Z"}),
        content_type="application/json",
    )
    assert plain.status_code == (401 if actor == "anonymous" else 201)
    mine = actor == "person"
    assert Episode.objects.for_user(team.person).count() == before + (1 if mine else 0)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    "url", ["/diary/data/export.zip", "/diary/data/export.json", "/api/v1/diary/export.json"]
)
def test_each_export_holds_only_the_askers_own_data(team: Team, actor: str, url: str) -> None:
    before = _log_size(team)
    response = _client(team, actor).get(url)
    if actor == "anonymous":
        assert response.status_code in {302, 401}
        return
    assert response.status_code == 200
    text = _export_text(response)
    assert (SECRET_NOTE in text) == (actor == "person")
    if actor != "person":
        assert team.person.email not in text
    assert _log_size(team) == before


@pytest.mark.parametrize("actor", OTHERS)
def test_her_diary_page_shows_others_only_their_own(team: Team, actor: str) -> None:
    body = _client(team, actor).get("/diary/").content.decode()
    assert SECRET_NOTE not in body
