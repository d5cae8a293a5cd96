"""The one door to personal data.

Every personal record subclasses ``OwnedModel``. Code reads and writes those records only through
``Model.objects.for_user(user)`` or ``get_owned_or_404`` — never ``Model.objects.get(pk=...)`` —
so a person can only ever reach their own rows. Later, a clinician's access will pass through here
too, with an audit record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.conf import settings
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user: AnyUser) -> Self:
        """Only the rows this user owns; nothing at all for an anonymous visitor."""
        if not getattr(user, "is_authenticated", False) or user.pk is None:
            return self.none()
        return self.filter(owner_id=user.pk)


class OwnedModel(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True


M = TypeVar("M", bound=OwnedModel)


def get_owned_or_404(model: type[M], user: AnyUser, **lookup: Any) -> M:
    """Fetch one of the user's own records, or 404 — the same answer whether it is someone
    else's or does not exist, so ids reveal nothing."""
    try:
        found = cast(M, model.objects.for_user(user).get(**lookup))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No such {model._meta.verbose_name}.") from exc
    return found
