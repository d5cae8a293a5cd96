"""HTTP throughput of crampcare's pages, measured with wrk on loopback.

Starts `crampcare serve` (granian, WSGI) on 127.0.0.1 with a throw-away SQLite data dir, creates an
owner account (so pages render rather than redirect to onboarding), then runs wrk against each URL
for a fixed, bounded time. The baseline, measured in the same run, is /healthz (the smallest Django
response that touches the database); each page is reported as a ratio to it.

    .venv/bin/python benchmarks/http_bench.py [--seconds 10] [--connections 16] [--url /path ...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
DEFAULT_URLS = [
    "/",
    "/cramp-now/",
    "/cramp-now/calf/",
    "/learn/",
    "/learn/preventing-cramps/",
    "/exercises/",
    "/exercises/calf-stretch-wall/",
    "/references/",
    "/search/?q=calf",
    "/api/v1/exercises",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def wrk(url: str, seconds: int, connections: int, threads: int) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses\n{out}")
    return rps, p99.group(1) if p99 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--url", action="append", dest="urls")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    data = tempfile.mkdtemp(prefix="crampcare-bench-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CRAMPCARE_DATA_DIR"] = data
    subprocess.run([BIN / "crampcare", "migrate", "-v", "0"], env=env, check=True)
    owner = (
        "from crampcare.accounts.models import User;"
        "User.objects.create_user('bench@example.org', 'bench-password-long')"
    )
    subprocess.run([BIN / "crampcare", "manage", "shell", "-c", owner], env=env, check=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [BIN / "crampcare", "serve", "--port", str(port), "--no-migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base)
        run = (args.seconds, args.connections, args.threads)
        baseline, baseline_p99 = wrk(base + "/healthz", *run)
        print("| URL | req/s | p99 | ratio to /healthz |\n|---|---:|---:|---:|")
        print(f"| /healthz (baseline) | {baseline:,.0f} | {baseline_p99} | 1.00 |")
        for path in args.urls or DEFAULT_URLS:
            rps, p99 = wrk(base + path, *run)
            print(f"| {path} | {rps:,.0f} | {p99} | {rps / baseline:.2f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
