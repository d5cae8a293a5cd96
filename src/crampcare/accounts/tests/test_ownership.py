from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from crampcare.accounts import services
from crampcare.accounts.models import AccessToken, User
from crampcare.accounts.ownership import get_owned_or_404

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_owners_records(user: User, other_user: User) -> None:
    mine, _ = services.create_token(user, "mine")
    services.create_token(other_user, "theirs")
    assert list(AccessToken.objects.for_user(user)) == [mine]


def test_it_gives_anonymous_visitors_nothing(user: User) -> None:
    services.create_token(user, "mine")
    assert not AccessToken.objects.for_user(AnonymousUser()).exists()


def test_it_answers_404_for_someone_elses_record(user: User, other_user: User) -> None:
    theirs, _ = services.create_token(other_user, "theirs")
    with pytest.raises(Http404):
        get_owned_or_404(AccessToken, user, pk=theirs.pk)


def test_it_answers_404_for_a_malformed_id(user: User) -> None:
    with pytest.raises(Http404):
        get_owned_or_404(AccessToken, user, pk="not-a-number")
