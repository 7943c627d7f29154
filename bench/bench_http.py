"""Whole-stack HTTP throughput: uvicorn workers (uvloop + httptools) on SQLite, load from wrk.

Run: .venv/bin/python bench/bench_http.py [--workers 2] [--seconds 8] [--connections 16]
Needs Debian's `wrk` (apt-get install wrk). Prints requests/s and latency percentiles for
public and logged-in pages. The load generator shares the machine's cores with the server,
so compare pages with each other (ratios) within one run, not across machines.
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
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COURSE = "data-for-liberation"
MODULE = "look-beneath-the-average"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wrk(url: str, cookie: str, seconds: int, connections: int) -> dict[str, str]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+(\S+)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps.group(1) if rps else "?",
        "p50": p50.group(1) if p50 else "?",
        "p99": p99.group(1) if p99 else "?",
        "errors": non2xx.group(1) if non2xx else "0",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    env = {
        **os.environ,
        "GROUNDWORK_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "GROUNDWORK_SECRET_KEY": os.urandom(48).hex(),  # production refuses a weak key
        "GROUNDWORK_ENVIRONMENT": "production",
        "GROUNDWORK_NEW_PASSWORD": "bench password 1",
    }
    subprocess.run([BIN / "groundwork", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [BIN / "groundwork", "users", "create", "--email", "bench@example.org", "--name", "Bench"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [BIN / "groundwork", "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert csrf
            form = {
                "csrf_token": csrf.group(1),
                "email": "bench@example.org",
                "password": "bench password 1",
            }
            assert client.post("/login", data=form).status_code == 303
            client.post(f"/courses/{COURSE}/enroll", data={"csrf_token": csrf.group(1)})
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            module = client.get(f"/courses/{COURSE}/modules/{MODULE}")
            assert module.status_code == 200, module.status_code
            pages = [
                ("/healthz (one SELECT 1)", "/healthz", ""),
                ("/login (anonymous form)", "/login", ""),
                ("/courses (catalog)", "/courses", ""),
                ("/courses/<slug> (course page)", f"/courses/{COURSE}", ""),
                ("/me (dashboard, logged in)", "/me", cookie),
                (
                    "module page with explorers (logged in)",
                    f"/courses/{COURSE}/modules/{MODULE}",
                    cookie,
                ),
            ]
            with httpx.Client(base_url=base, timeout=10) as anonymous:
                sizes = {
                    path: len((client if page_cookie else anonymous).get(path).content)
                    for _, path, page_cookie in pages
                }
        print(f"workers={args.workers} connections={args.connections} seconds={args.seconds}")
        print(f"{'page':45} {'bytes':>7} {'req/s':>9} {'p50':>9} {'p99':>9} {'non-2xx':>8}")
        for label, path, page_cookie in pages:
            r = _wrk(base + path, page_cookie, args.seconds, args.connections)
            figures = f"{r['rps']:>9} {r['p50']:>9} {r['p99']:>9} {r['errors']:>8}"
            print(f"{label:45} {sizes[path]:>7} {figures}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
