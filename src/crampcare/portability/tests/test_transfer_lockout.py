"""A big import must not lock other people out (docs/diary.md, "Import")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crampcare.testing.cli import cli_env


def test_a_200000_row_import_keeps_answering_others_writes_and_costs_under_100_mb(
    tmp_path: Path,
) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "crampcare.portability.tests.lockout_scenario"],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path),
        check=False,
        timeout=900,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["import_status"] == 200, result["import_body"]
    assert result["import_body"]["created"] == {"episodes.csv": 200_000}
    # The most rows an import takes cost the importing worker less than 100 MB: rows are checked
    # and saved as a stream, a batch at a time, never all held at once.
    growth = result["import_peak_growth_bytes"]
    assert growth < 100 * 1024 * 1024, f"{growth / 1024 / 1024:.0f} MB"
    writes = result["writes"]
    # The import takes many seconds: the other person wrote all along and every write was saved
    # (201: never "database is locked", never a 503). Latency: on a quiet machine each answer
    # comes in well under a second; the suite shares two cores with other tests, so the bound
    # is on the 99th percentile, with a ceiling far below the 13 s lock the import once held.
    assert len(writes) >= 20, writes
    failed = [(status, seconds) for status, seconds in writes if status != 201]
    assert not failed, failed
    seconds = sorted(seconds for _, seconds in writes)
    p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
    assert p99 < 1.0, seconds[-20:]
    assert seconds[-1] < 3.0, seconds[-20:]
