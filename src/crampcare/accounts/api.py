from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field

from crampcare.accounts import services
from crampcare.accounts.auth import session_or_token
from crampcare.accounts.models import AccessToken, TextSize, User
from crampcare.accounts.request import AuthenticatedHttpRequest
from crampcare.api_types import StrictBool, limited_by

router = Router(tags=["account"], auth=session_or_token)


class ProfileOut(Schema):
    id: int = Field(
        description="Your account's number: a phone checks it before sending what it kept offline."
    )
    email: str
    display_name: str
    time_zone: str
    text_size: TextSize = Field(description="Reading comfort: standard, large or largest.")
    high_contrast: bool
    language: str = Field(
        description="The interface language you chose (en, es), or empty for the browser's: "
        "emails, reminders, reports and answers' messages are written in it."
    )


class ProfileIn(Schema):
    display_name: Annotated[str | None, limited_by(User, "display_name")] = None
    time_zone: Annotated[str | None, limited_by(User, "time_zone")] = None
    text_size: TextSize | None = None
    high_contrast: StrictBool | None = None
    language: Annotated[str | None, limited_by(User, "language")] = Field(
        None, description="en or es; an empty string goes back to the browser's language."
    )

    model_config = {"extra": "forbid"}


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenIn(Schema):
    name: Annotated[str, limited_by(AccessToken, "name")] = Field(min_length=1)

    model_config = {"extra": "forbid"}


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret. Shown only now: store it safely.")


@router.get("/me", response=ProfileOut, summary="Your profile")
def me(request: AuthenticatedHttpRequest) -> object:
    return request.user


@router.patch(
    "/me",
    response=ProfileOut,
    summary="Change your name, time zone, text size, contrast or language",
)
def update_me(request: AuthenticatedHttpRequest, payload: ProfileIn) -> object:
    user = services.update_profile(
        request.user,
        display_name=payload.display_name,
        time_zone=payload.time_zone,
    )
    if payload.text_size is not None or payload.high_contrast is not None:
        text_size = payload.text_size.value if payload.text_size is not None else None
        user = services.update_display(
            user, text_size=text_size, high_contrast=payload.high_contrast
        )
    if payload.language is not None:
        user = services.update_language(user, payload.language)
    return user


@router.get("/tokens", response=list[TokenOut], summary="Your access tokens")
def list_tokens(request: AuthenticatedHttpRequest) -> object:
    return services.list_tokens(request.user)


@router.post("/tokens", response={201: NewTokenOut}, summary="Create an access token")
def create_token(request: AuthenticatedHttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, secret = services.create_token(request.user, payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": secret})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an access token")
def revoke_token(request: AuthenticatedHttpRequest, token_id: int) -> Status[None]:
    services.revoke_token(request.user, token_id)
    return Status(204, None)
