"""Server-drawn charts for the insights page and the doctor's report.

Each chart is a matplotlib figure drawn without pyplot (no global figure state, safe in threads),
saved as SVG for the page and PNG for the PDF. Its title is a sentence that states the finding
(worked out here from the same statistics the page shows) and is written as page or PDF text,
not baked into the image, so it wraps at phone width and can be translated.

Light and dark: the page's SVG is drawn with placeholder colours that are swapped for CSS
variables (``var(--chart-ink)`` ...), defined in insights.css for both colour schemes, so one
inline SVG follows the person's theme. The PDF uses the fixed light palette.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from matplotlib.ticker import MaxNLocator

from crampcare.core.stats import (
    FIRST_WEEK,
    Effect,
    NightRecord,
    NotEnoughData,
    SeverityVerdict,
    Verdict,
    Week,
)
from crampcare.core.stats import messages as m
from crampcare.insights.svg_styles import without_inline_styles

# Real text in the SVG (smaller than outlined glyphs, and it uses the page's font), and fixed
# ids so the same data always gives the same SVG. Set once for the process.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "crampcare"

FONT_SIZE = 13
# Sized for a 390px phone: the SVG (3.6 in = 259 units wide) scales to the ~300px column, so
# 13-unit text shows at about 15px and tick labels at about 14px.
WIDTH_INCHES = 3.6
PLOT_HEIGHT_INCHES = 2.7
ADHERENCE_HEIGHT_INCHES = 1.1
# Room for the y label and tick labels on the left, the dates below; the same for every chart so
# their plot areas line up.
MARGINS_INCHES = {"left": 0.78, "right": 0.28, "bottom": 0.36, "top": 0.1}
GAP_INCHES = 0.4
PNG_DPI = 200
# Room above the plot for the "Program started" label.
LABEL_ROOM_INCHES = 0.22
# The PDF's charts span the A4 text width (174 mm).
PDF_WIDTH_INCHES = 6.85
MAX_TICKS = 4


@dataclass(frozen=True, slots=True)
class Palette:
    ink: str
    muted: str
    grid: str
    cramps: str
    pain: str
    adherence: str
    surface: str


LIGHT = Palette(
    ink="#1b1f23",
    muted="#4a5159",
    grid="#d9d6cc",
    cramps="#0a5c58",
    pain="#6a3fb5",
    adherence="#8a5a00",
    surface="#ffffff",
)
# Placeholder colours: each is replaced in the SVG by the CSS variable of the same role.
THEMED = Palette(
    ink="#010101",
    muted="#010102",
    grid="#010103",
    cramps="#010104",
    pain="#010105",
    adherence="#010106",
    surface="#010107",
)
CSS_VARIABLES = {
    THEMED.ink: "var(--chart-ink)",
    THEMED.muted: "var(--chart-muted)",
    THEMED.grid: "var(--chart-grid)",
    THEMED.cramps: "var(--chart-cramps)",
    THEMED.pain: "var(--chart-pain)",
    THEMED.adherence: "var(--chart-adherence)",
    THEMED.surface: "var(--surface)",
}


# -- titles that state the finding ------------------------------------------------------------


def frequency_title(
    effect: Effect | NotEnoughData, records: Sequence[NightRecord], *, clinician: bool = False
) -> str:
    """The frequency chart's title, stating the finding; ``clinician`` words it for the
    doctor's report ("since the program started" rather than "since you started ...")."""
    if not records:
        return _("No nights recorded yet")
    if isinstance(effect, NotEnoughData):
        cramps = sum(r.cramps for r in records)
        return ngettext(
            "So far: %(rate)s cramps a night on average, over %(nights)s recorded night",
            "So far: %(rate)s cramps a night on average, over %(nights)s recorded nights",
            len(records),
        ) % {
            "rate": m.number(cramps / len(records)),
            "nights": len(records),
        }
    values = {
        "before": m.number(effect.baseline.cramps_per_night),
        "after": m.number(effect.latest.cramps_per_night),
    }
    if effect.verdict is Verdict.NO_CRAMPS:
        return _("No cramps recorded at the start or lately")
    since_program = effect.baseline.label != FIRST_WEEK
    return _frequency_templates(effect.verdict, since_program, clinician) % values


def _frequency_templates(verdict: Verdict, since_program: bool, clinician: bool) -> str:
    if verdict is Verdict.FEWER:
        if since_program:
            return (
                _("Cramps fell from %(before)s to %(after)s a night since the program started")
                if clinician
                else _(
                    "Cramps fell from %(before)s to %(after)s a night since you started the program"
                )
            )
        return (
            _("Cramps fell from %(before)s a night in the first week to %(after)s lately")
            if clinician
            else _("Cramps fell from %(before)s a night in your first week to %(after)s lately")
        )
    if verdict is Verdict.MORE:
        if since_program:
            return (
                _("Cramps rose from %(before)s to %(after)s a night since the program started")
                if clinician
                else _(
                    "Cramps rose from %(before)s to %(after)s a night since you started the program"
                )
            )
        return (
            _("Cramps rose from %(before)s a night in the first week to %(after)s lately")
            if clinician
            else _("Cramps rose from %(before)s a night in your first week to %(after)s lately")
        )
    if since_program:
        return (
            _(
                "Cramps went from %(before)s to %(after)s a night since the program started: "
                "too soon to call it a change"
            )
            if clinician
            else _(
                "Cramps went from %(before)s to %(after)s a night since you started the "
                "program: too soon to call it a change"
            )
        )
    return (
        _(
            "Cramps went from %(before)s a night in the first week to %(after)s lately: too "
            "soon to call it a change"
        )
        if clinician
        else _(
            "Cramps went from %(before)s a night in your first week to %(after)s lately: "
            "too soon to call it a change"
        )
    )


def severity_title(effect: Effect | NotEnoughData, records: Sequence[NightRecord]) -> str:
    if isinstance(effect, Effect) and effect.severity_verdict is not SeverityVerdict.NOT_ENOUGH:
        values = {
            "before": m.number(effect.baseline.mean_severity or 0.0),
            "after": m.number(effect.latest.mean_severity or 0.0),
        }
        if effect.severity_verdict is SeverityVerdict.LOWER:
            return _("Cramps hurt less: pain fell from %(before)s to %(after)s out of 10") % values
        if effect.severity_verdict is SeverityVerdict.HIGHER:
            return _("Cramps hurt more: pain rose from %(before)s to %(after)s out of 10") % values
        return _("Pain went from %(before)s to %(after)s out of 10: no clear change yet") % values
    scored = [r.mean_severity for r in records if r.mean_severity is not None]
    if not scored:
        return _("No pain scores recorded yet")
    return ngettext(
        "Pain averaged %(mean)s out of 10, over %(nights)s night with a score",
        "Pain averaged %(mean)s out of 10, over %(nights)s nights with a score",
        len(scored),
    ) % {
        "mean": m.number(sum(scored) / len(scored)),
        "nights": len(scored),
    }


def adherence_summary(records: Sequence[NightRecord], program_start: date | None) -> str | None:
    """e.g. "You did the program on 18 of 24 recorded nights since it started."; None if no data."""
    on_program = [r for r in records if program_start is None or r.night >= program_start]
    done = sum(1 for r in on_program if r.program_done)
    if not done and program_start is None:
        return None
    if not on_program:
        return _("No nights recorded since the program started.")
    return ngettext(
        "You did the program on %(done)s of %(nights)s recorded night since it started.",
        "You did the program on %(done)s of %(nights)s recorded nights since it started.",
        len(on_program),
    ) % {
        "done": done,
        "nights": len(on_program),
    }


# -- tables beside the charts -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


def week_label(week: Week) -> str:
    return date_format(week.start, "j M Y")


def frequency_table(weeks: Sequence[Week], with_adherence: bool) -> Table:
    headers = [_("Week starting"), _("Nights recorded"), _("Cramps"), _("Cramps a night")]
    if with_adherence:
        headers.append(_("Program done"))
    rows = []
    for week in weeks:
        row = [
            week_label(week),
            str(week.nights),
            str(week.cramps) if week.nights else _("not recorded"),
            _maybe(week.cramps_per_night),
        ]
        if with_adherence:
            row.append("–" if week.adherence_pct is None else f"{m.percent(week.adherence_pct)}%")
        rows.append(row)
    return Table(_("Cramps a night, week by week"), headers, rows)


def severity_table(weeks: Sequence[Week]) -> Table:
    rows = [[week_label(w), str(w.nights), _maybe(w.mean_severity)] for w in weeks]
    return Table(
        _("Average pain (0 to 10), week by week"),
        [_("Week starting"), _("Nights recorded"), _("Average pain")],
        rows,
    )


def _maybe(value: float | None) -> str:
    return "–" if value is None else m.number(value)


# -- drawing ----------------------------------------------------------------------------------


def _centre(day: date) -> float:
    return float(date2num(day)) + 3.5


def _style_axes(ax: Axes, palette: Palette, weeks: Sequence[Week]) -> None:
    ax.set_facecolor("none")
    for side, spine in ax.spines.items():
        spine.set_visible(side in {"left", "bottom"})
        spine.set_color(palette.muted)
    ax.tick_params(colors=palette.muted, labelcolor=palette.ink, labelsize=FONT_SIZE - 1)
    ax.grid(axis="y", color=palette.grid, linewidth=0.8)
    ax.set_axisbelow(True)
    first = float(date2num(weeks[0].start))
    last = float(date2num(weeks[-1].start)) + 7
    ax.set_xlim(first - 0.5, last + 0.5)
    step = max(1, math.ceil(len(weeks) / MAX_TICKS))
    shown = weeks[::step]
    ax.set_xticks([_centre(w.start) for w in shown])
    ax.set_xticklabels([date_format(w.start, "j M") for w in shown])


def _mark_program_start(ax: Axes, program_start: date | None, palette: Palette) -> None:
    """A dashed line at the program's first night, labelled above the plot area, where no data
    can be."""
    if program_start is None:
        return
    x = float(date2num(program_start))
    left, right = ax.get_xlim()
    if not left <= x <= right:
        return
    ax.axvline(x, color=palette.ink, linestyle=(0, (4, 3)), linewidth=1.2)
    # Left of the line when it is in the right half, so the text stays inside the figure.
    right_half = x > (left + right) / 2
    ax.annotate(
        _("Program started"),
        xy=(x, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(-3 if right_half else 3, 3),
        textcoords="offset points",
        ha="right" if right_half else "left",
        va="bottom",
        fontsize=FONT_SIZE - 2,
        color=palette.ink,
        annotation_clip=False,
    )


# Period labels: bold, a point smaller than the text, in a box padded by 0.15 of the font size,
# lifted this far above the highest mark beneath them (a pain dot reaches 3 points up).
PERIOD_LABEL_SIZE = FONT_SIZE - 1
PERIOD_LABEL_PAD = 0.15
PERIOD_LABEL_LIFT_POINTS = 6.0
PERIOD_LABEL_GAP_POINTS = 2.0
BAR_WIDTH_DAYS = 5.6
DOT_SIZE_POINTS = 6.0


@dataclass(frozen=True, slots=True)
class _PlacedLabel:
    left: float  # data units
    right: float
    base: float  # the data value the label is lifted from
    lift: float  # points from the base to the box's bottom
    height: float  # points


def _axes_points(ax: Axes) -> tuple[float, float]:
    """The plot area's width and height in points (fixed: the figures have fixed margins)."""
    points_per_pixel = 72 / ax.figure.dpi
    return ax.bbox.width * points_per_pixel, ax.bbox.height * points_per_pixel


def _label_points(text: str) -> tuple[float, float]:
    """A period label's box, width and height in points, measured from the font."""
    font = FontProperties(size=PERIOD_LABEL_SIZE, weight="bold")
    width, _height, _descent = text_to_path.get_text_width_height_descent(text, font, ismath=False)
    pad = 2 * PERIOD_LABEL_PAD * PERIOD_LABEL_SIZE
    # Line height, as matplotlib lays out a line of text, and a point of slack on each side.
    return width + pad + 2, 1.2 * PERIOD_LABEL_SIZE + pad + 2


def _mark_periods(
    ax: Axes,
    effect: Effect | NotEnoughData,
    palette: Palette,
    points: Sequence[tuple[float, float]],
    *,
    severity: bool,
) -> float:
    """Draw each compared period's average as a line over its nights, labelled with the value.

    A label sits above every data point its box spans (bars or dots, measured with the label's
    real width, so it never hides one), and above the other period's label when the two would
    meet. Returns the y limit that keeps every label inside the plot area.
    """
    needed = 0.0
    if not isinstance(effect, Effect):
        return needed
    left, right = ax.get_xlim()
    width_points, height_points = _axes_points(ax)
    days_per_point = (right - left) / width_points
    # How far from a point's x a mark reaches sideways: half a bar, or a dot's radius.
    reach = BAR_WIDTH_DAYS / 2 if not severity else DOT_SIZE_POINTS / 2 * days_per_point
    placed: list[_PlacedLabel] = []
    for period_ in (effect.baseline, effect.latest):
        value = period_.mean_severity if severity else period_.cramps_per_night
        if value is None:
            continue
        start = max(float(date2num(period_.first_night)), left)
        end = min(float(date2num(period_.last_night)) + 1, right)
        if start >= end:
            continue
        ax.hlines(value, start, end, colors=palette.ink, linewidth=2.5)
        text = m.number(value)
        label_width, label_height = _label_points(text)
        centre = (start + end) / 2
        half = label_width / 2 * days_per_point
        under = [y for x, y in points if abs(x - centre) < half + reach and not math.isnan(y)]
        label = _PlacedLabel(
            centre - half,
            centre + half,
            max([value, *under]),
            PERIOD_LABEL_LIFT_POINTS,
            label_height,
        )
        for other in placed:
            if label.left < other.right and other.left < label.right:
                # Side by side they would meet: this one goes on top of the other.
                label = _PlacedLabel(
                    label.left,
                    label.right,
                    max(label.base, other.base),
                    max(label.lift, other.lift + other.height + PERIOD_LABEL_GAP_POINTS),
                    label.height,
                )
        placed.append(label)
        # The box's bottom edge is `lift` points above the base; matplotlib pads the box around
        # the text, so the text itself starts `pad` higher.
        pad = PERIOD_LABEL_PAD * PERIOD_LABEL_SIZE
        ax.annotate(
            text,
            xy=(centre, label.base),
            xytext=(0, label.lift + pad + 1),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=PERIOD_LABEL_SIZE,
            fontweight="bold",
            color=palette.ink,
            bbox={
                "boxstyle": f"round,pad={PERIOD_LABEL_PAD}",
                "facecolor": palette.surface,
                "linewidth": 0,
            },
        )
        # The y limit that leaves the label's top inside the plot: base + top points <= limit.
        top = label.lift + label.height
        needed = max(needed, label.base / max(0.05, 1 - top / height_points))
    return needed


def _figure(height: float, width: float = WIDTH_INCHES, top: float = 0.0) -> Figure:
    """A figure with fixed margins: sizes and fonts never change, and a layout engine would cost
    more time than drawing the chart. ``top`` adds room above the plot for a label."""
    height += top
    figure = Figure(figsize=(width, height))
    figure.patch.set_alpha(0)
    figure.subplots_adjust(
        left=MARGINS_INCHES["left"] / width,
        right=1 - MARGINS_INCHES["right"] / width,
        bottom=MARGINS_INCHES["bottom"] / height,
        top=1 - (MARGINS_INCHES["top"] + top) / height,
    )
    return figure


def frequency_figure(
    weeks: Sequence[Week],
    effect: Effect | NotEnoughData,
    program_start: date | None,
    palette: Palette,
    *,
    with_adherence: bool,
    width: float = WIDTH_INCHES,
) -> Figure:
    height = PLOT_HEIGHT_INCHES + (ADHERENCE_HEIGHT_INCHES if with_adherence else 0)
    shows_start = (
        program_start is not None
        and bool(weeks)
        and weeks[0].start <= program_start <= weeks[-1].start + timedelta(days=7)
    )
    figure = _figure(height, width, LABEL_ROOM_INCHES if shows_start else 0.0)
    if with_adherence:
        ax, ax_done = figure.subplots(
            2,
            1,
            sharex=True,
            height_ratios=[PLOT_HEIGHT_INCHES, ADHERENCE_HEIGHT_INCHES],
            gridspec_kw={"hspace": GAP_INCHES / ADHERENCE_HEIGHT_INCHES},
        )
    else:
        ax, ax_done = figure.subplots(), None
    centres = [_centre(w.start) for w in weeks]
    rates = [w.cramps_per_night if w.cramps_per_night is not None else 0.0 for w in weeks]
    ax.bar(centres, rates, width=BAR_WIDTH_DAYS, color=palette.cramps)
    _style_axes(ax, palette, weeks)
    top = max([*rates, 1.0])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    ax.set_ylabel(_("Cramps a night"), color=palette.ink, fontsize=FONT_SIZE)
    labelled = _mark_periods(
        ax, effect, palette, list(zip(centres, rates, strict=True)), severity=False
    )
    # Headroom over the tallest bar, and over the period labels so they fit inside.
    ax.set_ylim(0, max(top * 1.25, labelled))
    _mark_program_start(ax, program_start, palette)
    if ax_done is not None:
        done = [w.adherence_pct if w.adherence_pct is not None else 0.0 for w in weeks]
        ax_done.bar(centres, done, width=BAR_WIDTH_DAYS, color=palette.adherence)
        _style_axes(ax_done, palette, weeks)
        ax_done.set_ylim(0, 100)
        ax_done.set_yticks([0, 50, 100])
        # A title rather than a second y label keeps the left margin the same as the pain chart's.
        ax_done.set_title(
            # xgettext:no-python-format
            _("Program done (% of nights)"),
            loc="left",
            color=palette.ink,
            fontsize=FONT_SIZE - 1,
            pad=4,
        )
        ax.tick_params(labelbottom=False)
    return figure


def severity_figure(
    weeks: Sequence[Week],
    effect: Effect | NotEnoughData,
    palette: Palette,
    *,
    width: float = WIDTH_INCHES,
) -> Figure:
    figure = _figure(PLOT_HEIGHT_INCHES, width)
    ax = figure.subplots()
    centres = [_centre(w.start) for w in weeks]
    # NaN leaves a gap for a week without a pain score instead of joining across it.
    values = [w.mean_severity if w.mean_severity is not None else math.nan for w in weeks]
    ax.plot(
        centres, values, color=palette.pain, linewidth=2, marker="o", markersize=DOT_SIZE_POINTS
    )
    _style_axes(ax, palette, weeks)
    # Room above 10 for the period labels, which sit over the highest dot beneath them.
    ax.set_ylim(0, 12.4)
    ax.set_yticks([0, 2, 4, 6, 8, 10])
    ax.set_ylabel(_("Pain (0 to 10)"), color=palette.ink, fontsize=FONT_SIZE)
    labelled = _mark_periods(
        ax, effect, palette, list(zip(centres, values, strict=True)), severity=True
    )
    ax.set_ylim(0, max(12.4, labelled))
    return figure


# -- output -----------------------------------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|xlink:href="#)([^")]+)')
_SIZE = re.compile(r'\s(width|height)="[\d.]+pt"')


def svg_markup(figure: Figure, chart_id: str, labelled_by: str) -> SafeString:
    """The figure as inline SVG: themed colours, unique ids, scalable, announced as one image."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    # Every chart on a page must have its own ids (matplotlib numbers them per figure).
    text = _ID.sub(lambda match: f'id="{chart_id}-{match.group(1)}"', text)
    text = _REFERENCE.sub(lambda match: f"{match.group(1)}{chart_id}-{match.group(2)}", text)
    for placeholder, variable in CSS_VARIABLES.items():
        text = text.replace(placeholder, variable)
    text = without_inline_styles(text)  # the CSP allows no inline style
    head_end = text.index(">")
    head = _SIZE.sub("", text[:head_end])
    head += f' class="chart" role="img" focusable="false" aria-labelledby="{escape(labelled_by)}"'
    return mark_safe(head + text[head_end:])  # noqa: S308 - our own matplotlib output


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI, transparent=False, facecolor="white")
    return buffer.getvalue()


# -- what the page shows ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: a title stating the finding, what is drawn (for screen readers), the inline
    SVG and the same numbers as a table."""

    id: str
    title: str
    description: str
    svg: SafeString
    table: Table
    svg_wide: SafeString | None = None
    """The same chart drawn for a page's full width (the report on wide screens and in print)."""


def page_charts(
    weeks: Sequence[Week],
    effect: Effect | NotEnoughData,
    records: Sequence[NightRecord],
    program_start: date | None,
    *,
    wide: bool = False,
    clinician: bool = False,
) -> list[Chart]:
    """The frequency and pain charts over ``weeks`` (the page picks how many), drawn themed.
    ``wide`` adds a full-width drawing of each and ``clinician`` words the titles for the
    doctor's report."""
    if not weeks:
        return []
    with_adherence = program_start is not None or any(r.program_done for r in records)
    frequency = frequency_figure(
        weeks, effect, program_start, THEMED, with_adherence=with_adherence
    )
    description = _(
        "Bars show the average number of cramps a night in each week, from %(first)s to %(last)s."
    ) % {
        "first": date_format(weeks[0].start, "j M Y"),
        "last": date_format(weeks[-1].start + timedelta(days=6), "j M Y"),
    }
    if isinstance(effect, Effect):
        description += " " + _(
            "Dark lines mark the averages of the two periods compared: at the start and lately."
        )
    if with_adherence:
        description += " " + (
            _("The lower bars show the share of recorded nights on which the program was done.")
            if clinician
            else _("The lower bars show the share of recorded nights on which you did the program.")
        )
    charts = [
        Chart(
            id="chart-frequency",
            title=frequency_title(effect, records, clinician=clinician),
            description=description,
            svg=svg_markup(
                frequency, "chart-frequency", "chart-frequency-title chart-frequency-desc"
            ),
            table=frequency_table(weeks, with_adherence),
            svg_wide=svg_markup(
                frequency_figure(
                    weeks,
                    effect,
                    program_start,
                    THEMED,
                    with_adherence=with_adherence,
                    width=PDF_WIDTH_INCHES,
                ),
                "chart-frequency-wide",
                "chart-frequency-title chart-frequency-desc",
            )
            if wide
            else None,
        )
    ]
    if any(w.mean_severity is not None for w in weeks):
        charts.append(
            Chart(
                id="chart-severity",
                title=severity_title(effect, records),
                description=_(
                    "Dots show the average pain score (0 to 10) of the nights with cramps in each "
                    "week; a gap means no score that week."
                ),
                svg=svg_markup(
                    severity_figure(weeks, effect, THEMED),
                    "chart-severity",
                    "chart-severity-title chart-severity-desc",
                ),
                table=severity_table(weeks),
                svg_wide=svg_markup(
                    severity_figure(weeks, effect, THEMED, width=PDF_WIDTH_INCHES),
                    "chart-severity-wide",
                    "chart-severity-title chart-severity-desc",
                )
                if wide
                else None,
            )
        )
    return charts
