"""Every sentence the insights show, in one place, ready for translation.

The statistics are pure (no Django settings needed), so texts are English templates marked with
``gettext_noop``: Django's ``makemessages`` extracts any call of that name, and the page, API or PDF
renders a :class:`Message` with ``message.render(gettext)`` so the reader sees their language.
Numbers go in as named ``%(placeholders)s`` so translators can move them; a literal percent sign is
written ``%%``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Mark a string for extraction without translating it now (Django's own needs settings)."""
    return message


def _same(text: str) -> str:
    return text


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def ngettext_noop(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural pair; the count is chosen when the message is rendered."""
    return singular, plural


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence to show: an English template, its filled-in values and the sources behind it."""

    template: str
    params: tuple[tuple[str, str], ...] = ()
    references: tuple[str, ...] = ()
    translated_params: frozenset[str] = frozenset()
    """Names of params whose values are themselves marked texts (e.g. a factor's label)."""
    plural: str = ""
    """The plural form of ``template``, chosen by ``count`` (ngettext) when set."""
    count: int = 0

    def render(
        self,
        translate: Callable[[str], str] = _same,
        plural: Callable[[str, str, int], str] = _english_plural,
    ) -> str:
        values = {
            name: translate(value) if name in self.translated_params else value
            for name, value in self.params
        }
        if self.plural:
            return plural(self.template, self.plural, self.count) % values
        return translate(self.template) % values

    def __str__(self) -> str:
        return self.render()


def message(template: str, *references: str, **params: str) -> Message:
    return Message(template, tuple(sorted(params.items())), references)


def plural_message(forms: tuple[str, str], count: int, *references: str, **params: str) -> Message:
    """A message with a singular and a plural form, chosen by ``count`` when rendered."""
    return Message(
        forms[0], tuple(sorted(params.items())), references, plural=forms[1], count=count
    )


def message_about(template: str, label: str, **params: str) -> Message:
    """A message whose ``%(label)s`` is a marked text, translated along with the template."""
    return Message(
        template, tuple(sorted({**params, "label": label}.items())), (), frozenset({"label"})
    )


def _point() -> str:
    return "."


# The decimal mark of the reader's language. The statistics know no languages: the app that
# shows them sets this (insights.apps: the active language's, so "1,5" in Spanish).
decimal_mark: Callable[[], str] = _point


def number(value: float, places: int = 1) -> str:
    """A figure as people read it: one decimal place, no "-0.0", the reader's decimal mark."""
    if math.isinf(value):
        return "∞"
    text = f"{value:.{places}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace(".", decimal_mark())


def percent(value: float) -> str:
    return number(value, 0)


# --- "Is the program working for me?" ---------------------------------------------------------

NOT_ENOUGH_NIGHTS = ngettext_noop(
    "Not enough nights recorded yet. Record %(needed)s more night, including the nights without "
    "cramps, and we can start to compare.",
    "Not enough nights recorded yet. Record %(needed)s more nights, including the nights without "
    "cramps, and we can start to compare.",
)
FEWER = gettext_noop(
    "You have had fewer cramps a night lately than at the start, and the range of likely values "
    "does not include 'no change'."
)
MORE = gettext_noop(
    "You have had more cramps a night lately than at the start, and the range of likely values "
    "does not include 'no change'."
)
UNCLEAR = gettext_noop(
    "We can't tell yet. Your cramps a night may have gone down, stayed the same or gone up: the "
    "range of likely values includes 'no change'. More nights will make it clearer."
)
NO_CRAMPS_EITHER = gettext_noop(
    "You recorded no cramps in either period, so there is no change to measure."
)
RATES = gettext_noop(
    "At the start: %(baseline)s cramps a night over %(baseline_nights)s nights. Lately: "
    "%(latest)s cramps a night over %(latest_nights)s nights."
)
# The likely range of a rate ratio, said as a percentage change (ratio 0.6 = "40% fewer").
CHANGE_FEWER = gettext_noop(
    "That is about %(point)s%% fewer (likely between %(near)s%% and %(far)s%% fewer)."
)
CHANGE_MORE = gettext_noop(
    "That is about %(point)s%% more (likely between %(near)s%% and %(far)s%% more)."
)
CHANGE_MORE_UNBOUNDED = gettext_noop(
    "That is more than before (likely at least %(near)s%% more); with no cramps at the start, "
    "we can't put an upper limit on it."
)
CHANGE_EITHER_WAY_FEWER = gettext_noop(
    "That is about %(point)s%% fewer, but it could be anything from %(fewer)s%% fewer to "
    "%(more)s%% more."
)
CHANGE_EITHER_WAY_MORE = gettext_noop(
    "That is about %(point)s%% more, but it could be anything from %(fewer)s%% fewer to "
    "%(more)s%% more."
)
CHANGE_EITHER_WAY_UNBOUNDED = gettext_noop(
    "With no cramps at the start, the change could be anything from %(fewer)s%% fewer upwards."
)

SEVERITY_LOWER = gettext_noop(
    "Your cramps have hurt less lately: about %(point)s points lower on the 0 to 10 scale "
    "(likely between %(near)s and %(far)s lower)."
)
SEVERITY_HIGHER = gettext_noop(
    "Your cramps have hurt more lately: about %(point)s points higher on the 0 to 10 scale "
    "(likely between %(near)s and %(far)s higher)."
)
SEVERITY_UNCLEAR = gettext_noop(
    "We can't tell yet whether your cramps hurt more or less: the change is about %(point)s "
    "points on the 0 to 10 scale (a minus means less pain), likely between %(low)s and %(high)s."
)
SEVERITY_NOT_ENOUGH = gettext_noop(
    "To compare how much cramps hurt, we need at least 2 nights with a pain score in each period."
)

CAVEAT = message(
    gettext_noop(
        "Please read this before you decide anything. Cramps often ease on their own. In trials, "
        "people given a dummy treatment improved by about 28%%. And people tend to start a program "
        "when their cramps are at their worst, so the next weeks often look better anyway. A drop "
        "here is good news, but it does not prove the program caused it."
    ),
    "R14",
    "R32",
    "R33",
)

# Hallegraeff 2012 (R1), with the relative figure from Hawke & Burns (R2): stretching versus no
# stretching after 6 weeks. Kept as numbers too, so a chart can draw them.
TRIAL_FEWER_CRAMPS_PER_NIGHT = (1.2, 0.6, 1.8)
TRIAL_RELATIVE_REDUCTION_PCT = 35
TRIAL_SEVERITY_REDUCTION = (1.3, 0.9, 1.7)
TRIAL_CONTEXT = message(
    gettext_noop(
        "For comparison: in a trial with adults over 55, people who stretched their calves and "
        "hamstrings every night before sleep for 6 weeks had about 1.2 fewer cramps a night than "
        "people who did not stretch (likely between 0.6 and 1.8 fewer), about 35%% fewer. Their "
        "pain scores fell by about 1.3 more on a 0 to 10 scale (likely between 0.9 and 1.7). That "
        "is an average: your own result can be bigger or smaller."
    ),
    "R1",
    "R2",
)

# --- Possible triggers ----------------------------------------------------------------------

TRIGGERS_WARNING = message(
    gettext_noop(
        "We compare several things at once, so one of them can look linked to your cramps just by "
        "chance. And a link is not proof of cause: something else can explain both. Use these as "
        "ideas to try or to talk about, not as answers."
    )
)
CLINICIAN_TRIGGERS_WARNING = message(
    gettext_noop(
        "Several factors are compared at once, so one of them can look linked to the cramps just "
        "by chance, and a link is not proof of cause. These are the patient's own diary "
        "comparisons, offered as ideas to discuss."
    )
)
TRIGGER_MORE = gettext_noop(
    "On nights after %(label)s, cramps were about %(ratio)s times as common as on other nights "
    "(likely between %(low)s and %(high)s times). This range does not include 'no difference'."
)
TRIGGER_FEWER = gettext_noop(
    "On nights after %(label)s, cramps were less common: about %(ratio)s times the rate on other "
    "nights (likely between %(low)s and %(high)s times). This range does not include 'no "
    "difference'."
)
TRIGGER_UNCLEAR = gettext_noop(
    "On nights after %(label)s, cramps were about %(ratio)s times as common as on other nights "
    "(likely between %(low)s and %(high)s times). This range includes 'no difference', so there "
    "may be no link at all."
)
TRIGGER_ONLY_EXPOSED = gettext_noop(
    "All the cramps in these nights came after %(label)s. Cramps were likely at least %(low)s "
    "times as common then."
)
TRIGGER_NO_CRAMPS = gettext_noop(
    "There were no cramps at all in these nights, so there is nothing to compare for %(label)s."
)
TRIGGER_NEEDS_NIGHTS = gettext_noop(
    "Not shown yet for %(label)s: we need at least %(needed)s nights with it and %(needed)s "
    "without (so far %(exposed)s with and %(other)s without)."
)
MEDICINE_NOTE = message(
    gettext_noop(
        "Some medicines are linked with cramps. Never stop a prescribed medicine on your own: talk "
        "to the person who prescribed it."
    ),
    "R10",
    "R11",
)
LOW_FLUIDS_NOTE = message(
    gettext_noop(
        "Drinking a lot more than you need is not a proven way to prevent cramps, and too "
        "much can be harmful. If this link holds, ask a health professional what amount is "
        "right for you."
    ),
    "R21",
    "R23",
)

# --- Test it for yourself -------------------------------------------------------------------

N_OF_1_FEWER = gettext_noop(
    "With %(b)s you had fewer cramps a night than with %(a)s, and the range of likely values does "
    "not include 'no difference'."
)
N_OF_1_MORE = gettext_noop(
    "With %(b)s you had more cramps a night than with %(a)s, and the range of likely values does "
    "not include 'no difference'."
)
N_OF_1_UNCLEAR = gettext_noop(
    "We can't tell %(a)s and %(b)s apart yet: the range of likely values includes 'no difference'."
)
N_OF_1_NO_CRAMPS = gettext_noop(
    "You recorded no cramps during the test, so there is no difference to measure."
)
N_OF_1_SEVERITY_LOWER = gettext_noop(
    "With %(b)s your cramps hurt less than with %(a)s: about %(point)s points lower on the 0 to "
    "10 scale (likely between %(near)s and %(far)s lower)."
)
N_OF_1_SEVERITY_HIGHER = gettext_noop(
    "With %(b)s your cramps hurt more than with %(a)s: about %(point)s points higher on the 0 to "
    "10 scale (likely between %(near)s and %(far)s higher)."
)
N_OF_1_SEVERITY_UNCLEAR = gettext_noop(
    "We can't tell whether your cramps hurt more with %(b)s or with %(a)s: the difference is "
    "about %(point)s points on the 0 to 10 scale (a minus means less pain with %(b)s), likely "
    "between %(low)s and %(high)s."
)
N_OF_1_CAVEAT = message(
    gettext_noop(
        "Cramps change from week to week for many reasons, so one test is a useful hint, not "
        "proof. Switching the order at random makes it a fairer test than before-and-after."
    )
)

# --- "Have my cramps changed?" in plain words (the first line) --------------------------------

PLAIN_NONE_LATELY = gettext_noop(
    "You have had no cramps lately, after %(before)s a night at the start."
)
PLAIN_FAR_FEWER = gettext_noop("You have had far fewer cramps lately than at the start.")
PLAIN_QUARTER = gettext_noop("You have had about a quarter as many cramps lately as at the start.")
PLAIN_THIRD = gettext_noop("You have had about a third as many cramps lately as at the start.")
PLAIN_HALF = gettext_noop("You have had about half as many cramps lately as at the start.")
PLAIN_TWO_THIRDS = gettext_noop(
    "You have had about two-thirds as many cramps lately as at the start."
)
PLAIN_SOMEWHAT_FEWER = gettext_noop("You have had somewhat fewer cramps lately than at the start.")
PLAIN_SAME = gettext_noop("You have had about the same number of cramps lately as at the start.")
PLAIN_MAYBE_FEWER = gettext_noop(
    "You may have had fewer cramps lately than at the start, but it is too soon to be sure."
)
PLAIN_MAYBE_MORE = gettext_noop(
    "You may have had more cramps lately than at the start, but it is too soon to be sure."
)
PLAIN_MORE = gettext_noop("You have had more cramps lately than at the start.")
PLAIN_TWICE = gettext_noop("You have had about twice as many cramps lately as at the start.")
PLAIN_FAR_MORE = gettext_noop("You have had far more cramps lately than at the start.")
PLAIN_NEW = gettext_noop("You had no cramps at the start, and you have had some lately.")
PLAIN_NO_CRAMPS = gettext_noop("You have had no cramps, at the start or lately.")

INCREASE_ADVICE = message(
    gettext_noop(
        "If your cramps keep increasing, or they disturb your sleep, see a doctor. They can "
        "look for a cause, such as a medicine or another condition."
    ),
    "R24",
)
CLUSTERED = gettext_noop(
    "Your cramps come in clusters: some nights have many, others none. That makes the range of "
    "likely values wider than it would be if they were spread evenly."
)

# --- the trial, only for people who follow its protocol ---------------------------------------

TRIAL_NOT_COMPARED = gettext_noop(
    "We compare your figures with the trial only when you do its routine: a calf and a "
    "hamstring stretch at bedtime on at least %(per_week)s nights a week. Lately you did both on "
    "%(done)s of %(nights)s recorded nights."
)
TRIAL_NO_PROGRAM = message(
    gettext_noop(
        "A trial found that calf and hamstring stretches every night before sleep reduce night "
        "cramps. Start the nightly program, and once you have done it on most nights, we will "
        "compare your figures with that trial."
    ),
    "R1",
)
