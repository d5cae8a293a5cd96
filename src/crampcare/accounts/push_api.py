"""Reminders on the phone: the browsers that receive them (Web Push), under /api/v1/push/."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictInt

from crampcare.accounts import push
from crampcare.accounts.auth import session_or_token
from crampcare.accounts.models import PUSH_ENDPOINT_MAX_LENGTH
from crampcare.accounts.request import AuthenticatedHttpRequest

router = Router(tags=["push"], auth=session_or_token)


class KeyOut(Schema):
    public_key: str = Field(
        description=(
            "This server's VAPID public key (an uncompressed P-256 point, base64url): the "
            "`applicationServerKey` for `pushManager.subscribe`."
        )
    )


class KeysIn(Schema):
    p256dh: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="The browser's P-256 public key, base64url (65 bytes decoded)."
    )
    auth: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description="The browser's authentication secret, base64url (16 bytes decoded)."
    )

    model_config = {"extra": "forbid"}


class SubscriptionIn(Schema):
    """The browser's ``PushSubscription.toJSON()``, as it is."""

    endpoint: Annotated[str, Field(min_length=1, max_length=PUSH_ENDPOINT_MAX_LENGTH)]
    keys: KeysIn
    expirationTime: StrictInt | None = Field(  # the browser's own name
        default=None, description="Sent by browsers; not used."
    )

    model_config = {"extra": "forbid"}


class SubscriptionOut(Schema):
    id: int
    endpoint: str
    label: str = Field(
        description="The browser and system it was added from, e.g. Chrome on Android."
    )
    created_at: datetime
    last_success_at: datetime | None = Field(description="When a reminder last reached it.")


@router.get("/key", response=KeyOut, auth=None, summary="The server's push key")
def key(request: HttpRequest) -> dict[str, str]:
    return {"public_key": push.public_key()}


@router.get("/subscriptions", response=list[SubscriptionOut], summary="Your reminder devices")
def list_subscriptions(request: AuthenticatedHttpRequest) -> object:
    return push.subscriptions(request.user)


@router.post(
    "/subscriptions",
    response={200: SubscriptionOut, 201: SubscriptionOut},
    summary="Turn on reminders for a browser",
    description=(
        "Post the browser's push subscription as `PushSubscription.toJSON()` gives it. The same "
        "endpoint again keeps its one record (200); a new one is 201."
    ),
)
def subscribe(request: AuthenticatedHttpRequest, payload: SubscriptionIn) -> Status[object]:
    subscription, created = push.subscribe(
        request.user,
        push.NewSubscription(
            endpoint=payload.endpoint,
            p256dh=payload.keys.p256dh,
            auth=payload.keys.auth,
            label=push.device_label(request.headers.get("User-Agent", "")),
        ),
    )
    return Status(201 if created else 200, subscription)


@router.delete(
    "/subscriptions/{subscription_id}",
    response={204: None},
    summary="Stop reminders to a browser",
    url_name="remove_push_subscription",
)
def unsubscribe(request: AuthenticatedHttpRequest, subscription_id: int) -> Status[None]:
    push.unsubscribe(request.user, subscription_id)
    return Status(204, None)
