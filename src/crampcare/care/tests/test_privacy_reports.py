"""The authorisation matrix of the reports of many people in one zip (care:reports, its progress
page and its download) × the eight actors of ``conftest.Team.actors``, and the flow itself.

Only a clinician asks for reports, only of people in their care now; each report read leaves
audit records in that person's access log, named ``care:reports``; the progress and the zip are
the asking clinician's alone (404 for everyone else, the person included), for 24 hours.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test.utils import override_settings
from django.utils import timezone

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress, User
from crampcare.care import bulk_reports, services
from crampcare.care.models import AuditRecord
from crampcare.care.tests.conftest import ACTORS, Team, bring_in, client_for
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

PAGE = "/care/reports/"


def _reads(team: Team, person: User | None = None) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.for_user(person or team.person).filter(origin=bulk_reports.ORIGIN)
    )


def _made(team: Team, *people: User) -> TaskProgress:
    """Tess's zip of the reports of ``people`` (Olive by default), made at once."""
    ids = [person.pk for person in people] or [team.person.pk]
    response = client_for(team.clinician).post(PAGE, {"people": ids, "weeks": 8})
    assert response.status_code == 302, response.content.decode()[:500]
    return TaskProgress.objects.for_user(team.clinician).get(kind=bulk_reports.KIND)


@pytest.fixture
def queued() -> Iterator[None]:
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        yield


def test_her_clinician_gets_each_report_in_one_zip_and_each_read_is_audited(team: Team) -> None:
    bring_in(team.clinician, team.stranger)
    tess = client_for(team.clinician)
    form = tess.get(PAGE)
    assert form.status_code == 200
    body = form.content.decode()
    for person in (team.person, team.stranger):
        assert f'value="{person.pk}"' in body
    assert body.count("checked") >= 2  # everyone in her care is ticked at first

    record = _made(team, team.person, team.stranger)
    ready = tess.get(f"/care/reports/{record.pk}/")
    assert ready.status_code == 200
    assert "Your reports are ready" in ready.content.decode()
    assert "2 reports, in one zip." in ready.content.decode()
    path = progress.output_path(record.pk)
    assert path.stat().st_mode & 0o777 == 0o600

    download = tess.get(f"/care/reports/{record.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "no-store" in download["Cache-Control"]
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted([f"Olive-{team.person.pk}.pdf", f"Sam-{team.stranger.pk}.pdf"])
        assert all(archive.read(name).startswith(b"%PDF") for name in names)
    # Each person's report was read through the door, as Tess, and is in their access log.
    for person in (team.person, team.stranger):
        reads = _reads(team, person)
        assert reads
        assert {read.actor_id for read in reads} == {team.clinician.pk}
    record.refresh_from_db()
    assert (record.done, record.total, record.result) == (2, 2, {"reports": 2, "left_out": 0})


def test_someone_not_in_her_care_cannot_be_chosen(team: Team) -> None:
    tess = client_for(team.clinician)
    response = tess.post(PAGE, {"people": [team.stranger.pk], "weeks": 8})
    assert response.status_code == 400
    assert "is not one of the available choices" in response.content.decode()
    assert not TaskProgress.objects.for_user(team.clinician).exists()
    assert not _reads(team, team.stranger)


def test_someone_whose_care_ended_before_the_worker_came_is_left_out_unread(
    queued: None, team: Team
) -> None:
    record = _made(team)
    services.end(team.person, team.relationship.pk)
    assert bulk_reports.build_reports.call(record.pk, [team.person.pk], 8) == 0
    record.refresh_from_db()
    assert record.result == {"reports": 0, "left_out": 1}
    assert not _reads(team)
    page = client_for(team.clinician).get(f"/care/reports/{record.pk}/").content.decode()
    assert "1 person was left out: they are no longer in your care." in page


def test_the_zip_is_gone_after_a_day(team: Team) -> None:
    record = _made(team)
    tess = client_for(team.clinician)
    # Made 25 hours ago (moving the clock instead would sign her out: the care idle timeout).
    made = timezone.now() - timedelta(hours=25)
    TaskProgress.objects.for_user(team.clinician).filter(pk=record.pk).update(updated_at=made)
    late = tess.get(f"/care/reports/{record.pk}/download/")
    page = tess.get(f"/care/reports/{record.pk}/")
    assert late.status_code == 410
    assert "no longer here" in late.content.decode()
    assert "no longer here" in page.content.decode()
    # The worker's clean-up deletes the file with its record.
    progress.prune(timezone.now() - timedelta(hours=1))
    assert not progress.output_path(record.pk).exists()
    assert not every_row(TaskProgress).filter(pk=record.pk).exists()


def test_the_progress_page_shows_how_many_are_made(queued: None, team: Team) -> None:
    record = _made(team)
    progress.reporter(record.pk)(1, 4)
    page = client_for(team.clinician).get(f"/care/reports/{record.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Making the reports" in body
    assert "25% done." in body
    assert '<progress max="100" value="25"' in body


# The matrix

ASK_PAGE = {
    "their clinician": 200,
    "same-organisation clinician": 200,
    "other-organisation clinician": 200,
    "clinician after the end": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("actor", ACTORS)
def test_only_clinicians_may_ask_and_only_for_their_own_people(team: Team, actor: str) -> None:
    client = client_for(team.actors()[actor])
    page = client.get(PAGE)
    assert page.status_code == ASK_PAGE.get(actor, 404)
    olive_listed = f'value="{team.person.pk}"' in page.content.decode()
    assert olive_listed == (actor == "their clinician")
    asked = client.post(PAGE, {"people": [team.person.pk], "weeks": 8})
    expected = {"their clinician": 302, "anonymous": 302}.get(
        actor, 400 if ASK_PAGE.get(actor) == 200 else 404
    )
    assert asked.status_code == expected
    made = every_row(TaskProgress).filter(kind=bulk_reports.KIND).exists()
    assert made == (actor == "their clinician")
    assert bool(_reads(team)) == (actor == "their clinician")


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_clinician_who_asked_sees_the_progress_and_the_zip(team: Team, actor: str) -> None:
    record = _made(team)
    before = len(_reads(team))
    client = client_for(team.actors()[actor])
    for url in (f"/care/reports/{record.pk}/", f"/care/reports/{record.pk}/download/"):
        response = client.get(url)
        expected = {"their clinician": 200, "anonymous": 302}.get(actor, 404)
        assert response.status_code == expected, url
        if actor == "anonymous":
            assert "/accounts/login/" in response["Location"]
        if actor != "their clinician":
            assert b"%PDF" not in response.content
    # Reading the progress or the zip reads nobody's data again.
    assert len(_reads(team)) == before


def test_reports_the_server_could_not_make_are_a_page_saying_so(
    queued: None, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _made(team)

    def broken(*_: object, **__: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk_reports.pdf, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        bulk_reports.build_reports.call(record.pk, [team.person.pk], 8)
    page = client_for(team.clinician).get(f"/care/reports/{record.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "The server could not finish making the reports." in body
    assert "/download/" not in body
    assert not progress.output_path(record.pk).exists()


def test_reports_whose_worker_stopped_are_not_waited_for_for_ever(queued: None, team: Team) -> None:
    record = _made(team)
    TaskProgress.objects.for_user(team.clinician).filter(pk=record.pk).update(
        updated_at=timezone.now() - timedelta(minutes=16)
    )
    page = client_for(team.clinician).get(f"/care/reports/{record.pk}/")
    assert page.status_code == 200
    assert "The server could not finish making the reports." in page.content.decode()
