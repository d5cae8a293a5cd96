"""Hostile and broken Apple Health files: each a clear message, and nothing imported."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from crampcare.accounts.models import User
from crampcare.diary.models import DailyFactors, HealthDay
from crampcare.portability.apple_health import import_apple_health
from crampcare.portability.tests.health_exports import JUNE_5, export_xml, export_zip
from crampcare.testing.builders import every_row

pytestmark = pytest.mark.django_db

ONE_RECORD = JUNE_5[1]


@pytest.fixture(autouse=True)
def _after_june() -> Any:
    with time_machine.travel(datetime(2024, 6, 20, 12, 0), tick=False):
        yield


def _refused(user: User, data: bytes) -> str:
    report = import_apple_health(user, io.BytesIO(data))
    assert not report.saved
    assert not every_row(HealthDay).exists()
    assert not every_row(DailyFactors).exists()
    return report.message


def _zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def test_it_refuses_a_billion_laughs(user: User) -> None:
    doctype = (
        '<!DOCTYPE HealthData [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
        + "]>\n"
    ).replace("&lol0;", "&lol;")
    data = export_xml(ONE_RECORD.replace("Ann", "&lol9;"), doctype=doctype)
    assert "declares XML entities" in _refused(user, data)


def test_it_refuses_an_external_entity(user: User) -> None:
    doctype = '<!DOCTYPE HealthData [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    data = export_xml(ONE_RECORD.replace("Ann", "&secret;"), doctype=doctype)
    assert "declares XML entities" in _refused(user, data)


def test_it_refuses_an_external_dtd(user: User) -> None:
    doctype = '<!DOCTYPE HealthData SYSTEM "http://example.org/health.dtd">\n'
    assert "DTD outside itself" in _refused(user, export_xml(ONE_RECORD, doctype=doctype))


def test_it_refuses_a_parameter_entity(user: User) -> None:
    doctype = '<!DOCTYPE HealthData [<!ENTITY % p "<!ELEMENT x ANY>"> %p;]>\n'
    assert "declares XML entities" in _refused(user, export_xml(ONE_RECORD, doctype=doctype))


def test_it_refuses_a_zip_bomb_by_what_it_inflates(user: User) -> None:
    xml = export_xml(ONE_RECORD).replace(
        b"</HealthData>", b" " * (8 * 1024 * 1024) + b"</HealthData>"
    )
    message = _refused(user, export_zip(xml))
    assert "compressed far more than any export" in message


@override_settings(CRAMPCARE_APPLE_HEALTH_MAX_XML_BYTES=64 * 1024)
def test_it_stops_one_chunk_past_the_xml_limit(user: User) -> None:
    xml = export_xml(*(ONE_RECORD for _ in range(1000)))
    assert "larger than 0 MB once unzipped" in _refused(user, export_zip(xml))


@override_settings(CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES=1000)
def test_it_refuses_an_upload_over_the_limit(user: User) -> None:
    assert "CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES" in _refused(user, export_xml(*JUNE_5))


@pytest.mark.parametrize(
    "name", ["../export.xml", "apple_health_export/../../export.xml", "/etc/export.xml"]
)
def test_it_refuses_a_path_that_leaves_the_zip(user: User, name: str) -> None:
    assert "outside itself" in _refused(user, _zip_with(name, export_xml(ONE_RECORD)))


def test_it_refuses_a_zip_without_export_xml(user: User) -> None:
    assert "has no export.xml" in _refused(user, _zip_with("photos/cat.xml", b"<cat/>"))


def test_it_refuses_a_truncated_zip(user: User) -> None:
    data = export_zip(export_xml(*JUNE_5))
    assert "damaged or cut short" in _refused(user, data[: len(data) // 2])


def test_it_refuses_a_truncated_xml(user: User) -> None:
    data = export_xml(*JUNE_5)
    message = _refused(user, data[: len(data) - 40])
    assert "cut short" in message
    assert "line" in message


def test_it_refuses_another_kind_of_xml(user: User) -> None:
    message = _refused(user, b'<?xml version="1.0"?><ClinicalDocument><x/></ClinicalDocument>')
    assert "not an Apple Health export" in message
    assert "ClinicalDocument" in message


def test_it_refuses_a_picture(user: User) -> None:
    assert "picture (JPEG)" in _refused(user, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100)


def test_it_refuses_text_that_is_not_xml(user: User) -> None:
    assert "not readable XML" in _refused(user, b"date,steps\n2024-06-05,1200\n")


def test_it_refuses_an_empty_file(user: User) -> None:
    assert "empty" in _refused(user, b"")


def test_it_reads_utf16_with_a_byte_order_mark(user: User) -> None:
    data = b"\xff\xfe" + export_xml(*JUNE_5, encoding="utf-16-le")
    report = import_apple_health(user, io.BytesIO(data))
    assert report.saved, report.message
    assert HealthDay.objects.for_user(user).get().steps == 12800


def test_it_names_the_line_of_a_date_it_cannot_read(user: User) -> None:
    bad = JUNE_5[1].replace("2024-06-05 09:00:00 +0100", "05/06/2024 09:00", 1)
    message = _refused(user, export_xml(JUNE_5[0], bad))
    assert message.startswith("export.xml, line 18:")
    assert "2024-06-05 02:14:00 +0100" in message  # the format it should have


@pytest.mark.parametrize(
    "text", ["2024-06-05T09:00:00Z", "2024-13-05 09:00:00 +0100", "2024-06-05 09:61:00 +0100"]
)
def test_it_refuses_other_date_formats(user: User, text: str) -> None:
    bad = JUNE_5[1].replace("2024-06-05 09:00:00 +0100", text, 1)
    assert "not in Apple Health's format" in _refused(user, export_xml(bad))


def test_it_refuses_a_value_that_is_not_a_number(user: User) -> None:
    bad = JUNE_5[1].replace('value="1300"', 'value="lots"')
    assert "is not a number" in _refused(user, export_xml(bad))


def test_it_refuses_a_water_unit_it_does_not_know(user: User) -> None:
    bad = JUNE_5[3].replace('unit="mL"', 'unit="bucket"')
    assert "water unit 'bucket'" in _refused(user, export_xml(bad))


def test_it_refuses_a_flood_of_unknown_elements(user: User) -> None:
    data = export_xml(*(["<Unknown/>"] * 1_000_000), ONE_RECORD, ONE_RECORD)
    assert "elements an Apple Health export has not" in _refused(user, data)


def test_it_says_so_when_an_export_holds_nothing_it_uses(user: User) -> None:
    assert "holds no steps" in _refused(user, export_xml())
