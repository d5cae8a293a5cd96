"""benchmarks/lighthouse_run.py fails a page on each target it misses, layout shift included."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[4] / "benchmarks"


@pytest.fixture(scope="module")
def lighthouse_run() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("lighthouse_run")
    finally:
        sys.path.remove(str(BENCHMARKS))


def run(cls: float = 0.0, performance: int = 99, kb: float = 100) -> dict[str, object]:
    return {
        "scores": {"performance": performance, "accessibility": 100, "best-practices": 100},
        "bytes": int(kb * 1024),
        "cls": cls,
        "off_machine": [],
    }


def test_a_page_within_every_target_passes(lighthouse_run: ModuleType) -> None:
    runs = [run(0.0), run(0.017), run(0.099)]
    assert lighthouse_run.targets_missed("/", runs, runs[1]) == []


@pytest.mark.parametrize("cls", [0.1, 0.25])
def test_a_layout_shift_of_a_tenth_or_more_fails(lighthouse_run: ModuleType, cls: float) -> None:
    runs = [run(0.0), run(cls)]
    missed = lighthouse_run.targets_missed("/cramp-now/calf/", runs, runs[0])
    assert missed == [f"/cramp-now/calf/: cumulative layout shift {cls:.3f} >= 0.1"]


def test_scores_and_weight_still_fail(lighthouse_run: ModuleType) -> None:
    shown = run(performance=94, kb=150)
    assert lighthouse_run.targets_missed("/", [shown], shown) == [
        "/: performance 94 < 95",
        "/: page weight 150.0 KB >= 150 KB",
    ]


def _pwa_report(module: ModuleType, **scores: float | None) -> dict[str, object]:
    audits: dict[str, object] = {a: {"score": 1, "title": a} for a in module.PWA_AUDITS}
    for audit_id, score in scores.items():
        audits[audit_id.replace("_", "-")] = {"score": score, "explanation": f"{audit_id} failed"}
    return {"audits": audits}


def test_an_installable_page_passes_the_installability_audits(lighthouse_run: ModuleType) -> None:
    assert lighthouse_run.pwa_problems("/", _pwa_report(lighthouse_run)) == []


def test_each_failed_installability_audit_is_named_with_its_reason(
    lighthouse_run: ModuleType,
) -> None:
    report = _pwa_report(lighthouse_run, installable_manifest=0, maskable_icon=None)

    assert lighthouse_run.pwa_problems("/", report) == [
        "/: installable-manifest: installable_manifest failed",
        "/: maskable-icon: maskable_icon failed",
    ]


def test_an_installability_audit_that_did_not_run_fails(lighthouse_run: ModuleType) -> None:
    report = _pwa_report(lighthouse_run)
    del report["audits"]["splash-screen"]  # type: ignore[attr-defined]

    assert lighthouse_run.pwa_problems("/", report) == ["/: splash-screen: not run"]
