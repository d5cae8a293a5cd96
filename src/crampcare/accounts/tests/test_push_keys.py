"""This server's VAPID key: made once, private, the same for every process; and the subject."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from crampcare import config
from crampcare.accounts import push
from crampcare.testing.push_service import unb64url


def _fresh(directory: Path) -> str:
    push._private_key.cache_clear()
    return push.public_key(directory)


def test_it_makes_the_key_once_and_keeps_it_private(tmp_path: Path) -> None:
    first = _fresh(tmp_path)
    again = _fresh(tmp_path)

    key_file = tmp_path / push.KEY_FILE
    assert first == again
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == [push.KEY_FILE]  # no temporary left


def test_its_public_key_is_an_uncompressed_p256_point_in_base64url(tmp_path: Path) -> None:
    key = _fresh(tmp_path)

    raw = unb64url(key)
    assert len(raw) == 65
    assert raw[0] == 4
    assert "=" not in key
    assert "+" not in key
    assert "/" not in key
    loaded = serialization.load_pem_private_key((tmp_path / push.KEY_FILE).read_bytes(), None)
    point = loaded.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert point == raw


def _start_and_report(directory: str, barrier: Any) -> str:
    barrier.wait()
    return push.public_key(Path(directory))


def test_processes_starting_at_once_end_with_one_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    count = 6
    with context.Manager() as manager:
        barrier = manager.Barrier(count)
        with context.Pool(count) as pool:
            keys = pool.starmap(_start_and_report, [(str(tmp_path), barrier)] * count)

    assert len(set(keys)) == 1
    assert _fresh(tmp_path) == keys[0]
    assert [path.name for path in tmp_path.iterdir()] == [push.KEY_FILE]


def test_it_refuses_a_key_file_that_is_not_a_p256_key(tmp_path: Path) -> None:
    (tmp_path / push.KEY_FILE).write_text("not a key")
    push._private_key.cache_clear()
    with pytest.raises(ValueError):  # noqa: PT011 - cryptography's own message
        push.public_key(tmp_path)
    push._private_key.cache_clear()


@pytest.mark.parametrize(
    ("configured", "from_email", "site_url", "subject"),
    [
        ("mailto:ops@example.org", "x <a@b.org>", "https://c.org", "mailto:ops@example.org"),
        ("https://cramps.example.org", "", "", "https://cramps.example.org"),
        ("", "crampcare <reminders@cramps.example.org>", "", "mailto:reminders@cramps.example.org"),
        (
            "",
            "crampcare <crampcare@localhost>",
            "https://cramps.example.org",
            "https://cramps.example.org",
        ),
        (
            "",
            "crampcare <crampcare@localhost>",
            "http://127.0.0.1:8000",
            "mailto:crampcare@localhost",
        ),
    ],
)
def test_the_subject_comes_from_the_setting_the_sender_or_the_site(
    configured: str, from_email: str, site_url: str, subject: str
) -> None:
    assert config.vapid_subject(configured, from_email, site_url) == subject


@pytest.mark.parametrize("configured", ["ops@example.org", "http://cramps.example.org"])
def test_it_refuses_a_subject_that_is_not_mailto_or_https(configured: str) -> None:
    with pytest.raises(config.ConfigError, match="CRAMPCARE_VAPID_SUBJECT"):
        config.vapid_subject(configured, "", "")
