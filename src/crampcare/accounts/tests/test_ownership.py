"""The one door, with the cast (crampcare/testing/cast.py): the owner reads their own records;
a teammate and a stranger on the same install read nothing of theirs unless a registered
``ReaderAccess`` grants it (``for_reader``, ``get_read_or_404``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from crampcare.accounts import services
from crampcare.accounts.models import AccessToken, User
from crampcare.accounts.ownership import ReadRefused, get_owned_or_404, get_read_or_404
from crampcare.testing.cast import Cast
from crampcare.testing.readers import granting

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_owners_records(cast: Cast) -> None:
    mine, _ = services.create_token(cast.owner, "mine")
    for other in cast.others:
        services.create_token(other, "theirs")
    assert list(AccessToken.objects.for_user(cast.owner)) == [mine]


def test_it_gives_anonymous_visitors_nothing(owner: User) -> None:
    services.create_token(owner, "mine")
    assert not AccessToken.objects.for_user(AnonymousUser()).exists()


def test_it_answers_404_for_someone_elses_record(cast: Cast) -> None:
    mine, _ = services.create_token(cast.owner, "mine")
    for other in cast.others:
        with pytest.raises(Http404):
            get_owned_or_404(AccessToken, other, pk=mine.pk)


def test_it_answers_404_for_a_malformed_id(owner: User) -> None:
    with pytest.raises(Http404):
        get_owned_or_404(AccessToken, owner, pk="not-a-number")


def test_a_reader_gets_one_record_only_when_granted(cast: Cast) -> None:
    mine, _ = services.create_token(cast.owner, "mine")
    assert get_read_or_404(AccessToken, cast.owner, cast.owner, pk=mine.pk) == mine
    for other in cast.others:
        with pytest.raises(ReadRefused):
            get_read_or_404(AccessToken, other, cast.owner, pk=mine.pk)
    with granting(cast.teammate, cast.owner) as grant:
        assert get_read_or_404(AccessToken, cast.teammate, cast.owner, pk=mine.pk) == mine
        with pytest.raises(Http404):
            get_read_or_404(AccessToken, cast.teammate, cast.owner, pk=mine.pk + 1000)
        with pytest.raises(ReadRefused):
            get_read_or_404(AccessToken, cast.stranger, cast.owner, pk=mine.pk)
    assert [(r.actor_id, r.subject_id) for r in grant.records] == [
        (cast.teammate.pk, cast.owner.pk)
    ] * 2
