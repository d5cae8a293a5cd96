"""Hostile imports: what a zip may cost the server is bounded by what is read, not by its headers.

Each test posts the zip to the import page and MEASURES the memory the request allocates
(tracemalloc's peak), which must stay under 100 MB; the answer is a 4xx with a clear message and
nothing is saved.
"""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from crampcare.diary.models import CrampEpisode, NightCheckin

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from crampcare.accounts.models import User

MB = 1024 * 1024
MEMORY_BOUND = 100 * MB
HEADER = b"started_at,muscle,side,severity,duration_minutes,woke_me,helped,notes\n"


def _post(client: Client, data: bytes) -> tuple[Response, int]:
    """The answer to importing ``data`` and the peak memory the request allocated."""
    upload = io.BytesIO(data)
    upload.name = "export.zip"
    tracemalloc.start()
    try:
        response = client.post(reverse("portability:import_csv"), {"archive": upload})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak


def _problems(response: Response) -> str:
    return " ".join(str(problem) for problem in response.context["report"].problems)


def _nothing_saved(user: User) -> None:
    assert not CrampEpisode.objects.for_user(user).exists()
    assert not NightCheckin.objects.for_user(user).exists()


def _streamed_member(archive: zipfile.ZipFile, name: str, chunks: int, chunk: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as member:
        member.write(HEADER)
        for _ in range(chunks):
            member.write(chunk)


def _patch_headers(
    data: bytes, *, size: int | None = None, flags: int = 0, method: int | None = None
) -> bytes:
    """Rewrite the first member's local header and central directory entry, as a forger would."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    central = out.find(b"PK\x01\x02")
    for at, flag_at, method_at, size_at in ((local, 6, 8, 22), (central, 8, 10, 24)):
        if size is not None:
            struct.pack_into("<I", out, at + size_at, size)
        if flags:
            (old,) = struct.unpack_from("<H", out, at + flag_at)
            struct.pack_into("<H", out, at + flag_at, old | flags)
        if method is not None:
            struct.pack_into("<H", out, at + method_at, method)
    return bytes(out)


def _bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _streamed_member(archive, "episodes.csv", megabytes, b"\n" * MB)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A gigabyte of blank lines (about what a zip without ZIP64 holds) in about 1 MB."""
    return _bomb(1024)


def test_it_stops_reading_a_member_that_lies_about_its_size(
    owner_client: Client, user: User, bomb: bytes
) -> None:
    data = _patch_headers(bomb, size=1024)  # the headers claim 1 kB
    assert len(data) < 2 * MB
    response, peak = _post(owner_client, data)
    assert response.status_code == 400
    assert "episodes.csv" in _problems(response)
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"
    _nothing_saved(user)


def test_it_stops_unzipping_a_member_at_the_file_limit(
    owner_client: Client, user: User, bomb: bytes
) -> None:
    response, peak = _post(owner_client, bomb)
    assert response.status_code == 400
    assert "episodes.csv: is larger than 25.0\xa0MB once unzipped" in _problems(response)
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"
    _nothing_saved(user)


def test_it_refuses_a_member_compressed_like_a_bomb(owner_client: Client, user: User) -> None:
    response, peak = _post(owner_client, _bomb(20))  # about 1000 to 1
    assert response.status_code == 400
    assert "compressed far more than any export would be" in _problems(response)
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"
    _nothing_saved(user)


def _wide_zip(per_file: int) -> bytes:
    """Every file name of an export, each just under the per-file limit once unzipped, compressed
    about 140 to 1 (under the ratio limit): 11 files of ~25 MB in about 2 MB."""
    from crampcare.portability.layout import FILES

    block = os.urandom(400).hex().encode() + b"a" * (64 * 1024 - 800 - 1) + b"\n"
    chunks = (per_file - len(HEADER) - 1024) // len(block)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in FILES:
            _streamed_member(archive, file.name, chunks, block)
    return buffer.getvalue()


def test_it_caps_the_total_a_wide_zip_unzips_to(owner_client: Client, user: User) -> None:
    from crampcare.portability.archive import import_limits

    limits = import_limits()
    data = _wide_zip(limits.file_bytes)
    assert len(data) < limits.upload_bytes
    response, peak = _post(owner_client, data)
    assert response.status_code == 400
    assert "in all; split the export" in _problems(response)
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"
    _nothing_saved(user)


def _small_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("episodes.csv", HEADER + b"2024-06-05T01:14:05+00:00,calf,,,,,,\n")
    return buffer.getvalue()


def test_it_refuses_an_encrypted_member_clearly(owner_client: Client, user: User) -> None:
    response, peak = _post(owner_client, _patch_headers(_small_zip(), flags=0x1))
    assert response.status_code == 400
    assert "episodes.csv: is encrypted" in _problems(response)
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"
    _nothing_saved(user)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99])
def test_it_refuses_a_compression_method_it_does_not_read(
    owner_client: Client, user: User, method: int
) -> None:
    response, _ = _post(owner_client, _patch_headers(_small_zip(), method=method))
    assert response.status_code == 400
    assert "compressed in a way we do not read" in _problems(response)
    _nothing_saved(user)


def test_it_refuses_a_zip_of_too_many_members(owner_client: Client, user: User) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(101):
            archive.writestr(f"note-{number}.txt", b"")
    response, _ = _post(owner_client, buffer.getvalue())
    assert response.status_code == 400
    assert "holds more than 100 files" in _problems(response)


def test_it_caps_the_rows_of_one_import(owner_client: Client, user: User, settings: Any) -> None:
    settings.CRAMPCARE_IMPORT_MAX_ROWS = 3
    rows = b"".join(b"2024-06-0%dT01:14:05+00:00,calf,,,,,,\n" % day for day in range(1, 6))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("episodes.csv", HEADER + rows)
    response, _ = _post(owner_client, buffer.getvalue())
    assert response.status_code == 400
    assert "episodes.csv, line 5: takes the import past 3 rows in all" in _problems(response)
    _nothing_saved(user)


def test_it_throttles_imports_per_person(owner_client: Client, user: User, settings: Any) -> None:
    settings.CRAMPCARE_IMPORT_PER_HOUR = 2
    for _ in range(2):
        response, _ = _post(owner_client, _small_zip())
        assert response.status_code == 302
    response, _ = _post(owner_client, _small_zip())
    assert response.status_code == 429
    assert "already imported 2 times in the last hour" in _problems(response)
    assert CrampEpisode.objects.for_user(user).count() == 1


def _warm(client: Client) -> None:
    """Answer one small bad import first, so the measure is the import's, not the first
    request's (templates compiled, catalogs loaded)."""
    assert _post(client, b"{}")[0].status_code == 400


def _json_export(section: bytes) -> bytes:
    return b'{"format": "crampcare.diary", "version": 2, "episodes": ' + section + b"}"


def _many(item: bytes, size: int) -> bytes:
    count = size // (len(item) + 1)
    return b"[" + b",".join([item] * count) + b"]"


def _json_ignored(value: bytes) -> bytes:
    """A valid export whose one extra name holds ``value``, which the importer does not use."""
    return b'{"format": "crampcare.diary", "version": 2, "extra": ' + value + b', "episodes": []}'


def _json_row(value: bytes) -> bytes:
    return _json_export(b'[{"started_at": "2024-06-05T01:14:05+00:00", "notes": ' + value + b"}]")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(_many(b"{}", 19 * MB), "is not a crampcare export", id="a list of objects"),
        pytest.param(
            _json_export(_many(b"{}", 19 * MB)),
            "episodes: takes the import past 200,000 rows in all",
            id="a section of millions of empty objects",
        ),
        pytest.param(
            _json_export(_many(b"[]", 19 * MB)),
            "episodes: should be a list of objects",
            id="a section of empty lists",
        ),
        pytest.param(
            _json_row(_many(b'"a"', 19 * MB)),
            "episodes: has a row of more than 100,000 values",
            id="a row of millions of short strings",
        ),
        pytest.param(
            _json_row(_many(b'[[], {"a": [{}]}]', 19 * MB)),
            "episodes: has a row of more than 100,000 values",
            id="a row of millions of containers",
        ),
        pytest.param(
            _json_export(b"[{" + b",".join(b'"k%d": 1' % n for n in range(900_000)) + b"}]"),
            "episodes: uses more than 200 different names",
            id="a row of a million names",
        ),
        pytest.param(
            b'{"format": "crampcare.diary", "extra": ' + b"[" * 1_000_000,
            "the JSON file: is nested far too deeply",
            id="deep nesting",
        ),
    ],
)
def test_it_refuses_hostile_json_reading_it_as_a_stream(
    owner_client: Client, user: User, body: bytes, message: str
) -> None:
    assert len(body) < 20 * MB
    _warm(owner_client)
    response, peak = _post(owner_client, body)
    assert response.status_code == 400
    assert message in _problems(response)
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"
    _nothing_saved(user)


def test_it_reads_past_millions_of_values_it_does_not_use_without_keeping_them(
    owner_client: Client, user: User
) -> None:
    """Built whole, a list of five million one-letter strings would cost some 300 MB."""
    body = _json_ignored(_many(b'"a"', 19 * MB))
    assert len(body) < 20 * MB
    _warm(owner_client)
    response, peak = _post(owner_client, body)
    assert response.status_code == 302, _problems(response)  # imported: an export of no rows
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"


def test_it_refuses_a_csv_header_of_a_million_columns_with_one_problem(
    owner_client: Client, user: User
) -> None:
    header = b",".join(b"col%d" % number for number in range(350_000)) + b"\n"
    assert len(header) > 3 * MB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("episodes.csv", header)
    _warm(owner_client)
    response, peak = _post(owner_client, buffer.getvalue())
    assert response.status_code == 400
    problems = response.context["report"].problems
    assert [str(problem) for problem in problems] == [
        "episodes.csv, line 1: has more than 200 columns; an export's files have at most 19"
    ]
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB"
    _nothing_saved(user)
