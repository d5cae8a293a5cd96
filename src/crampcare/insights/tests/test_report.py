"""The doctor's report: the PDF and the print page carry the insights page's figures."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from crampcare.accounts.models import User
from crampcare.insights import report
from crampcare.insights.pdf import render_pdf
from crampcare.insights.tests.diary_builders import LAST_NIGHT, NOW, fill_diary
from crampcare.knowledge.loader import get_library
from crampcare.programs.tests.builders import make_program

pytestmark = pytest.mark.django_db

# The answers of docs/assessment.md's example, trimmed: a statin, and calf pain on walking.
ASSESSMENT = {
    "age": 72,
    "cramps_per_week": 4,
    "sleep_disrupted": True,
    "medications": ["Lipitor 20 mg", "Metformin", "Mystery pill"],
    "symptoms": {"calf_pain_walking_eases_with_rest": True},
}


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def page_figures(html: str) -> list[str]:
    """Every headline figure and interval shown on the insights page."""
    figures = re.findall(r'<span class="figure">([^<]+)</span>', html)
    intervals = re.findall(r"95% CI ([^<]+?)</span>", html)
    assert figures
    assert intervals
    return [*figures, *(f"95% CI {interval}" for interval in intervals)]


def test_it_puts_the_insights_page_figures_in_the_pdf(owner_client: Client, user: User) -> None:
    fill_diary(user, 40)
    html = owner_client.get(reverse("insights:index")).content.decode()
    response = owner_client.get(reverse("insights:report_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="crampcare-report-2025-06-10.pdf"'
    )
    text = pdf_text(response.content)
    for figure in page_figures(html):
        assert figure in text, figure
    # The chart titles, which state the findings, are the report page's (worded for the
    # clinician: "since the program started", not "since you started").
    report_html = owner_client.get(reverse("insights:report")).content.decode()
    titles = re.findall(r'<h3 id="chart-\w+-title" class="chart-title">([^<]+)</h3>', report_html)
    assert len(titles) == 2
    for title in titles:
        assert title in text
        assert "your first week" not in title
    assert "in your first week" in html
    # Trigger figures, and the warnings that go with them.
    triggers = re.findall(
        r"<h3>([^<]+)</h3>\s*<p>[^<]+</p>\s*<p class=\"trigger-figure\"><strong>Rate ratio</strong> "
        r"([^<]+)</p>",
        html,
    )
    assert "Days with 2 or more alcoholic drinks" in dict(triggers)
    for label, figure in triggers:
        assert f"{label}: {figure}" in text
    assert "association" not in text  # plain words: "a link is not proof of cause"
    assert "a link is not proof of cause" in text
    assert "Cramps often ease on their own" in text


def test_it_covers_the_chosen_weeks(owner_client: Client, user: User) -> None:
    fill_diary(user, 100)
    text = pdf_text(owner_client.get(reverse("insights:report_pdf"), {"weeks": 4}).content)
    assert "Nights of 14 May 2025 to 10 June 2025 (4 weeks)" in text
    assert "Nights recorded 27 of 28" in text


def test_it_falls_back_to_eight_weeks_for_an_unknown_length() -> None:
    assert report.weeks_choice("13") == report.DEFAULT_WEEKS == 8
    assert report.weeks_choice("x") == 8
    assert report.weeks_choice(None) == 8
    assert report.weeks_choice("12") == 12


def test_it_tallies_the_window_and_what_helped(user: User) -> None:
    fill_diary(user, 40)
    content = report.doctor_report(user, user, 4)
    tally = content.tally
    assert tally.nights_in_window == 28
    assert tally.recorded_nights == 27  # the night of the 10th has only just begun
    assert tally.cramps == tally.logged_cramps == tally.woke_up
    assert content.helped[0][0] == "Stretching"
    assert content.medicine_changes == [(LAST_NIGHT.replace(day=31, month=5), "amlodipine")]


def test_it_says_when_there_is_no_assessment(owner_client: Client, user: User) -> None:
    fill_diary(user, 10)
    page = owner_client.get(reverse("insights:report")).content.decode()
    assert "No assessment on record" in page
    assert "No assessment on record" in pdf_text(
        owner_client.get(reverse("insights:report_pdf")).content
    )


def test_it_shows_triage_flags_and_possibly_involved_medicines(
    owner_client: Client, user: User
) -> None:
    from crampcare.assessment.services import save_assessment

    save_assessment(user, ASSESSMENT)
    fill_diary(user, 10)
    page = owner_client.get(reverse("insights:report")).content.decode()
    text = pdf_text(owner_client.get(reverse("insights:report_pdf")).content)
    for shown in (page, text):
        assert "Overall: See a doctor soon" in shown
        assert "narrowed leg arteries" in shown
        assert "(Lipitor 20 mg)" in shown
        assert "Mystery pill" in shown
    assert "advised not to stop any prescribed medicine" in text


def test_it_writes_characters_outside_latin_1(user: User) -> None:
    fill_diary(user, 10)
    user.display_name = "Zoë Ŝmith – O’Brien"
    user.save()
    text = pdf_text(render_pdf(report.doctor_report(user, user)))
    assert "Patient: Zoë Ŝmith – O’Brien" in text


def test_it_makes_a_report_for_an_empty_diary(owner_client: Client, user: User) -> None:
    response = owner_client.get(reverse("insights:report_pdf"))
    text = pdf_text(response.content)
    assert "No nights were recorded in these weeks." in text
    assert "Not enough nights recorded yet. Record 14 more nights" in text


def test_it_dates_the_report_in_the_persons_zone_on_the_page_and_in_the_pdf(
    owner_client: Client, user: User
) -> None:
    # 13:00 UTC on 10 June is 01:00 on 11 June in Auckland (NZST, UTC+12).
    user.time_zone = "Pacific/Auckland"
    user.save(update_fields=["time_zone"])
    page = " ".join(owner_client.get(reverse("insights:report")).content.decode().split())
    text = pdf_text(owner_client.get(reverse("insights:report_pdf")).content)
    for shown in (page, text):
        assert "Made on 11 June 2025." in shown


def test_it_prints_the_report_page_with_a_download_link(owner_client: Client, user: User) -> None:
    fill_diary(user, 40)
    page = owner_client.get(reverse("insights:report"), {"weeks": 6}).content.decode()
    assert f'href="{reverse("insights:report_pdf")}?weeks=6"' in page
    assert '<option value="6" selected>' in page
    assert "Nights of 30 April 2025 to 10 June 2025 (6 weeks)" in " ".join(page.split())


def stored_assessment(user: User, result: dict[str, object], medications: list[str]) -> None:
    """A finished assessment with a given stored result (as the assessment app saves it)."""
    from crampcare.assessment.models import Assessment

    Assessment.objects.create(
        owner=user, answers={"medications": medications}, result=result, completed=True
    )


@pytest.mark.parametrize("level", ["self_care", ""])
def test_it_never_calls_an_incomplete_check_self_care(
    owner_client: Client, user: User, level: str
) -> None:
    fill_diary(user, 20)
    stored_assessment(
        user,
        {"triage": level, "incomplete": ["symptoms.one_sided_swelling"], "reasons": []},
        [],
    )
    page = " ".join(owner_client.get(reverse("insights:report")).content.decode().split())
    text = pdf_text(owner_client.get(reverse("insights:report_pdf")).content)
    for shown in (page, text):
        assert "Self-care" not in shown
        assert "Overall: Incomplete: warning-sign questions unanswered." in shown
        assert "1 warning-sign question was left unanswered, so this check is incomplete" in shown
        assert "No warning signs were reported." not in shown
    assert report.assessment_section(user, user).level_label.startswith("Incomplete")


def test_it_keeps_a_higher_level_and_says_it_is_incomplete(user: User) -> None:
    stored_assessment(user, {"triage": "urgent", "incomplete": ["a", "b"], "reasons": []}, [])
    label = report.assessment_section(user, user).level_label
    assert label == "See a doctor today (incomplete: warning-sign questions unanswered)"


def test_it_calls_a_complete_check_self_care(user: User) -> None:
    stored_assessment(user, {"triage": "self_care", "incomplete": [], "reasons": []}, [])
    assert report.assessment_section(user, user).level_label == "Self-care is reasonable"


def test_it_lists_every_medicine_as_typed_with_its_class(owner_client: Client, user: User) -> None:
    fill_diary(user, 20)
    stored_assessment(
        user,
        {"triage": "see_doctor", "incomplete": [], "reasons": []},
        ["Lipitor 20 mg", "  Mystery   pill ", "lipitor 20 mg"],
    )
    lines = report.assessment_section(user, user).medicine_list
    assert [line.name for line in lines] == ["Lipitor 20 mg", "Mystery pill"]
    assert lines[0].classes  # recognised as a statin
    assert "statin" in lines[0].classes[0].casefold()
    assert lines[1].classes == ()
    text = pdf_text(owner_client.get(reverse("insights:report_pdf")).content)
    page = " ".join(owner_client.get(reverse("insights:report")).content.decode().split())
    assert "Mystery pill: not recognised (as typed)" in text
    assert "<strong>Mystery pill</strong>: not recognised (as typed)" in page
    assert f"Lipitor 20 mg: {lines[0].classes[0]}" in text
    assert "Medicines reported: Lipitor 20 mg, Mystery pill." in text


def test_it_addresses_the_clinician_and_keeps_a_part_for_the_person(
    owner_client: Client, user: User
) -> None:
    fill_diary(user, 40)
    text = pdf_text(owner_client.get(reverse("insights:report_pdf")).content)
    assert "Summary for the clinician" in text
    assert "The patient reports" in text
    assert "Your own summary (for you to keep)" in text
    # The person's plain-words line is in their own part, after the clinician's pages.
    assert text.index("Your own summary") < text.index(
        "You have had about a quarter as many cramps lately"
    )
    assert text.index("Sources") < text.index("Your own summary")
    # The triggers speak of the patient too.
    clinician_part = text[: text.index("Your own summary")]
    assert "days the patient drank less than 6 cups" in clinician_part
    assert "days you" not in clinician_part
    assert "compared at once, so one of them can look linked to the cramps" in clinician_part


def test_it_keeps_headings_with_what_follows_them(user: User) -> None:
    # A long history with every section filled: no heading may end a page.
    fill_diary(user, 400)
    stored_assessment(
        user,
        {"triage": "see_doctor", "incomplete": ["x"], "reasons": []},
        ["Lipitor", "Ventolin", "Bendroflumethiazide", "Something else"],
    )
    data = render_pdf(report.doctor_report(user, user, 12))
    headings = {
        "Summary for the clinician",
        "The diary in these weeks",
        "Cramps and pain, week by week",
        "Change since the start",
        "What was tried",
        "Possible triggers",
        "From the latest assessment",
        "Sources",
        "Your own summary (for you to keep)",
    }
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) >= 3
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("crampcare report for")]
        assert body[-1] not in headings, body[-3:]


def test_it_draws_the_programs_exercises_in_their_start_position(user: User) -> None:
    make_program(user, now=NOW)
    content = report.doctor_report(user, user)
    assert content.exercises
    library = get_library().exercises
    names = [item.name for item in content.exercises]
    data = render_pdf(content)
    text = pdf_text(data)
    assert "The program's exercises tonight (start position):" in text
    for name in names:
        assert " ".join(name.split()) in text
    # Each pictured exercise is drawn: its highlighted muscle in the accent colour (#b42318).
    pictured = [item for item in content.exercises if library[item.id].pose is not None]
    contents = [page.get_contents() for page in PdfReader(io.BytesIO(data)).pages]
    streams = "".join(part.get_data().decode("latin-1") for part in contents if part is not None)
    assert streams.count("0.7059 0.1373 0.0941 RG") >= len(pictured) > 0


def test_it_draws_no_exercises_without_a_program(user: User) -> None:
    content = report.doctor_report(user, user)
    assert content.exercises == []
    assert "The program's exercises" not in pdf_text(render_pdf(content))
