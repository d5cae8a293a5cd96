"""Chart labels never hide the data: no value label (nor "Program started", nor a title) covers a
bar, a pain dot or another label, for any shape of data, at phone and at PDF width."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from crampcare.core.stats import NightRecord, compute_insights
from crampcare.core.tests.builders import START, night_series
from crampcare.insights import charts

# Overlaps smaller than this (pixels at the figure's 100 dpi) are anti-aliasing, not hiding.
SLACK = 0.5


def _labels(figure: Figure, renderer: Any) -> list[tuple[str, Bbox]]:
    found = []
    for ax in figure.axes:
        # The value labels and "Program started" (annotations) and the titles.
        texts = [child for child in ax.get_children() if isinstance(child, Text)]
        for text in texts:
            if not text.get_visible() or not text.get_text():
                continue
            patch = text.get_bbox_patch()
            box = (patch if patch is not None else text).get_window_extent(renderer)
            found.append((text.get_text(), box))
    return found


def _markers(figure: Figure, renderer: Any) -> list[tuple[str, Bbox]]:
    found = []
    for ax in figure.axes:
        for patch in ax.patches:  # the bars (a bar of 0 is no mark)
            box = patch.get_window_extent(renderer)
            if box.height > SLACK:
                found.append(("bar", box))
        for line in ax.lines:  # the pain dots
            if line.get_marker() in (None, "None", ""):
                continue
            radius = line.get_markersize() * figure.dpi / 72 / 2
            for x, y in np.asarray(line.get_xydata(), dtype=float):
                if math.isnan(y):  # a week without a pain score draws no dot
                    continue
                cx, cy = ax.transData.transform((x, y))
                found.append(
                    ("dot", Bbox.from_extents(cx - radius, cy - radius, cx + radius, cy + radius))
                )
    return found


def _overlap(a: Bbox, b: Bbox) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > SLACK and height > SLACK


def assert_no_label_hides_anything(figure: Figure) -> None:
    FigureCanvasAgg(figure)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = _labels(figure, renderer)
    markers = _markers(figure, renderer)
    problems = [
        f"label {text!r} covers a {kind}"
        for text, box in labels
        for kind, mark in markers
        if _overlap(box, mark)
    ]
    problems += [
        f"label {a!r} overlaps label {b!r}"
        for i, (a, box_a) in enumerate(labels)
        for b, box_b in labels[i + 1 :]
        if _overlap(box_a, box_b)
    ]
    assert not problems, "\n".join(sorted(set(problems)))


def _dense(weeks: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.choice([0, 0, 1, 1, 2, 3, 5, 8]) for _ in range(weeks * 7)]


CASES: dict[str, tuple[list[int], int | None, list[bool] | None, list[float] | None]] = {
    # name: (cramps a night, program start day, program done each night, pain each night)
    "fell": ([3] * 14 + [1] * 14, 14, None, None),
    "rose": ([1] * 7 + [4] * 14, None, None, None),
    "flat-zero-then-some": ([0] * 7 + [2] * 14, 7, None, None),
    "tall-bar-beside-a-period": (
        [1] * 7 + [9] + [1] * 6 + [1] * 7 + [9] * 7 + [1] * 14,
        14,
        None,
        None,
    ),
    "every-night-done": ([4] * 14 + [2] * 21, 14, [False] * 14 + [True] * 21, None),
    "all-done-from-the-start": ([2] * 28, 0, [True] * 28, None),
    "dense-half-year": (_dense(26, 1), 28, [True] * (26 * 7), None),
    "dense-year": (_dense(52, 2), 140, None, None),
    "dense-year-late-start": (_dense(52, 3), 350, [i % 2 == 0 for i in range(52 * 7)], None),
    "pain-at-the-top": ([2] * 28, 14, None, [10.0] * 14 + [9.5] * 14),
    "pain-falls": ([3] * 14 + [2] * 14, 14, None, [8.0] * 14 + [2.0] * 14),
    "pain-dense": (_dense(40, 4), 100, None, None),
}


def _records(
    cramps: list[int], done: list[bool] | None, pain: list[float] | None
) -> list[NightRecord]:
    if pain is None:
        rng = random.Random(len(cramps))
        pain = [float(rng.randint(0, 10)) for _ in cramps]
    severities = [(p,) * c for c, p in zip(cramps, pain, strict=True)]
    return night_series(cramps, severities=severities, program_done=done)


@pytest.mark.parametrize(
    "width", [charts.WIDTH_INCHES, charts.PDF_WIDTH_INCHES], ids=["phone", "pdf"]
)
@pytest.mark.parametrize("case", sorted(CASES))
def test_no_label_hides_a_bar_a_dot_or_another_label(case: str, width: float) -> None:
    cramps, start_day, done, pain = CASES[case]
    records = _records(cramps, done, pain)
    program_start: date | None = (
        START + timedelta(days=start_day) if start_day is not None else None
    )
    insights = compute_insights(records, program_start)
    assert insights.weeks
    with_adherence = program_start is not None or done is not None
    assert_no_label_hides_anything(
        charts.frequency_figure(
            insights.weeks,
            insights.effect,
            program_start,
            charts.LIGHT,
            with_adherence=with_adherence,
            width=width,
        )
    )
    assert_no_label_hides_anything(
        charts.severity_figure(insights.weeks, insights.effect, charts.LIGHT, width=width)
    )
