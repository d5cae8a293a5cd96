"""The doctor's report as a PDF, drawn with fpdf2 (pure Python, installs from PyPI alone).

Text is set in DejaVu Sans, taken from matplotlib's own copy, because the report uses characters
outside Latin-1 (dashes, arrows, "∞") that fpdf2's built-in core fonts cannot show. The charts are
the page's charts drawn in the light palette as PNG; the program's exercises are their pictures'
start position, as SVG.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from matplotlib.figure import Figure

from crampcare.insights import charts
from crampcare.insights.report import DoctorReport
from crampcare.insights.services import Said
from crampcare.knowledge import pose_svg
from crampcare.knowledge.loader import get_library
from crampcare.knowledge.poses import highlighted
from crampcare.knowledge.templatetags.knowledge_tags import source_name

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
BODY = 10.5
LINE = 5.4
INK = (27, 31, 35)
MUTED = (74, 81, 89)
ACCENT = (10, 92, 88)


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, f"{self.footer_text} · {page}", align="C")


class _Writer:
    def __init__(self, pdf: _Document) -> None:
        self.pdf = pdf

    def room(self) -> float:
        """Space left on this page above the bottom margin, in mm."""
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def text_height(self, text: str, *, bold: bool = False, size: float = BODY) -> float:
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        lines = pdf.multi_cell(0, LINE * size / BODY, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return len(lines) * LINE * size / BODY + 1.2

    def heading_height(self, text: str, size: float = 14) -> float:
        pdf = self.pdf
        pdf.set_font(FONT, "B", size)
        lines = pdf.multi_cell(0, size * 0.5, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return 3 + len(lines) * size * 0.5 + 1.5

    def heading(self, text: str, size: float = 14, *, keep: float = 3 * LINE) -> None:
        """A heading kept with the first ``keep`` mm of what follows it (keep-with-next): if
        both do not fit in what is left of the page, the heading starts the next page."""
        pdf = self.pdf
        if self.heading_height(text, size) + keep > self.room() and pdf.get_y() > pdf.t_margin + 1:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        pdf.set_text_color(*INK)

    def text(
        self, text: str, *, bold: bool = False, muted: bool = False, size: float = BODY
    ) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(*(MUTED if muted else INK))
        pdf.multi_cell(0, LINE * size / BODY, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.2)
        pdf.set_text_color(*INK)

    def said(self, said: Said, **style: object) -> None:
        refs = f" [{', '.join(said.references)}]" if said.references else ""
        self.text(said.text + refs, **style)  # type: ignore[arg-type]

    def bullets(self, items: list[str]) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", BODY)
        for item in items:
            pdf.set_x(pdf.l_margin)
            pdf.cell(5, LINE, "•")
            pdf.multi_cell(0, LINE, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.2)

    def pairs(self, rows: list[tuple[str, str]]) -> None:
        self.table(["", ""], [list(row) for row in rows], header=False, widths=(3, 2))

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        *,
        header: bool = True,
        widths: tuple[int, ...] | None = None,
    ) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", BODY - 1)
        pdf.set_draw_color(201, 198, 188)
        with pdf.table(
            col_widths=widths,
            first_row_as_headings=header,
            headings_style=FontFace(emphasis="BOLD", color=INK),
            line_height=LINE,
            text_align="LEFT",
            borders_layout="HORIZONTAL_LINES",
            padding=1,
        ) as table:
            if header:
                heading = table.row()
                for cell in headers:
                    heading.cell(cell)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        pdf.ln(2)

    def chart(self, title: str, png: bytes, aspect: float) -> None:
        """A chart across the full text width, kept on one page with its title.
        ``aspect`` is the figure's height over its width."""
        pdf = self.pdf
        height = pdf.epw * aspect
        if self.text_height(title, bold=True) + height + 2 > self.room():
            pdf.add_page()
        self.text(title, bold=True)
        pdf.image(io.BytesIO(png), w=pdf.epw, h=height)
        pdf.ln(2)


def render_pdf(report: DoctorReport) -> bytes:
    period = _("Nights of %(first)s to %(last)s (%(weeks)s weeks)") % {
        "first": date_format(report.first_night, _("j F Y")),
        "last": date_format(report.last_night, _("j F Y")),
        "weeks": report.weeks,
    }
    pdf = _Document(footer_text=_("crampcare report for %(name)s") % {"name": report.person})
    pdf.set_title(_("Leg cramp report"))
    pdf.set_author(report.person)
    pdf.set_creator("crampcare")
    pdf.set_creation_date(report.generated)
    pdf.set_lang("en")
    pdf.add_page()
    out = _Writer(pdf)

    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 10, _("Leg cramp report"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    out.text(_("Patient: %(name)s") % {"name": report.person}, bold=True)
    out.text(period)
    out.text(
        # In the zone of the request (the person's), as the report page shows it.
        _("Made on %(date)s.")
        % {"date": date_format(timezone.localtime(report.generated), _("j F Y"))}
        + " "
        + report.disclaimer,
        muted=True,
        size=9,
    )
    _summary(out, report)
    _glance(out, report)
    _trend(out, report)
    _effect(out, report)
    _tried(out, report)
    _triggers(out, report)
    _assessment(out, report)
    _sources(out, report)
    _own_summary(out, report)
    return bytes(pdf.output())


def _summary(out: _Writer, report: DoctorReport) -> None:
    first = report.clinician_summary[0] if report.clinician_summary else ""
    out.heading(_("Summary for the clinician"), keep=out.text_height(first))
    out.bullets(report.clinician_summary)


def _glance(out: _Writer, report: DoctorReport) -> None:
    tally = report.tally
    out.heading(_("The diary in these weeks"), keep=8 * (LINE + 2))
    out.pairs(
        [
            (
                _("Nights recorded"),
                _("%(recorded)s of %(nights)s")
                % {"recorded": tally.recorded_nights, "nights": tally.nights_in_window},
            ),
            (_("Cramps"), str(tally.cramps)),
            (_("Cramps a night (recorded nights)"), tally.cramps_per_night),
            (_("Nights without cramps"), str(tally.cramp_free_nights)),
            (_("Average pain (0 to 10)"), tally.mean_pain),
            (_("Cramps logged one by one"), str(tally.logged_cramps)),
            (_("Of those, woke the patient"), str(tally.woke_up)),
            (_("Average length (minutes)"), tally.mean_duration),
        ]
    )


def _trend(out: _Writer, report: DoctorReport) -> None:
    weeks = report.window_weeks
    if not weeks:
        out.heading(_("Cramps and pain, week by week"))
        out.text(_("No nights were recorded in these weeks."))
        return
    personal = report.personal
    with_adherence = personal.program_start is not None or any(
        r.program_done for r in personal.records
    )
    frequency = charts.frequency_figure(
        weeks,
        personal.effect,
        personal.program_start,
        charts.LIGHT,
        with_adherence=with_adherence,
        width=charts.PDF_WIDTH_INCHES,
    )
    aspect = _aspect(frequency)
    out.heading(
        _("Cramps and pain, week by week"),
        keep=out.text_height(report.frequency_title, bold=True) + out.pdf.epw * aspect,
    )
    out.chart(report.frequency_title, charts.png_bytes(frequency), aspect)
    if any(w.mean_severity is not None for w in weeks):
        severity = charts.severity_figure(
            weeks, personal.effect, charts.LIGHT, width=charts.PDF_WIDTH_INCHES
        )
        out.chart(report.severity_title, charts.png_bytes(severity), _aspect(severity))
    table = charts.frequency_table(weeks, with_adherence)
    pain = {row[0]: row[2] for row in charts.severity_table(weeks).rows}
    # The table's caption stays with its header row and first weeks.
    if out.text_height(table.caption, bold=True) + 4 * (LINE + 2) > out.room():
        out.pdf.add_page()
    out.text(table.caption, bold=True)
    out.table(
        [*table.headers, _("Average pain")],
        [[*row, pain[row[0]]] for row in table.rows],
    )


def _aspect(figure: Figure) -> float:
    width, height = figure.get_size_inches()
    return float(height / width)


def _effect(out: _Writer, report: DoctorReport) -> None:
    effect = report.effect
    figures = effect.figures
    out.heading(_("Change since the start"), keep=4 * (LINE + 2))
    if figures is None:
        out.said(effect.headline)
    else:
        rows = [
            (
                _("Cramps a night: %(label)s") % {"label": effect.baseline_label},
                ngettext(
                    "%(rate)s over %(nights)s night",
                    "%(rate)s over %(nights)s nights",
                    figures.baseline_nights,
                )
                % {"rate": figures.baseline_rate, "nights": figures.baseline_nights},
            ),
            (
                _("Cramps a night: lately"),
                ngettext(
                    "%(rate)s over %(nights)s night",
                    "%(rate)s over %(nights)s nights",
                    figures.latest_nights,
                )
                % {"rate": figures.latest_rate, "nights": figures.latest_nights},
            ),
            (
                _("Rate ratio (lately ÷ at the start)"),
                _("%(ratio)s (95%% CI %(interval)s)")
                % {"ratio": figures.rate_ratio, "interval": figures.rate_ratio_interval},
            ),
        ]
        if figures.severity_change is not None:
            rows.append(
                (
                    _("Change in pain (points out of 10)"),
                    _("%(diff)s (95%% CI %(interval)s)")
                    % {"diff": figures.severity_change, "interval": figures.severity_interval},
                )
            )
        out.pairs(rows)
        out.text(
            _(
                "The interval is exact for small counts and is widened when nights cluster "
                "(quasi-Poisson, Pearson dispersion)."
            ),
            muted=True,
        )
    out.said(effect.caveat, muted=True)
    if effect.trial is not None:
        out.said(effect.trial, muted=True)
    elif effect.trial_note is not None:
        out.said(effect.trial_note, muted=True)


def _tried(out: _Writer, report: DoctorReport) -> None:
    out.heading(_("What was tried"))
    out.text(
        report.adherence
        or _("No program sessions are recorded, so how regularly it was done is not known.")
    )
    if report.exercises:
        _exercises(out, report)
    if report.helped:
        out.text(_("What the patient found helped during cramps (times chosen):"), bold=True)
        out.bullets([f"{label}: {count}" for label, count in report.helped])
    else:
        out.text(_("Nothing was recorded about what helped during cramps."), muted=True)


# The program's exercises, drawn small in their start position, four to a row.
PICTURES_PER_ROW = 4


def _exercises(out: _Writer, report: DoctorReport) -> None:
    pdf = out.pdf
    library = get_library().exercises
    out.text(_("The program's exercises tonight (start position):"), bold=True)
    width = pdf.epw / PICTURES_PER_ROW
    picture_width = width - 4
    picture_height = picture_width * 160 / 240
    for start in range(0, len(report.exercises), PICTURES_PER_ROW):
        row = report.exercises[start : start + PICTURES_PER_ROW]
        height = picture_height + 4 * LINE
        if height > out.room():
            pdf.add_page()
        top = pdf.get_y()
        for column, item in enumerate(row):
            left = pdf.l_margin + column * width
            exercise = library.get(item.id)
            if exercise is not None and exercise.pose is not None:
                svg = pose_svg.still_svg(exercise.pose, item.name, highlighted(exercise))
                pdf.image(io.BytesIO(svg.encode()), x=left, y=top, w=picture_width)
            pdf.set_xy(left, top + picture_height + 0.5)
            pdf.set_font(FONT, "B", BODY - 2)
            pdf.multi_cell(picture_width, LINE * 0.8, item.name, align="L")
            pdf.set_x(left)
            pdf.set_font(FONT, "", BODY - 2)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(picture_width, LINE * 0.8, item.dose, align="L")
            pdf.set_text_color(*INK)
        pdf.set_xy(pdf.l_margin, top + height)
    pdf.ln(1.2)


def _triggers(out: _Writer, report: DoctorReport) -> None:
    out.heading(_("Possible triggers"), keep=out.text_height(report.triggers_warning.text))
    out.said(report.triggers_warning, muted=True)
    if not report.triggers:
        out.text(_("No factor has enough nights on both sides to compare yet."))
    for trigger in report.triggers:
        title = f"{trigger.label[:1].upper()}{trigger.label[1:]}: {trigger.figure}"
        # Keep each trigger's title with its sentence.
        if out.text_height(title, bold=True) + out.text_height(trigger.text.text) > out.room():
            out.pdf.add_page()
        out.text(title, bold=True)
        out.said(trigger.text)
        if trigger.note is not None:
            out.said(trigger.note, muted=True)
    if report.hidden_factors:
        out.text(_("Not compared yet:"), bold=True)
        out.bullets([hidden.text for hidden in report.hidden_factors])


def _subheading(out: _Writer, text: str, keep: float = 2 * LINE) -> None:
    """A bold line kept with what follows it."""
    if out.text_height(text, bold=True) + keep > out.room():
        out.pdf.add_page()
    out.text(text, bold=True)


def _assessment(out: _Writer, report: DoctorReport) -> None:
    section = report.assessment
    out.heading(_("From the latest assessment"), keep=4 * LINE)
    if section.done_on is None:
        out.text(section.note)
    else:
        out.text(
            _("Questionnaire completed on %(date)s. Overall: %(level)s.")
            % {"date": date_format(section.done_on, _("j F Y")), "level": section.level_label},
            bold=True,
        )
        if section.unanswered:
            out.text(
                ngettext(
                    "%(count)s warning-sign question was left unanswered, so this check is "
                    "incomplete: please ask about it.",
                    "%(count)s warning-sign questions were left unanswered, so this check is "
                    "incomplete: please ask about them.",
                    section.unanswered,
                )
                % {"count": section.unanswered}
            )
        if section.flags:
            _subheading(out, _("Warning signs and reasons to see a doctor:"))
            out.bullets(
                [
                    f"{flag.level_label}: {flag.message} {flag.action}"
                    + (f" [{', '.join(flag.references)}]" if flag.references else "")
                    for flag in section.flags
                ]
            )
        elif not section.unanswered:
            out.text(_("No warning signs were reported."))
        _subheading(out, _("Medicines the patient listed:"))
        if section.medicine_list:
            out.bullets(
                [
                    f"{line.name}: "
                    + (", ".join(line.classes) if line.classes else _("not recognised (as typed)"))
                    for line in section.medicine_list
                ]
            )
        else:
            out.text(_("No medicines were listed."))
        _subheading(out, _("Medicines flagged as possibly involved:"))
        if section.medicines:
            out.bullets(
                [
                    med.message + (f" ({', '.join(med.names)})" if med.names else "")
                    for med in section.medicines
                ]
            )
            out.text(
                _(
                    "The patient has been advised not to stop any prescribed medicine on their "
                    "own, and to talk to the person who prescribed it."
                ),
                muted=True,
            )
        else:
            out.text(_("None of the medicines listed is known to be linked with cramps."))
        if section.unrecognised:
            out.text(
                _("Medicines we could not recognise: %(names)s")
                % {"names": ", ".join(section.unrecognised)}
            )
    if report.medicine_changes:
        _subheading(out, _("New or changed medicines recorded in the diary:"))
        out.bullets(
            [f"{date_format(day, 'j M Y')}: {note}" for day, note in report.medicine_changes]
        )


def _sources(out: _Writer, report: DoctorReport) -> None:
    if not report.references:
        return
    out.heading(_("Sources"), size=12)
    library = get_library()
    lines = []
    for ref_id in report.references:
        ref = library.references.get(ref_id)
        if ref is not None:
            lines.append(f"{ref_id}: {source_name(ref)}. {ref.title}. {ref.publisher}.")
    out.bullets(lines)


def _own_summary(out: _Writer, report: DoctorReport) -> None:
    """The person's own part, in plain words, on a page of its own so it can be kept."""
    effect = report.effect
    out.pdf.add_page()
    out.heading(_("Your own summary (for you to keep)"))
    out.said(effect.plain, bold=True)
    if effect.advice is not None:
        out.said(effect.advice)
    out.said(effect.caveat)
    if report.adherence_for_you:
        out.text(report.adherence_for_you)
