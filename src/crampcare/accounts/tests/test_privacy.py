"""Owner / stranger checks for every accounts route that names a record.

Every route with a path parameter, in the pages and the API, must be listed in some app's
`tests/test_privacy.py` (OWNER_SCOPED_ROUTES or PUBLIC_ROUTES): see home/tests/test_route_coverage.py.
"""

from __future__ import annotations

import pytest
from django.test import Client

from crampcare.accounts import services
from crampcare.accounts.models import AccessToken, PushSubscription, User
from crampcare.testing.builders import every_row

OWNER_SCOPED_ROUTES = {
    "accounts:revoke_token",
    "api:revoke_token",
    "api:remove_push_subscription",
}
PUBLIC_ROUTES: set[str] = set()

pytestmark = pytest.mark.django_db


def test_it_hides_another_persons_token_from_the_page(stranger_client: Client, user: User) -> None:
    token, _ = services.create_token(user, "mine")
    response = stranger_client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert every_row(AccessToken).filter(pk=token.pk).exists()


def test_it_hides_another_persons_token_from_the_api(stranger_client: Client, user: User) -> None:
    token, _ = services.create_token(user, "mine")
    response = stranger_client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    assert every_row(AccessToken).filter(pk=token.pk).exists()
    assert stranger_client.get("/api/v1/tokens").json() == []


def test_it_lets_the_owner_revoke_through_the_api(owner_client: Client, user: User) -> None:
    token, _ = services.create_token(user, "mine")
    assert owner_client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    assert not every_row(AccessToken).filter(pk=token.pk).exists()


def test_it_shows_each_person_only_their_own_settings(stranger_client: Client, user: User) -> None:
    services.create_token(user, "owner-secret-name")
    page = stranger_client.get("/account/").content.decode()
    assert "owner-secret-name" not in page
    assert user.email not in page


def test_it_asks_anonymous_visitors_to_sign_in(client: Client, user: User) -> None:
    assert client.get("/account/")["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/tokens").status_code == 401


def _push_subscription(user: User) -> PushSubscription:
    return PushSubscription.objects.create(
        owner=user,
        endpoint=f"https://fcm.googleapis.com/fcm/send/privacy-{user.pk}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
    )


def test_nobody_else_sees_or_removes_a_persons_push_subscription(
    owner_client: Client, teammate_client: Client, stranger_client: Client, user: User
) -> None:
    mine = _push_subscription(user)
    for other in (teammate_client, stranger_client):
        assert other.get("/api/v1/push/subscriptions").json() == []
        assert other.delete(f"/api/v1/push/subscriptions/{mine.pk}").status_code == 404
    assert every_row(PushSubscription).filter(pk=mine.pk).exists()
    listed = owner_client.get("/api/v1/push/subscriptions").json()
    assert [item["id"] for item in listed] == [mine.pk]
