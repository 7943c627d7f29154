"""Learner pages against the stack's ceiling: Groundwork and a bare app serving the same bytes.

Run: make bench-http   (or .venv/bin/python bench/bench_ceiling.py [--seconds 5] [--rounds 2])

For SQLite, then PostgreSQL (a throwaway server, when Debian's `postgresql` is installed),
it starts `groundwork serve --workers 1` with production settings, logs a learner in,
enrolls them and answers nothing, then saves each page's exact bytes. Beside it runs
`bench/ceiling_app.py`: a bare async FastAPI route in the same venv serving those bytes.
wrk loads them in turns, A-B-A-B (Groundwork, ceiling, Groundwork, ceiling), so both see
the same machine noise. It prints, per page: bytes, requests/s of each, the ratio, p50 and
p99 of Groundwork, and errors (non-2xx or socket errors). Then start-up time to the first
200 on /healthz and the worker's resident memory after 1,000 module pages.
Needs Debian's `wrk`. The load generator shares the 2 cores with the server: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
COURSE = "data-for-liberation"
MODULE = "look-beneath-the-average"
EXPLORE = "absence-by-group"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Run:
    rps: float
    p50: str
    p99: str
    errors: int


def _wrk(url: str, cookie: str, seconds: int, connections: int) -> Run:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+(\S+)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        errors += sum(int(g) for g in sock.groups())
    return Run(
        rps=float(rps.group(1)) if rps else 0.0,
        p50=p50.group(1) if p50 else "?",
        p99=p99.group(1) if p99 else "?",
        errors=errors,
    )


def _wait_ok(url: str, deadline_s: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {deadline_s} s")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _login(base: str) -> tuple[str, dict[str, str]]:
    """Log the bench learner in and enroll them; returns the cookie header and page paths."""
    with httpx.Client(base_url=base, timeout=10) as client:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert csrf
        token = csrf.group(1)
        form = {"csrf_token": token, "email": "bench@example.org", "password": "bench password 1"}
        assert client.post("/login", data=form).status_code == 303
        client.post(f"/courses/{COURSE}/enroll", data={"csrf_token": token})
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    pages = {
        "/healthz": "",
        "/courses": "",
        f"/courses/{COURSE}": cookie,
        "/me": cookie,
        "/me/journal": cookie,
        f"/courses/{COURSE}/modules/{MODULE}": cookie,
        f"/courses/{COURSE}/explore/{EXPLORE}": cookie,
    }
    return cookie, pages


def _bench_database(label: str, database_url: str, args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="gw-ceiling-"))
    env = {
        **os.environ,
        "GROUNDWORK_DATABASE_URL": database_url,
        "GROUNDWORK_SECRET_KEY": os.urandom(48).hex(),  # production refuses a weak key
        "GROUNDWORK_ENVIRONMENT": "production",
        "GROUNDWORK_NEW_PASSWORD": "bench password 1",
    }
    run = {"env": env, "check": True, "capture_output": True}
    subprocess.run([BIN / "groundwork", "db", "upgrade"], **run)  # type: ignore[call-overload]
    subprocess.run(  # type: ignore[call-overload]
        [BIN / "groundwork", "users", "create", "--email", "bench@example.org", "--name", "B"],
        **run,
    )
    port, ceiling_port = _free_port(), _free_port()
    base, ceiling = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ceiling_port}"
    started = time.monotonic()
    server = subprocess.Popen(
        [BIN / "groundwork", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bare: subprocess.Popen[bytes] | None = None
    try:
        _wait_ok(base + "/healthz")
        start_s = time.monotonic() - started
        cookie, pages = _login(base)
        index: dict[str, str] = {}
        sizes: dict[str, int] = {}
        with httpx.Client(base_url=base, timeout=10) as client:
            for number, (path, page_cookie) in enumerate(pages.items()):
                response = client.get(path, headers={"Cookie": page_cookie} if page_cookie else {})
                assert response.status_code == 200, (path, response.status_code)
                (tmp / f"{number}.html").write_bytes(response.content)
                index[path] = f"{number}.html"
                sizes[path] = len(response.content)
        (tmp / "index.json").write_text(json.dumps(index))
        bare = subprocess.Popen(
            [BIN / "uvicorn", "ceiling_app:app", "--port", str(ceiling_port), "--no-access-log"]
            + ["--loop", "uvloop", "--http", "httptools", "--log-level", "warning"],
            env={**env, "CEILING_PAGES": str(tmp)},
            cwd=ROOT / "bench",
        )
        _wait_ok(ceiling + "/healthz")
        print(f"\n## {label}: 1 worker, wrk -t2 -c{args.connections}, {args.seconds} s a run,")
        print(f"## A-B x{args.rounds} (Groundwork, ceiling)\n")
        print("| page | bytes | req/s | ceiling req/s | ratio | p50 | p99 | errors |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for path, page_cookie in pages.items():
            ours: list[Run] = []
            theirs: list[Run] = []
            for _ in range(args.rounds):
                ours.append(_wrk(base + path, page_cookie, args.seconds, args.connections))
                theirs.append(_wrk(ceiling + path, "", args.seconds, args.connections))
            rps = sum(r.rps for r in ours) / len(ours)
            top = sum(r.rps for r in theirs) / len(theirs)
            last = ours[-1]
            errors = sum(r.errors for r in ours)
            print(
                f"| `{path}` | {sizes[path]:,} | {rps:,.0f} | {top:,.0f} | {rps / top:.2f} "
                f"| {last.p50} | {last.p99} | {errors} |"
            )
        module = f"/courses/{COURSE}/modules/{MODULE}"
        with httpx.Client(base_url=base, timeout=10, headers={"Cookie": cookie}) as client:
            for _ in range(1000):
                client.get(module)
        print(f"\nstart to first 200 on /healthz: {start_s:.2f} s")
        print(
            f"resident memory of the worker after 1,000+ module pages: {_rss_mb(server.pid):.0f} MB"
        )
    finally:
        for process in (server, bare):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    if args.only in (None, "sqlite"):
        folder = Path(tempfile.mkdtemp(prefix="gw-ceiling-db-"))
        try:
            _bench_database("SQLite", f"sqlite:///{folder / 'bench.db'}", args)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if args.only in (None, "postgresql"):
        from tests.pg_server import PostgresServer, PostgresUnavailable

        try:
            pg = PostgresServer()
        except PostgresUnavailable as exc:
            print(f"\nPostgreSQL skipped: {exc}")
            return 0
        pg.start()
        try:
            import psycopg

            with psycopg.connect(pg.url("postgres").replace("+psycopg", ""), autocommit=True) as c:
                c.execute("CREATE DATABASE bench")
            _bench_database("PostgreSQL", pg.url("bench"), args)
        finally:
            pg.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
