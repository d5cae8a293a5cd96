"""The insights' file: each "test it for yourself" experiment.

Keyed by ``created_at``, not by the first night: a test stopped early can be followed by a new one
starting the same evening, so two tests may share a first night.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crampcare.accounts.datafiles.checks import Errors, not_in_future, raise_if_any
from crampcare.accounts.datafiles.formats import (
    DataFile,
    day,
    instant,
    owned_rows,
    text,
    whole_number,
)
from crampcare.diary.services import today
from crampcare.insights.models import SelfTest

if TYPE_CHECKING:
    from crampcare.accounts.models import User

# The schedule is rebuilt from the seed; start_self_test draws it below 2**31.
_SEED_LIMIT = 2**31


def _check_self_test(user: User, test: SelfTest) -> None:
    errors: Errors = {}
    test.strategy_a, test.strategy_b = test.strategy_a.strip(), test.strategy_b.strip()
    if test.strategy_a and test.strategy_a.casefold() == test.strategy_b.casefold():
        errors["strategy_b"] = _("Choose two different ways to compare.")
    if test.seed is None:
        # Not caught by the model: Django skips its checks for fields people cannot edit.
        errors["seed"] = _("is required")
    elif not 0 <= test.seed < _SEED_LIMIT:
        errors["seed"] = _("should be a whole number from 0 to %(high)d") % {
            "high": _SEED_LIMIT - 1
        }
    if test.start > today(user):
        errors["start"] = _("That day has not happened yet.")
    if test.stopped_on is not None and test.stopped_on < test.start:
        errors["stopped_on"] = _("is before the test's first night")
    not_in_future(errors, "created_at", test.created_at)
    raise_if_any(errors)


SELF_TESTS = DataFile(
    name="self_tests.csv",
    section="self_tests",
    about=gettext_lazy(
        "Each \u201ctest it for yourself\u201d experiment. Its schedule of one-week blocks is "
        "worked out from the seed."
    ),
    columns=(
        instant("created_at", gettext_lazy("when you set it up")),
        day("start", gettext_lazy("its first night")),
        whole_number("weeks", gettext_lazy("how long: 4, 6 or 8 weeks")),
        text("strategy_a", gettext_lazy("the first way you compared")),
        text("strategy_b", gettext_lazy("the second way")),
        whole_number("seed", gettext_lazy("the random seed its schedule comes from")),
        day("stopped_on", gettext_lazy("the day you stopped it early, or blank"), required=False),
    ),
    rows=owned_rows(SelfTest, "created_at"),
    model=SelfTest,
    key=("created_at",),
    required=("start", "weeks", "strategy_a", "strategy_b", "seed"),
    prepare=_check_self_test,
)

FILES: tuple[DataFile, ...] = (SELF_TESTS,)
