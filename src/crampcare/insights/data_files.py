"""The insights' file: each "test it for yourself" experiment.

Keyed by ``created_at``, not by the first night: a test stopped early can be followed by a new one
starting the same evening, so two tests may share a first night.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from crampcare.accounts.datafiles.formats import (
    DataFile,
    day,
    instant,
    owned_rows,
    text,
    whole_number,
)
from crampcare.insights import services
from crampcare.insights.models import SelfTest

if TYPE_CHECKING:
    pass

SELF_TESTS = DataFile(
    name="self_tests.csv",
    section="self_tests",
    about=gettext_lazy(
        "Each “test it for yourself” experiment. Its schedule of one-week blocks is "
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
    prepare=services.check_imported_self_test,
    save=services.import_self_tests,
)

FILES: tuple[DataFile, ...] = (SELF_TESTS,)
