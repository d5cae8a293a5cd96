"""Diary forms. They parse and check what was typed; saving goes through ``diary.services``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from crampcare.api_types import validate_plausible_date
from crampcare.diary.models import (
    MAX_CRAMPS_PER_NIGHT,
    SEVERITY_MAX,
    CrampEpisode,
    DailyFactors,
    Footwear,
    Intensity,
    Muscle,
    NightCheckin,
    Relief,
    Side,
)
from crampcare.diary.services import FACTOR_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CHOICES_TEMPLATE = "diary/fields/choices.html"
LOCAL_INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
NOT_SAID = ""


F = TypeVar("F", bound=forms.Field)


def _in_fieldset(field: F) -> F:
    """Render a group of choices as a fieldset with a legend (see CHOICES_TEMPLATE)."""
    # Field(template_name=...) exists since Django 5.0; django-stubs does not know it yet.
    field.template_name = CHOICES_TEMPLATE  # type: ignore[attr-defined]
    return field


def _chips(choices: Any, *, many: bool = False) -> forms.Widget:
    widget = forms.CheckboxSelectMultiple if many else forms.RadioSelect
    return widget(choices=choices, attrs={"class": "chips"})


def _score_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.TypedChoiceField:
    scores = [(NOT_SAID, _("No score"))] + [(str(n), str(n)) for n in range(SEVERITY_MAX + 1)]
    return _in_fieldset(
        forms.TypedChoiceField(
            label=label,
            help_text=help_text,
            choices=scores,
            coerce=int,
            empty_value=None,
            required=False,
            widget=_chips(scores),
        )
    )


def _yes_no_field(label: StrOrPromise) -> forms.TypedChoiceField:
    answers = [(NOT_SAID, _("Not sure")), ("yes", _("Yes")), ("no", _("No"))]
    return _in_fieldset(
        forms.TypedChoiceField(
            label=label,
            choices=answers,
            coerce=lambda value: value == "yes",
            empty_value=None,
            required=False,
            widget=_chips(answers),
        )
    )


def _as_answer(value: bool | None) -> str:
    return NOT_SAID if value is None else ("yes" if value else "no")


def _optional_choice(label: StrOrPromise, choices: Any) -> forms.ChoiceField:
    return _in_fieldset(
        forms.ChoiceField(
            label=label,
            choices=[(NOT_SAID, _("Not sure")), *choices],
            required=False,
            widget=_chips([(NOT_SAID, _("Not sure")), *choices]),
        )
    )


class LocalDateTimeField(forms.Field):
    """A wall-clock time typed in the person's own zone, turned into an instant.

    A time that never happened (the hour skipped when clocks go forward) is refused; a time that
    happened twice (when clocks go back) means the first of the two.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMATS[0])
    default_error_messages = {
        "invalid": _("Enter a date and time, like 2025-03-04 02:15."),
        "skipped": _(
            "Your clocks skipped %(time)s that night (they went forward). Pick another time."
        ),
    }

    def __init__(self, *, zone: ZoneInfo, **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        naive = value if isinstance(value, datetime) else self._parse(str(value).strip())
        aware = naive.replace(tzinfo=self.zone, fold=0)
        # Before any conversion: year 1 or 9999 would overflow on the way to UTC.
        validate_plausible_date(aware)
        if aware.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != naive:
            raise forms.ValidationError(
                self.error_messages["skipped"], code="skipped", params={"time": f"{naive:%H:%M}"}
            )
        return aware.astimezone(UTC)

    def _parse(self, text: str) -> datetime:
        for pattern in LOCAL_INPUT_FORMATS:
            try:
                return datetime.strptime(text, pattern)  # noqa: DTZ007 - zone applied next
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class EpisodeForm(forms.ModelForm):
    helped = _in_fieldset(
        forms.MultipleChoiceField(
            label=_("What helped?"),
            help_text=_("Pick any that apply."),
            choices=Relief.choices,
            required=False,
            widget=_chips(Relief.choices, many=True),
        )
    )

    class Meta:
        model = CrampEpisode
        fields = (
            "started_at",
            "muscle",
            "side",
            "severity",
            "duration_minutes",
            "woke_me",
            "helped",
            "notes",
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_at"] = LocalDateTimeField(
            zone=zone,
            label=_("When did it start?"),
            help_text=_("Your own time. Change it if you are logging it later."),
        )
        self.fields["muscle"] = _optional_choice(_("Where was it?"), Muscle.choices)
        self.fields["side"] = _optional_choice(_("Which leg?"), Side.choices)
        self.fields["severity"] = _score_field(
            _("How painful was it?"), _("0 means no pain, 10 the worst pain you can imagine.")
        )
        self.fields["woke_me"] = _yes_no_field(_("Did it wake you up?"))
        self.fields["duration_minutes"].help_text = _(
            "Roughly. A cramp that lasts more than 10 minutes even with stretching is worth "
            "a same-day call to a doctor."
        )
        self.fields["duration_minutes"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        if self.instance.pk is not None:
            self.initial["woke_me"] = _as_answer(self.instance.woke_me)

    def clean_started_at(self) -> datetime:
        value: datetime = self.cleaned_data["started_at"]
        saved = self.instance.started_at if self.instance.pk is not None else None
        # The time box shows minutes only: an untouched time keeps its saved seconds.
        if saved is not None and saved.replace(second=0) == value:
            return saved
        return value

    def entry_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CheckinCountForm(forms.Form):
    """The big buttons: no cramps, 1, 2, 3+ ("3+" saves 3; the details step can say more)."""

    night = forms.DateField(widget=forms.HiddenInput, validators=[validate_plausible_date])
    cramp_count = forms.IntegerField(min_value=0, max_value=MAX_CRAMPS_PER_NIGHT)


class CheckinSeverityForm(forms.Form):
    night = forms.DateField(widget=forms.HiddenInput, validators=[validate_plausible_date])
    severity = forms.IntegerField(min_value=0, max_value=SEVERITY_MAX)


class CheckinForm(forms.ModelForm):
    class Meta:
        model = NightCheckin
        fields = ("cramp_count", "severity", "sleep_disruption", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cramp_count"].label = _("How many cramps?")
        self.fields["cramp_count"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        self.fields["severity"] = _score_field(
            _("How painful were they, on the whole?"),
            _("0 means no pain, 10 the worst pain you can imagine."),
        )
        self.fields["sleep_disruption"] = _score_field(
            _("How much did they spoil your sleep?"),
            _("0 means not at all, 10 that you hardly slept."),
        )

    def entry_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FactorsForm(forms.ModelForm):
    class Meta:
        model = DailyFactors
        fields = FACTOR_FIELDS

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["date"].label = _("Which day?")
        fields["date"].widget = forms.DateInput(
            attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"
        )
        fields["fluid_cups"].label = _("How many cups of drink?")
        fields["fluid_cups"].help_text = _("Any drink counts. A cup is about 250 ml.")
        fields["exercise_minutes"].label = _("Minutes of exercise")
        fields["exercise_intensity"] = _optional_choice(
            _("How hard was the exercise?"), Intensity.choices
        )
        fields["exercise_in_heat"] = _yes_no_field(_("Did you exercise in the heat?"))
        fields["sitting_hours"].label = _("Hours sitting")
        fields["sitting_hours"].help_text = _("At a desk, in a car, on the sofa: all of it.")
        fields["footwear"] = _optional_choice(
            _("What was on your feet most of the day?"), Footwear.choices
        )
        fields["alcohol_drinks"].label = _("Alcoholic drinks")
        fields["alcohol_drinks"].help_text = _(
            "A small glass of wine, a bottle of beer or a single measure of spirits is one."
        )
        fields["medicine_change"].label = _("I started or changed a medicine that day")
        fields["medicine_note"].label = _("Which medicine? (optional)")
        fields["medicine_note"].help_text = _(
            "If you think a medicine gives you cramps, do not stop it on your own: talk to the "
            "person who prescribed it."
        )
        for name in ("fluid_cups", "sitting_hours", "alcohol_drinks"):
            fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.5", "min": 0})
        fields["exercise_minutes"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        if self.instance.pk is not None:
            self.initial["exercise_in_heat"] = _as_answer(self.instance.exercise_in_heat)

    def entry_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "date"}


def parse_night(value: str | None, *, default: date, latest: date) -> tuple[date, bool]:
    """A night from a query string: (the night, whether the given value was usable)."""
    if not value:
        return default, True
    try:
        night = date.fromisoformat(value)
    except ValueError:
        return default, False
    if night > latest or night < latest - timedelta(days=3660):
        return default, False
    return night, True
