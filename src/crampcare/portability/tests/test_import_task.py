"""The page's import as a background task: the upload waits with a progress record, a worker
imports it, the page polls how far it has come and then shows what happened."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from django.db import OperationalError
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress, User
from crampcare.diary.models import CrampEpisode
from crampcare.portability import services as portability
from crampcare.portability import tasks
from crampcare.portability.tasks import import_archive

pytestmark = pytest.mark.django_db

EPISODES = (
    "started_at,muscle,side,severity,duration_minutes,woke_me,helped,notes\n"
    "2024-06-05T01:14:05+01:00,calf,left,7,2,yes,stretching,\n"
    "2024-06-06T01:14:05+01:00,calf,right,5,3,no,,\n"
)


def _upload(text: str = EPISODES) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("episodes.csv", text)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "export.zip"
    return upload


@pytest.fixture
def queued() -> Iterator[None]:
    """A queue nobody works on (the dummy backend keeps what is queued): the test runs the
    task itself, as a worker would."""
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        yield


def _record(user: User) -> TaskProgress:
    return TaskProgress.objects.for_user(user).get()


def test_it_answers_at_once_with_an_immediate_queue(owner_client: Client, owner: User) -> None:
    response = owner_client.post(reverse("portability:import_csv"), {"archive": _upload()})
    assert response.status_code == 302
    assert response["Location"] == reverse("diary:index")
    assert CrampEpisode.objects.for_user(owner).count() == 2
    record = _record(owner)
    assert (record.state, record.done, record.total, record.payload) == ("done", 3, 3, None)


def test_it_shows_the_progress_until_a_worker_has_imported_the_file(
    queued: None, owner_client: Client, owner: User
) -> None:
    response = owner_client.post(reverse("portability:import_csv"), {"archive": _upload()})
    record = _record(owner)
    url = reverse("portability:import_progress", args=[record.pk])
    assert response.status_code == 302
    assert response["Location"] == url
    # The file waits for the worker in the data dir, not in the database.
    assert progress.input_path(record.pk).read_bytes().startswith(b"PK")
    assert record.payload is None

    page = owner_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Waiting to start" in body
    assert 'hx-trigger="every 1s"' in body
    polled = owner_client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert "<html" not in polled.content.decode()  # only the partial
    assert 'id="import-progress"' in polled.content.decode()

    import_archive.call(record.pk, False)  # the worker's turn
    record.refresh_from_db()
    assert (record.state, record.payload, record.done, record.total) == ("done", None, 3, 3)
    assert not progress.input_path(record.pk).exists()  # the file went with the import
    assert CrampEpisode.objects.for_user(owner).count() == 2
    # The polling page reloads itself, and the full page says what happened.
    done = owner_client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == url
    final = owner_client.get(url, follow=True)
    assert final.redirect_chain[-1][0] == reverse("diary:index")
    assert "Imported 2 new entries and updated 0." in final.content.decode()


def test_it_shows_the_problems_a_worker_found(
    queued: None, owner_client: Client, owner: User
) -> None:
    bad = EPISODES + "yesterday at three,calf,left,7,2,yes,stretching,\n"
    owner_client.post(reverse("portability:import_csv"), {"archive": _upload(bad)})
    record = _record(owner)
    import_archive.call(record.pk, False)
    page = owner_client.get(reverse("portability:import_progress", args=[record.pk]))
    assert page.status_code == 200
    assert "Problems found in the file" in page.content.decode()
    assert "episodes.csv, line 4" in " ".join(map(str, page.context["report"].problems))
    assert not CrampEpisode.objects.for_user(owner).exists()


def test_it_counts_an_import_against_the_hourly_allowance_in_the_request(
    queued: None, owner_client: Client, owner: User
) -> None:
    with override_settings(CRAMPCARE_IMPORT_PER_HOUR=1):
        first = owner_client.post(reverse("portability:import_csv"), {"archive": _upload()})
        second = owner_client.post(reverse("portability:import_csv"), {"archive": _upload()})
    assert first.status_code == 302
    assert second.status_code == 429
    assert TaskProgress.objects.for_user(owner).count() == 1  # nothing queued the second time


def test_the_import_reports_its_steps_to_a_progress_callable(owner: User) -> None:
    heard: list[tuple[int, int]] = []
    report = portability.import_zip(
        owner, _upload().getvalue(), progress=lambda done, total: heard.append((done, total))
    )
    assert report.saved
    assert heard[-1] == (3, 3)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)


def test_a_reporter_writes_at_most_twice_a_second_but_always_the_end(owner: User) -> None:
    record = progress.start(owner, "apple-health")
    now = [100.0]
    report = progress.reporter(record.pk, clock=lambda: now[0])
    report(10, 1000)
    now[0] += 0.1
    report(20, 1000)  # too soon: skipped
    record.refresh_from_db()
    assert (record.done, record.total) == (10, 1000)
    report(1000, 1000)  # the end always counts
    record.refresh_from_db()
    assert (record.done, record.percent) == (1000, 99)
    progress.finish(record.pk, result={"read": 1000})
    record.refresh_from_db()
    assert (record.state, record.percent, record.result) == ("done", 100, {"read": 1000})


def test_old_finished_progress_records_are_cleared_out(owner: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    old, running, recent = (progress.start(owner, "import") for _ in range(3))
    progress.finish(old.pk, result={})
    progress.finish(recent.pk, result={})
    week_ago = timezone.now() - timedelta(days=8)
    TaskProgress.objects.for_user(owner).filter(pk__in=[old.pk, running.pk]).update(
        updated_at=week_ago
    )
    assert progress.prune(timezone.now() - timedelta(days=7)) == 1
    left = set(TaskProgress.objects.for_user(owner).values_list("pk", flat=True))
    assert left == {running.pk, recent.pk}


@pytest.mark.parametrize(
    ("problem", "says", "retry"),
    [
        (OperationalError("database is locked"), "The server was too busy", "5"),
        (RuntimeError("disk on fire"), "The server could not finish the import", None),
    ],
)
def test_an_import_that_fails_is_a_page_saying_so_never_a_bare_500(
    monkeypatch: pytest.MonkeyPatch,
    owner_client: Client,
    owner: User,
    problem: Exception,
    says: str,
    retry: str | None,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise problem

    monkeypatch.setattr(tasks, "import_zip", broken)
    response = owner_client.post(reverse("portability:import_csv"), {"archive": _upload()})

    assert response.status_code == 503
    assert response.get("Retry-After") == retry
    page = response.content.decode()
    assert "The import did not finish" in page
    assert says in page
    assert "Nothing was kept" in page
    record = _record(owner)
    assert record.state == "failed"
    assert not progress.input_path(record.pk).exists()
    assert not CrampEpisode.objects.for_user(owner).exists()
    again = owner_client.get(reverse("portability:import_progress", args=[record.pk]))
    assert again.status_code == 200
    assert says in again.content.decode()
