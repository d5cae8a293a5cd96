"""The Apple Health import side by side with healthkit-to-sqlite and a bare lxml iterparse.

One run, on the same export.xml (benchmarks/apple_health/generate.py; made if missing), each
tool in a fresh process of its own, one after the other, round after round:

- **ours**: ``import_apple_health`` into a migrated SQLite database (parse, aggregate and the
  writes of the day rows and day factors, in one transaction) for a person in Europe/London;
- **healthkit-to-sqlite** (PyPI, in a throw-away venv under benchmarks/apple_health/data/,
  never a dependency of crampcare): the same file into its own SQLite database (``--xml``);
- **bare iterparse**: ``lxml.etree.iterparse(events=("end",))`` counting every element and
  clearing it: the least any lxml reader of this file can do.

Wall time is the whole process (start-up included); peak memory is each process's own maximum
resident set, from ``os.wait4``. Ratios are taken within each round.

    .venv/bin/python benchmarks/apple_health/bench_import.py [--rounds 3] [--skip-h2s]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
XML = DATA / "apple_health_export" / "export.xml"
H2S_VENV = DATA / "venv-h2s"
PYTHON = sys.executable

IMPORT_ONCE = HERE / "import_once.py"
ITERPARSE_COUNT = HERE / "iterparse_count.py"


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of one process."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed:\n{text[-2000:]}")
    return wall, usage.ru_maxrss / 1024, text  # ru_maxrss is in KiB on Linux


def ours(folder: Path) -> tuple[float, float, str]:
    data_dir = folder / f"crampcare-{time.monotonic_ns()}"
    # The bare export.xml is larger than the default upload limit (meant for the zip).
    env = {
        **os.environ,
        "CRAMPCARE_DATA_DIR": str(data_dir),
        "CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES": str(1 << 30),
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
    subprocess.run(
        [PYTHON, "-m", "django", "migrate", "-v", "0"], env=env, check=True
    )  # not timed: a server's database is already migrated
    return run([PYTHON, str(IMPORT_ONCE), str(XML)], env)


def h2s(folder: Path) -> tuple[float, float, str]:
    database = folder / f"h2s-{time.monotonic_ns()}.db"
    return run(
        [str(H2S_VENV / "bin" / "healthkit-to-sqlite"), "--xml", "-s", str(XML), str(database)]
    )


def bare() -> tuple[float, float, str]:
    return run([PYTHON, str(ITERPARSE_COUNT), str(XML)])


def ensure_inputs(skip_h2s: bool) -> None:
    if not XML.exists():
        subprocess.run([PYTHON, str(HERE / "generate.py")], check=True)
    if not skip_h2s and not (H2S_VENV / "bin" / "healthkit-to-sqlite").exists():
        subprocess.run([PYTHON, "-m", "venv", str(H2S_VENV)], check=True)
        subprocess.run(
            [str(H2S_VENV / "bin" / "pip"), "install", "-q", "healthkit-to-sqlite==1.0.1"],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-h2s", action="store_true", help="leave healthkit-to-sqlite out")
    args = parser.parse_args()
    ensure_inputs(args.skip_h2s)
    size_mb = XML.stat().st_size / 1e6
    print(f"file: {XML} ({size_mb:,.0f} MB)")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows: dict[str, list[tuple[float, float]]] = {"ours": [], "h2s": [], "bare": []}
    inside: list[float] = []
    folder = Path(tempfile.mkdtemp(prefix="health-bench-"))
    try:
        for number in range(1, args.rounds + 1):
            wall, peak, text = ours(folder)
            found = json.loads(text.strip().splitlines()[-1])
            inside.append(found["inside"])
            rows["ours"].append((wall, peak))
            line = f"round {number}: ours {wall:.1f} s ({found['inside']:.1f} s importing, "
            line += f"{found['records']:,} records, {found['days']:,} days), {peak:.0f} MiB"
            wall, peak, _ = bare()
            rows["bare"].append((wall, peak))
            line += f"; bare iterparse {wall:.1f} s, {peak:.0f} MiB"
            if not args.skip_h2s:
                wall, peak, _ = h2s(folder)
                rows["h2s"].append((wall, peak))
                line += f"; healthkit-to-sqlite {wall:.1f} s, {peak:.0f} MiB"
            print(line, flush=True)
            shutil.rmtree(folder)
            folder.mkdir()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("| Tool | Wall (median) | MB/s | Peak RSS (max, MiB) |")
    print("|---|---:|---:|---:|")
    for name, label in (
        ("ours", "crampcare `import_apple_health`"),
        ("h2s", "healthkit-to-sqlite 1.0.1"),
        ("bare", "bare `iterparse` count"),
    ):
        if rows[name]:
            wall = statistics.median(w for w, _ in rows[name])
            peak = max(p for _, p in rows[name])
            print(f"| {label} | {wall:.1f} s | {size_mb / wall:.0f} | {peak:.0f} |")
    print()
    ratios_bare = [b[0] / o[0] for o, b in zip(rows["ours"], rows["bare"], strict=True)]
    print(f"ours / bare iterparse speed, per round: {', '.join(f'{r:.0%}' for r in ratios_bare)}")
    if rows["h2s"]:
        ratios = [h[0] / o[0] for o, h in zip(rows["ours"], rows["h2s"], strict=True)]
        shown = ", ".join(f"{r:.1f}x" for r in ratios)
        print(f"ours / healthkit-to-sqlite throughput, whole processes, per round: {shown}")
        # In the app the import runs in a worker that has already started (Django, the content
        # library): the import itself against healthkit-to-sqlite's whole run.
        alone = [h[0] / i for i, h in zip(inside, rows["h2s"], strict=True)]
        shown = ", ".join(f"{r:.1f}x" for r in alone)
        print(f"ours / healthkit-to-sqlite throughput, the import itself, per round: {shown}")
    print(f"import alone (inside the process), median: {statistics.median(inside):.1f} s")


if __name__ == "__main__":
    main()
