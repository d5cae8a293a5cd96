"""The one thing the insights store: a "test it for yourself" experiment.

Everything else on the insights pages is computed from the diary on each visit. A self-test keeps
only what cannot be recomputed: the two strategies, the length, the first night and the random
seed, so the schedule of one-week blocks can be rebuilt exactly (``n_of_1_schedule``) at any time.
Rows are read and written only through ``crampcare.insights.services``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from crampcare.accounts.ownership import OwnedModel
from crampcare.core.stats import n_of_1_schedule
from crampcare.core.stats.nof1 import BLOCK_NIGHTS

STRATEGY_MAX_LENGTH = 60


class TestLength(models.IntegerChoices):
    # Whole pairs of weeks, so each strategy gets the same number of weeks.
    FOUR = 4, _("4 weeks")
    SIX = 6, _("6 weeks")
    EIGHT = 8, _("8 weeks")


class SelfTest(OwnedModel):
    strategy_a = models.CharField(_("first way"), max_length=STRATEGY_MAX_LENGTH)
    strategy_b = models.CharField(_("second way"), max_length=STRATEGY_MAX_LENGTH)
    weeks = models.PositiveSmallIntegerField(
        _("how long"), choices=TestLength, default=TestLength.FOUR
    )
    seed = models.PositiveIntegerField(_("random seed"), editable=False)
    start = models.DateField(_("first night"))
    stopped_on = models.DateField(_("stopped early on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("-start", "-id")
        verbose_name = _("self-test")
        verbose_name_plural = _("self-tests")

    def __str__(self) -> str:
        return f"{self.strategy_a} / {self.strategy_b} ({self.start})"

    @property
    def strategies(self) -> tuple[str, str]:
        return (self.strategy_a, self.strategy_b)

    @property
    def schedule(self) -> list[str]:
        return n_of_1_schedule(self.strategies, self.weeks, self.seed)

    @property
    def last_night(self) -> date:
        return self.start + timedelta(days=BLOCK_NIGHTS * self.weeks - 1)

    @property
    def analysis_end(self) -> date:
        """The last night that counts: the planned end, or the night before stopping."""
        if self.stopped_on is not None:
            return min(self.last_night, self.stopped_on - timedelta(days=1))
        return self.last_night

    def week_index(self, night: date) -> int | None:
        """Which week (from 0) a night falls in, or None outside the test."""
        offset = (night - self.start).days
        if offset < 0 or night > self.last_night:
            return None
        return offset // BLOCK_NIGHTS

    def strategy_on(self, night: date) -> str | None:
        week = self.week_index(night)
        return None if week is None else self.schedule[week]

    def is_over(self, night: date) -> bool:
        """True once the test has ended (on schedule or stopped) as of ``night``."""
        return self.stopped_on is not None or night > self.last_night
