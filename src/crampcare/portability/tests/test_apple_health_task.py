"""The Apple Health import as a background task: the upload waits in the data dir, a worker
reads it as a stream and writes how much it has read, the page and the API show that, then what
was imported or the problem. Every message the import gives for a bad file reaches the person."""

from __future__ import annotations

import html
import io
import itertools
import random
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crampcare.accounts import progress
from crampcare.accounts.models import TaskProgress, User
from crampcare.diary import health
from crampcare.diary.models import DailyFactors, HealthDay
from crampcare.portability import tasks
from crampcare.portability.tests.health_exports import (
    JUNE_5,
    export_xml,
    export_zip,
    steps,
)
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

URL = reverse("portability:apple_health")
API = "/api/v1/diary/import/apple-health"
MB = 1024 * 1024
ONE_RECORD = JUNE_5[1]


@pytest.fixture(autouse=True)
def _after_june() -> Iterator[None]:
    with time_machine.travel(datetime(2024, 6, 20, 12, 0), tick=False):
        yield


@pytest.fixture
def queued() -> Iterator[None]:
    """A queue nobody works on: the test runs the task itself, as a worker would."""
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        yield


def _post(client: Client, data: bytes, name: str = "export.zip") -> Any:
    return client.post(URL, {"export": SimpleUploadedFile(name, data)})


def _record(user: User) -> TaskProgress:
    """The person's latest import."""
    return TaskProgress.objects.for_user(user).latest("pk")


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _nothing_imported() -> None:
    assert not every_row(HealthDay).exists()
    assert not every_row(DailyFactors).exists()


# The page and the task


def test_the_page_shows_the_bytes_read_until_a_worker_has_imported_the_file(
    queued: None, owner_client: Client, owner: User
) -> None:
    data = export_zip(export_xml(*JUNE_5))
    response = _post(owner_client, data)
    record = _record(owner)
    url = reverse("portability:apple_health_progress", args=[record.pk])
    assert response.status_code == 302
    assert response["Location"] == url
    # The upload waits in the data dir, as it came, readable by its owner only.
    kept = progress.input_path(record.pk)
    assert kept.read_bytes() == data
    assert kept.stat().st_mode & 0o777 == 0o600
    assert (record.kind, record.state, record.payload) == ("apple-health", "queued", None)

    page = owner_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<h1>Importing from Apple Health</h1>" in body
    assert "Waiting to start" in body
    assert '<progress max="100" value="0" aria-labelledby="progress-title">' in body
    assert '<p role="status" aria-live="polite">0% done.</p>' in body
    assert 'hx-trigger="every 1s"' in body
    # Without JavaScript the page asks again by itself, and offers a link to.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
    assert f'<a href="{url}">Check again</a>' in body
    partial = owner_client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert f'hx-get="{url}"' in partial.content.decode()

    # Half way (as the worker writes it), the page says how much it has read.
    progress.reporter(record.pk)(512 * 1024, 1024 * 1024)
    assert "50% done: 512.0\xa0KB of 1.0\xa0MB read." in owner_client.get(url).content.decode()

    assert tasks.import_health.call(record.pk)  # the worker's turn
    record.refresh_from_db()
    xml_size = len(export_xml(*JUNE_5))
    assert (record.state, record.done, record.total) == ("done", xml_size, xml_size)
    assert not kept.exists()  # the upload went with the import
    assert HealthDay.objects.for_user(owner).get().steps == 12800

    done = owner_client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == url
    final = owner_client.get(url)
    assert final.status_code == 200
    assert "Imported from Apple Health: 1 day, 1 night and 1 workout." in _text(final)
    assert "1 night of sleep" in _text(final)


def test_it_answers_at_once_where_tasks_run_at_once(owner_client: Client, owner: User) -> None:
    response = _post(owner_client, export_xml(*JUNE_5), "export.xml")
    assert response.status_code == 200
    assert "1 day, 1 night and 1 workout" in _text(response)
    record = _record(owner)
    assert (record.state, record.percent) == ("done", 100)
    assert not progress.input_path(record.pk).exists()


def _zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def _billion_laughs() -> bytes:
    doctype = (
        '<!DOCTYPE HealthData [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
        + "]>\n"
    ).replace("&lol0;", "&lol;")
    return export_xml(ONE_RECORD.replace("Ann", "&lol9;"), doctype=doctype)


def _cut(data: bytes, keep: Callable[[int], int]) -> bytes:
    return data[: keep(len(data))]


# Every bad or hostile file the import refuses, and the words the person must see.
BAD_FILES: list[tuple[str, Callable[[], bytes], str]] = [
    ("billion laughs", _billion_laughs, "The file declares XML entities"),
    (
        "external entity",
        lambda: export_xml(
            ONE_RECORD.replace("Ann", "&secret;"),
            doctype='<!DOCTYPE HealthData [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n',
        ),
        "The file declares XML entities",
    ),
    (
        "external DTD",
        lambda: export_xml(
            ONE_RECORD, doctype='<!DOCTYPE HealthData SYSTEM "http://example.org/h.dtd">\n'
        ),
        "The file points to a DTD outside itself",
    ),
    (
        "zip bomb",
        lambda: export_zip(
            export_xml(ONE_RECORD).replace(b"</HealthData>", b" " * (8 * MB) + b"</HealthData>")
        ),
        "Export.xml is compressed far more than any export would be",
    ),
    (
        "path out of the zip",
        lambda: _zip_with("../export.xml", export_xml(ONE_RECORD)),
        "The zip names a file outside itself",
    ),
    (
        "zip without export.xml",
        lambda: _zip_with("photos/cat.xml", b"<cat/>"),
        "The zip has no export.xml",
    ),
    (
        "cut-short zip",
        lambda: _cut(export_zip(export_xml(*JUNE_5)), lambda n: n // 2),
        "The zip file is damaged or cut short",
    ),
    (
        "cut-short XML",
        lambda: _cut(export_xml(*JUNE_5), lambda n: n - 40),
        "it is cut short",
    ),
    (
        "another XML",
        lambda: b'<?xml version="1.0"?><ClinicalDocument><x/></ClinicalDocument>',
        "This is not an Apple Health export (its first element is 'ClinicalDocument'",
    ),
    (
        "a picture",
        lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100,
        "This is a picture (JPEG), not an Apple Health export",
    ),
    ("text", lambda: b"date,steps\n2024-06-05,1200\n", "it is not readable XML"),
    (
        "a date in another format",
        lambda: export_xml(
            JUNE_5[0], JUNE_5[1].replace("2024-06-05 09:00:00 +0100", "05/06/2024 09:00", 1)
        ),
        "Export.xml, line 18: the date '05/06/2024 09:00' is not in Apple Health's format",
    ),
    (
        "not a number",
        lambda: export_xml(JUNE_5[1].replace('value="1300"', 'value="lots"')),
        "the step count 'lots' is not a number",
    ),
    (
        "unknown water unit",
        lambda: export_xml(JUNE_5[3].replace('unit="mL"', 'unit="bucket"')),
        "the water unit 'bucket' is not one we know",
    ),
    (
        "a flood of unknown elements",
        lambda: export_xml(*(["<Unknown/>"] * 1_000_000), ONE_RECORD),
        "This file holds elements an Apple Health export has not",
    ),
    ("nothing it uses", lambda: export_xml(), "The export holds no steps"),
]


@pytest.mark.parametrize(
    ("make", "says"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_every_problem_a_worker_finds_reaches_the_page_and_the_api(
    queued: None, owner_client: Client, owner: User, make: Callable[[], bytes], says: str
) -> None:
    assert _post(owner_client, make()).status_code == 302
    record = _record(owner)
    assert not tasks.import_health.call(record.pk)

    page = owner_client.get(reverse("portability:apple_health_progress", args=[record.pk]))
    assert page.status_code == 200
    assert "Nothing was imported" in _text(page)
    assert says in _text(page)
    status = owner_client.get(f"{API}/{record.pk}").json()
    assert (status["state"], status["result"]) == ("done", None)
    assert says.lower() in status["problem"]["detail"].lower()
    assert not progress.input_path(record.pk).exists()
    _nothing_imported()


def test_a_file_at_fault_is_a_400_when_the_answer_comes_at_once(owner_client: Client) -> None:
    response = _post(owner_client, _billion_laughs())
    assert response.status_code == 400
    assert "The file declares XML entities" in _text(response)
    _nothing_imported()


@override_settings(CRAMPCARE_APPLE_HEALTH_MAX_XML_BYTES=64 * 1024)
def test_the_xml_limit_reaches_the_page(queued: None, owner_client: Client, owner: User) -> None:
    _post(owner_client, export_zip(export_xml(*(ONE_RECORD for _ in range(1000)))))
    record = _record(owner)
    tasks.import_health.call(record.pk)
    page = owner_client.get(reverse("portability:apple_health_progress", args=[record.pk]))
    assert "Export.xml is larger than 0 MB once unzipped" in _text(page)
    _nothing_imported()


# When the server, not the file, fails


@pytest.mark.parametrize(
    ("problem", "says", "retry"),
    [
        (OperationalError("database is locked"), "The server was too busy", "5"),
        (RuntimeError("disk on fire"), "The server could not finish the import", None),
    ],
)
def test_a_task_that_fails_is_a_page_saying_so_and_nothing_is_kept(
    monkeypatch: pytest.MonkeyPatch,
    owner_client: Client,
    owner: User,
    problem: Exception,
    says: str,
    retry: str | None,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise problem

    monkeypatch.setattr(health, "save_health_days", broken)
    response = _post(owner_client, export_zip(export_xml(*JUNE_5)))

    assert response.status_code == 503
    assert response.get("Retry-After") == retry
    assert "The import did not finish" in _text(response)
    assert says in _text(response)
    assert "Nothing was kept" in _text(response)
    record = _record(owner)
    assert record.state == "failed"
    assert not progress.input_path(record.pk).exists()
    _nothing_imported()
    # Asked again later, the progress page says the same (the page itself is fine: 200).
    again = owner_client.get(reverse("portability:apple_health_progress", args=[record.pk]))
    assert again.status_code == 200
    assert says in _text(again)
    status = owner_client.get(f"{API}/{record.pk}").json()
    assert status["state"] == "failed"
    assert says in status["problem"]["detail"]


# The API


def test_the_api_answers_202_then_the_status_says_how_far_and_what(
    queued: None, owner_client: Client, owner: User
) -> None:
    xml = export_xml(*JUNE_5)
    response = owner_client.post(API, {"export": SimpleUploadedFile("export.zip", export_zip(xml))})

    assert response.status_code == 202
    body = response.json()
    record = _record(owner)
    status_url = f"{API}/{record.pk}"
    assert body == {
        "id": record.pk,
        "status_url": status_url,
        "state": "queued",
        "bytes_read": 0,
        "bytes_total": 0,
        "percent": 0,
        "result": None,
        "problem": None,
    }
    assert owner_client.get(status_url).json()["state"] == "queued"

    tasks.import_health.call(record.pk)
    status = owner_client.get(status_url)
    assert status.status_code == 200
    body = status.json()
    assert (body["state"], body["percent"], body["problem"]) == ("done", 100, None)
    assert body["bytes_read"] == body["bytes_total"] == len(xml)
    result = body["result"]
    assert (result["days"], result["nights"], result["workouts"]) == (1, 1, 1)
    assert (result["created"], result["updated"]) == (1, 0)
    assert result["detail"] == "Imported from Apple Health: 1 day, 1 night and 1 workout."
    assert HealthDay.objects.for_user(owner).get().steps == 12800


def test_the_api_refuses_before_queueing(owner_client: Client, owner: User) -> None:
    upload = SimpleUploadedFile("export.xml", export_xml(*JUNE_5))
    with override_settings(CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES=100):
        too_large = owner_client.post(API, {"export": upload})
    assert too_large.status_code == 413
    assert too_large.json()["detail"] == "export: this file is larger than 100\xa0bytes."
    with override_settings(CRAMPCARE_IMPORT_PER_HOUR=1):
        first = owner_client.post(API, {"export": SimpleUploadedFile("e.xml", b"<x/>")})
        second = owner_client.post(API, {"export": SimpleUploadedFile("e.xml", b"<x/>")})
    assert (first.status_code, second.status_code) == (202, 429)
    assert "already imported 1 time in the last hour" in second.json()["detail"]
    assert TaskProgress.objects.for_user(owner).count() == 1  # nothing queued when refused


def test_the_api_takes_no_idempotency_key_for_the_upload(owner_client: Client, owner: User) -> None:
    response = owner_client.post(
        API,
        {"export": SimpleUploadedFile("export.xml", export_xml(*JUNE_5))},
        headers={"Idempotency-Key": "one-import"},
    )
    assert response.status_code == 422
    assert "not taken for file uploads" in response.json()["errors"][0]["message"]
    assert not TaskProgress.objects.for_user(owner).exists()
    _nothing_imported()


def test_the_status_of_an_import_that_is_not_yours_or_not_one_is_404(
    owner_client: Client, owner: User
) -> None:
    archive = progress.start(owner, "import")
    assert owner_client.get(f"{API}/{archive.pk}").status_code == 404
    assert owner_client.get(f"{API}/999999").status_code == 404


# How the progress is written


def _big_export(records: int) -> bytes:
    """An export of many step samples, each with a different version string, so that it
    compresses about as much as a real one (a zip of one line repeated looks like a bomb)."""
    noise = random.Random(15)
    return export_xml(
        *(
            steps(
                "2024-06-05 09:00:00 +0100",
                "2024-06-05 09:10:00 +0100",
                10,
                source=f'sourceName="Watch" sourceVersion="{noise.getrandbits(64):016x}"',
            )
            for _ in range(records)
        )
    )


@pytest.mark.parametrize("wrapped", [False, True], ids=["export.xml", "export.zip"])
def test_the_bytes_read_only_grow_and_end_at_the_files_size(
    queued: None,
    owner_client: Client,
    owner: User,
    monkeypatch: pytest.MonkeyPatch,
    wrapped: bool,
) -> None:
    xml = _big_export(12_000)  # about 3 MB: a dozen chunks
    _post(owner_client, export_zip(xml) if wrapped else xml)
    record = _record(owner)
    seen: list[tuple[int, int]] = []
    real = progress.reporter
    ticks = itertools.count(step=1.0)  # a second between calls: every call is written

    def watched(progress_id: int, **_: Any) -> progress.Reporter:
        store = real(progress_id, clock=lambda: next(ticks))

        def report(done: int, total: int) -> None:
            store(done, total)
            seen.append(every_row(TaskProgress).values_list("done", "total").get(pk=progress_id))

        return report

    monkeypatch.setattr(progress, "reporter", watched)
    assert tasks.import_health.call(record.pk)

    read = [done for done, _ in seen]
    assert read == sorted(read)
    assert len(set(read)) >= 10
    assert seen[-1] == (len(xml), len(xml))
    assert {total for _, total in seen} == {len(xml)}


def test_it_writes_the_progress_a_few_times_a_second_not_every_record(
    queued: None, owner_client: Client, owner: User
) -> None:
    _post(owner_client, _big_export(12_000), "export.xml")
    record = _record(owner)
    with time_machine.travel(datetime(2024, 6, 20, 12, 0), tick=True):
        started = datetime.now()
        with CaptureQueriesContext(connection) as queries:
            tasks.import_health.call(record.pk)
        seconds = (datetime.now() - started).total_seconds()
    writes = [
        query
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE") and "taskprogress" in query["sql"].lower()
    ]
    # Taken, then the first, at most one more each half second and the last, then finished.
    assert 3 <= len(writes) <= 4 + seconds / 0.5
    assert len(writes) < 12_000 / 100


# Memory: the upload is streamed to disk and read as a stream


def _multipart(path: Path, boundary: str, xml_records: int) -> int:
    """A multipart body with one file field, written to ``path`` a piece at a time."""
    record = steps("2024-06-05 09:00:00 +0100", "2024-06-05 09:10:00 +0100", 10).encode()
    head, tail = export_xml(ONE_RECORD).split(ONE_RECORD.encode())
    with path.open("wb") as body:
        body.write(
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="export"; filename="export.xml"\r\n'
            "Content-Type: text/xml\r\n\r\n".encode()
        )
        body.write(head)
        for _ in range(xml_records // 1000):
            body.write(record * 1000)
        body.write(tail)
        body.write(f"\r\n--{boundary}--\r\n".encode())
    return path.stat().st_size


def test_a_big_upload_through_the_page_is_never_held_in_memory(
    owner_client: Client, owner: User, tmp_path: Path
) -> None:
    boundary = "crampcare-boundary"
    body = tmp_path / "body"
    size = _multipart(body, boundary, 500_000)  # about 115 MB
    assert size > 100 * MB
    # A warm-up request first, so the measure is the import's, not the first request's.
    assert _post(owner_client, b"\xff\xd8\xff").status_code == 400
    with body.open("rb") as stream:
        tracemalloc.start()
        try:
            response = owner_client.request(
                REQUEST_METHOD="POST",
                PATH_INFO=URL,
                CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
                CONTENT_LENGTH=str(size),
                **{"wsgi.input": stream},
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 200, _text(response)[:2000]
    assert "1 day, 0 nights and 0 workouts" in _text(response)
    assert HealthDay.objects.for_user(owner).get().steps == 5_000_000
    assert peak < 20 * MB, f"{peak / MB:.0f} MB"
    record = _record(owner)
    assert record.done == record.total > 100 * MB


# A worker that stopped


def test_an_import_no_worker_finishes_is_shown_as_failed_then_recorded_so(
    queued: None, owner_client: Client, owner: User
) -> None:
    """A worker that crashed or restarted mid-import never finishes the record: after a quiet
    spell the page and the API say the import did not finish, rather than waiting for ever, and
    the worker's daily clean-up records it as failed and removes the upload."""
    _post(owner_client, export_zip(export_xml(*JUNE_5)))
    record = _record(owner)
    url = reverse("portability:apple_health_progress", args=[record.pk])
    status = f"{API}/{record.pk}"
    with time_machine.travel(datetime(2024, 6, 20, 12, 14), tick=False):
        assert "Waiting to start" in owner_client.get(url).content.decode()
        assert owner_client.get(status).json()["state"] == "queued"
        assert progress.settle_stalled() == 0
    with time_machine.travel(datetime(2024, 6, 20, 12, 16), tick=False):
        assert owner_client.get(url, headers={"HX-Request": "true"})["HX-Redirect"] == url
        page = owner_client.get(url)
        assert page.status_code == 200
        assert "The server could not finish the import; your file may be fine." in _text(page)
        answer = owner_client.get(status).json()
        assert answer["state"] == "failed"
        assert "could not finish the import" in answer["problem"]["detail"]
        # Showing it changed nothing; the clean-up records it.
        record.refresh_from_db()
        assert record.state == "queued"
        assert progress.input_path(record.pk).exists()
        assert progress.settle_stalled() == 1
    record.refresh_from_db()
    assert (record.state, record.result) == ("failed", {"error": "stalled"})
    assert not progress.input_path(record.pk).exists()
    _nothing_imported()


def test_a_running_import_that_writes_its_progress_is_not_stalled(
    queued: None, owner_client: Client, owner: User
) -> None:
    _post(owner_client, export_zip(export_xml(*JUNE_5)))
    record = _record(owner)
    with time_machine.travel(datetime(2024, 6, 20, 12, 20), tick=False):
        progress.reporter(record.pk)(10, 100)  # a worker, still reading
    with time_machine.travel(datetime(2024, 6, 20, 12, 30), tick=False):
        record.refresh_from_db()
        assert not record.stalled
        assert not record.finished
        assert progress.settle_stalled() == 0
