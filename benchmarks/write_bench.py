"""Throughput of the authenticated log-a-cramp write against a bare-Django insert, interleaved.

Both servers run with the same granian settings (WSGI, 2 workers, 1 blocking thread each) on
loopback, one after the other, round after round: crampcare's ``POST /api/v1/diary/episodes``
with a personal access token, and a minimal Django project (benchmarks/bare_insert: the default
middleware, one model, one insert view). wrk posts a distinct start time per request
(benchmarks/write_post.lua), so every request is a real insert. Reported per round and as the
median: requests/s, p99, and crampcare's share of the bare insert's throughput.

    .venv/bin/python benchmarks/write_bench.py [--database sqlite|postgres] [--seconds 10]
        [--rounds 3] [--connections 32] [--threads 2]

PostgreSQL uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/crampcare_bench); its
public schema is emptied first, so point it at a database kept for benchmarks.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
LUA = HERE / "write_post.lua"
GRANIAN = [
    "--interface",
    "wsgi",
    "--workers",
    "2",
    "--blocking-threads",
    "1",
    "--no-ws",
    "--log-level",
    "warning",
]
DAY = 86400


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return  # it answers: up
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server behind {url} did not start")


def parse_latency(text: str) -> float:
    value = float(re.sub(r"[a-z]+$", "", text))
    unit = re.search(r"[a-z]+$", text).group(0)  # type: ignore[union-attr]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, args: argparse.Namespace, headers: list[str], base_epoch: int
) -> tuple[float, float]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s"]
    for header in headers:
        command += ["-H", header]
    command += ["--latency", "-s", str(LUA), url]
    out = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=args.seconds + 60,
        env={**os.environ, "BENCH_BASE_EPOCH": str(base_epoch)},
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: error answers during the run\n{out}")
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    if timeouts and int(timeouts.group(1)):
        print(f"  ({url}: {timeouts.group(1)} requests timed out after 2 s)")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = parse_latency(re.search(r"99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    return rps, p99


def serve(app: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [BIN / "granian", *GRANIAN, "--host", "127.0.0.1", "--port", str(port), app],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    data = tempfile.mkdtemp(prefix="crampcare-write-bench-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CRAMPCARE_DATA_DIR=data, BARE_DATA_DIR=data)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH")) if p)
    if args.database == "postgres":
        env["DATABASE_URL"] = os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crampcare_bench"
        )
        reset_postgres(env["DATABASE_URL"])
    crampcare = [BIN / "crampcare"]
    subprocess.run([*crampcare, "migrate", "-v", "0"], env=env, check=True)
    create = (
        "from crampcare.accounts.models import User;"
        "from crampcare.accounts.services import create_token;"
        "user = User.objects.create_user('bench@example.org', 'bench-password-long');"
        "print(create_token(user, 'bench')[1])"
    )
    secret = (
        subprocess.run(
            [*crampcare, "manage", "shell", "-c", create],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bare_insert.settings"}
    subprocess.run(
        [BIN / "django-admin", "migrate", "--run-syncdb", "-v", "0"], env=bare_env, check=True
    )

    json_header = "Content-Type: application/json"
    targets = {
        "bare": ("bare_insert.wsgi:application", bare_env, "/insert", [json_header]),
        "crampcare": (
            "crampcare.wsgi:application",
            env,
            "/api/v1/diary/episodes",
            [json_header, f"Authorization: Bearer {secret}"],
        ),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
    # Each round writes its own stretch of the past, both servers the same stretch.
    first_epoch = int(time.time()) - 400 * DAY
    print(f"database: {args.database}; wrk -t{args.threads} -c{args.connections} -d{args.seconds}s")
    print("| round | bare req/s | bare p99 | crampcare req/s | crampcare p99 | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    try:
        for round_number in range(args.rounds):
            epoch = first_epoch + round_number * (args.threads + 1) * 1_000_000
            for name, (app, app_env, path, headers) in targets.items():
                port = free_port()
                server = serve(app, app_env, port)
                try:
                    wait_until_up(f"http://127.0.0.1:{port}{path}")
                    results[name].append(
                        wrk(f"http://127.0.0.1:{port}{path}", args, headers, epoch)
                    )
                finally:
                    server.terminate()
                    server.wait(timeout=30)
            (bare_rps, bare_p99), (rps, p99) = results["bare"][-1], results["crampcare"][-1]
            print(
                f"| {round_number + 1} | {bare_rps:,.0f} | {bare_p99:.1f} ms | {rps:,.0f} "
                f"| {p99:.1f} ms | {rps / bare_rps:.2f} |"
            )
        ratios = [c[0] / b[0] for b, c in zip(results["bare"], results["crampcare"], strict=True)]
        p99s = [c[1] for c in results["crampcare"]]
        print(
            f"median ratio {statistics.median(ratios):.2f}; crampcare p99 median "
            f"{statistics.median(p99s):.1f} ms, worst {max(p99s):.1f} ms"
        )
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
