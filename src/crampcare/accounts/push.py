"""Web Push: this server's VAPID key, the browsers that asked for reminders, and delivering to them.

The key pair is made once, on first need, and kept in the data dir (``vapid_private_key.pem``,
0600): every process and every restart signs with the same key, so subscriptions made against
its public half keep working. Two processes starting at once still end with one key: each writes
a whole key to a file of its own and hard-links it into place, which only one link can win.

A subscription is checked before it is stored: the endpoint must be one of the known push
services over HTTPS (the server posts to it, so it must not be any address a visitor names), the
keys must decode to a P-256 point and a 16-byte secret. What is sent is encrypted for the
browser alone (RFC 8291, aes128gcm) and signed with the VAPID key (RFC 8292) by pywebpush.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from crampcare.accounts.models import (
    PUSH_AUTH_BYTES,
    PUSH_ENDPOINT_MAX_LENGTH,
    PUSH_LABEL_MAX_LENGTH,
    PUSH_P256DH_BYTES,
    PushSubscription,
    User,
)
from crampcare.accounts.ownership import get_owned_or_404, system_access

logger = logging.getLogger(__name__)

KEY_FILE = "vapid_private_key.pem"
# A reminder no longer worth showing after this long (the push service keeps it while the phone
# is off or without signal): an hour after the reminder the person is asleep, and a phone
# switched on later must not buzz with it in the night.
TTL_SECONDS = 60 * 60
# The push service's answer must come quickly; the next run tries again.
TIMEOUT_SECONDS = 10
# After this many failed deliveries in a row a subscription is dropped: the browser has gone.
MAX_FAILURES = 5
# A person keeps at most this many browsers subscribed (phones, tablets, a laptop).
MAX_SUBSCRIPTIONS = 10
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


# -- the server's key -----------------------------------------------------------------------------


def _write_new_key(key_file: Path) -> None:
    """Write a fresh key to ``key_file`` unless one is there; never a half-written file."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, temporary = tempfile.mkstemp(dir=key_file.parent, prefix=".vapid-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails if the name exists: exactly one process's whole key gets the name.
        os.link(temporary, key_file)
    except FileExistsError:
        pass  # another process made it first: theirs is the key
    finally:
        Path(temporary).unlink(missing_ok=True)


@functools.cache
def _private_key(directory: Path) -> ec.EllipticCurvePrivateKey:
    key_file = directory / KEY_FILE
    if not key_file.exists():
        _write_new_key(key_file)
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError(f"{key_file} is not a P-256 private key.")
    return key


def private_key(directory: Path | None = None) -> ec.EllipticCurvePrivateKey:
    """This server's VAPID private key, made on first need (read once per process)."""
    return _private_key(Path(directory or settings.DATA_DIR))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_key(directory: Path | None = None) -> str:
    """The application server key a page hands to ``pushManager.subscribe``: the public key as
    an uncompressed P-256 point, base64url without padding."""
    point = (
        private_key(directory)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return _b64url(point)


def _vapid() -> Vapid02:
    vapid = Vapid02()
    vapid.private_key = private_key()
    return vapid


# -- checking a subscription ----------------------------------------------------------------------


def _decoded(value: str, size: int, field: str) -> bytes:
    try:
        if not value or set(value) - set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
        ):
            raise ValueError
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (ValueError, binascii.Error):
        raise ValidationError({field: _("must be base64url text.")}) from None
    if len(raw) != size:
        raise ValidationError(
            {
                field: _("must decode to %(size)d bytes, not %(got)d.")
                % {"size": size, "got": len(raw)}
            }
        )
    return raw


def _known_service(host: str) -> bool:
    return any(
        host == known or host.endswith("." + known) for known in settings.CRAMPCARE_PUSH_SERVICES
    )


def check_endpoint(endpoint: str) -> str:
    """The endpoint, or a ValidationError on ``endpoint`` saying why it cannot be used."""
    if len(endpoint) > PUSH_ENDPOINT_MAX_LENGTH:
        raise ValidationError(
            {"endpoint": _("must be at most %(n)d characters.") % {"n": PUSH_ENDPOINT_MAX_LENGTH}}
        )
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValidationError({"endpoint": _("must be a web address.")}) from None
    if parts.username or parts.password or not host:
        raise ValidationError({"endpoint": _("must be a web address.")})
    local = settings.CRAMPCARE_PUSH_ALLOW_LOCAL and host in LOCAL_HOSTS
    if local and parts.scheme in {"http", "https"}:
        return endpoint
    if parts.scheme != "https":
        raise ValidationError({"endpoint": _("must start with https://.")})
    if _is_ip(host) or not _known_service(host):
        raise ValidationError({"endpoint": _("must be the address of a browser's push service.")})
    return endpoint


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class NewSubscription:
    endpoint: str
    p256dh: str
    auth: str
    label: str = ""


def check_subscription(new: NewSubscription) -> NewSubscription:
    check_endpoint(new.endpoint)
    point = _decoded(new.p256dh, PUSH_P256DH_BYTES, "keys.p256dh")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise ValidationError({"keys.p256dh": _("is not a P-256 public key.")}) from None
    _decoded(new.auth, PUSH_AUTH_BYTES, "keys.auth")
    label = " ".join(new.label.split())[:PUSH_LABEL_MAX_LENGTH]
    return NewSubscription(new.endpoint, new.p256dh.rstrip("="), new.auth.rstrip("="), label)


# -- the person's subscriptions -------------------------------------------------------------------


def subscribe(user: User, new: NewSubscription) -> tuple[PushSubscription, bool]:
    """Store a browser's subscription for ``user``; returns it and whether it is new.

    The same endpoint again is the same browser: its one row is kept and its keys updated. If the
    row was someone else's (another account signed in on the same browser before), it moves to
    ``user``: a browser shows one person's reminders, never the previous person's."""
    new = check_subscription(new)
    try:
        return _store(user, new)
    except IntegrityError:
        # The same browser posted twice at once and the other request stored it first: now it
        # is there, so this one keeps it.
        return _store(user, new)


def _store(user: User, new: NewSubscription) -> tuple[PushSubscription, bool]:
    with transaction.atomic():
        with system_access("an endpoint is one browser's, whoever subscribed it before"):
            existing = (
                PushSubscription.objects.select_for_update().filter(endpoint=new.endpoint).first()
            )
            if existing is not None and existing.owner_id != user.pk:
                existing.delete()
                existing = None
        if existing is not None:
            existing.p256dh, existing.auth = new.p256dh, new.auth
            existing.label = new.label or existing.label
            existing.failures = 0
            existing.save(update_fields=["p256dh", "auth", "label", "failures"])
            return existing, False
        if PushSubscription.objects.for_user(user).count() >= MAX_SUBSCRIPTIONS:
            raise ValidationError(
                {
                    "endpoint": _("You have reminders on %(n)d devices already: remove one first.")
                    % {"n": MAX_SUBSCRIPTIONS}
                }
            )
        created = PushSubscription.objects.create(
            owner=user,
            endpoint=new.endpoint,
            p256dh=new.p256dh,
            auth=new.auth,
            label=new.label,
        )
    return created, True


def subscriptions(user: AbstractBaseUser) -> list[PushSubscription]:
    return list(PushSubscription.objects.for_user(user))


def unsubscribe(user: AbstractBaseUser, subscription_id: int) -> None:
    """Stop reminders to one of the person's browsers, at once (404 for anyone else's)."""
    get_owned_or_404(PushSubscription, user, pk=subscription_id).delete()


def unsubscribe_endpoint(user: AbstractBaseUser, endpoint: str) -> bool:
    """Stop reminders to the browser with this endpoint, if it is the person's."""
    deleted, _rows = PushSubscription.objects.for_user(user).filter(endpoint=endpoint).delete()
    return bool(deleted)


def device_label(user_agent: str) -> str:
    """ "Chrome on Android": the browser and system named in a User-Agent, nothing more."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for marker, name in (
                ("Edg/", "Edge"),
                ("SamsungBrowser/", "Samsung Internet"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("FxiOS/", "Firefox"),
                ("CriOS/", "Chrome"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if marker in ua
        ),
        "",
    )
    system = next(
        (
            name
            for marker, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS X", "Mac"),
                ("CrOS", "ChromeOS"),
                ("Linux", "Linux"),
            )
            if marker in ua
        ),
        "",
    )
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system


# -- delivering -----------------------------------------------------------------------------------


class Outcome(StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"  # the push service says the subscription no longer exists: deleted
    FAILED = "failed"  # worth trying again on the next run


def _session() -> requests.Session:
    session = requests.Session()
    # The endpoint was checked; a redirect would send the message somewhere that was not.
    session.max_redirects = 0
    return session


def deliver(
    subscription: PushSubscription, message: dict[str, Any], *, urgency: str = "normal"
) -> Outcome:
    """Encrypt ``message`` (JSON) for the browser and post it to its push service.

    A 404 or 410 means the browser dropped the subscription: it is deleted at once. Any other
    failure counts against it (dropped after ``MAX_FAILURES`` in a row) and says FAILED."""
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(message, separators=(",", ":")),
            vapid_private_key=_vapid(),
            # A fresh dict each time: pywebpush fills in "aud" (the endpoint's origin) and "exp".
            vapid_claims={"sub": settings.CRAMPCARE_VAPID_SUBJECT},
            ttl=TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
            headers={"Urgency": urgency},
            requests_session=_session(),
        )
    except WebPushException as error:
        if error.status_code in {404, 410}:
            logger.info("push subscription %s is gone; deleting it", subscription.pk)
            subscription.delete()
            return Outcome.GONE
        logger.warning("push to subscription %s failed: %s", subscription.pk, error.status_code)
        return _failed(subscription)
    except (requests.RequestException, OSError, ValueError):
        logger.warning("push to subscription %s failed", subscription.pk, exc_info=True)
        return _failed(subscription)
    subscription.last_success_at = timezone.now()
    subscription.failures = 0
    subscription.save(update_fields=["last_success_at", "failures"])
    return Outcome.DELIVERED


def _failed(subscription: PushSubscription) -> Outcome:
    subscription.failures += 1
    if subscription.failures >= MAX_FAILURES:
        subscription.delete()
    else:
        subscription.save(update_fields=["failures"])
    return Outcome.FAILED
