"""Self-tests read from an export (crampcare.portability): their check and their bulk save.

The schedule is not in the file: it is rebuilt from the seed, so the seed is checked against the
range ``services.start_self_test`` draws it from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from crampcare.accounts.datafiles.bulk import save_as_given
from crampcare.accounts.datafiles.checks import Errors, not_in_future, raise_if_any
from crampcare.diary import services as diary
from crampcare.insights.models import SelfTest

if TYPE_CHECKING:
    from crampcare.accounts.models import User

# The schedule is rebuilt from the seed: start_self_test draws it below this; an import checks it.
SEED_LIMIT = 2**31


def check_imported_self_test(user: User, test: SelfTest) -> None:
    """Check a self-test read from an export; raises ``ValidationError`` by column."""
    errors: Errors = {}
    test.strategy_a, test.strategy_b = test.strategy_a.strip(), test.strategy_b.strip()
    if test.strategy_a and test.strategy_a.casefold() == test.strategy_b.casefold():
        errors["strategy_b"] = _("Choose two different ways to compare.")
    if test.seed is None:
        # Not caught by the model: Django skips its checks for fields people cannot edit.
        errors["seed"] = _("is required")
    elif not 0 <= test.seed < SEED_LIMIT:
        errors["seed"] = _("should be a whole number from 0 to %(high)d") % {"high": SEED_LIMIT - 1}
    if test.start > diary.today(user):
        errors["start"] = _("That day has not happened yet.")
    if test.stopped_on is not None and test.stopped_on < test.start:
        errors["stopped_on"] = _("is before the test's first night")
    not_in_future(errors, "created_at", test.created_at)
    raise_if_any(errors)


def import_self_tests(
    user: User, tests: list[SelfTest], update_fields: list[str] | None = None
) -> None:
    """Save self-tests that ``check_imported_self_test`` passed: new ones (``update_fields``
    None) in bulk, or those fields of existing ones."""
    save_as_given(SelfTest, user, tests, update_fields)
