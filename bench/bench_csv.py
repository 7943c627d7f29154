"""Streaming the enrollment-level CSV: rows per second and the server's resident memory.

Run: .venv/bin/python bench/bench_csv.py [--rows 1000000] [--database-url URL [--filled]]

Fills a fresh database (a temporary SQLite file, or the given PostgreSQL database, which
must be empty) with N learners of one organization, each enrolled in the bundled course,
every seventh completed with a certificate: Core bulk inserts, about 50,000 rows per
statement batch, then ANALYZE. Then starts a real server (uvicorn with uvloop and
httptools, one worker, in its own process), logs in as an admin, and downloads
``/staff/reports/enrollments.csv`` with a streaming client while a thread samples the
server's resident memory (VmRSS) every 20 ms. Idle is the server's RSS after logging in
and one warm-up download of a small CSV.

Prints rows/s (rows ÷ time from request to last byte), the time to the first byte, and
the peak RSS growth over idle. Exits 1 when a goal is missed (≥ 150,000 rows/s; growth
within 50 MB at 1,000,000 rows).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, text
from sqlmodel import Session

from app import activities, models  # noqa: F401
from app.accounts.models import Organization, User
from app.certificates.models import Certificate
from app.config import ROOT
from app.content.registry import build_registry
from app.content.sync import course_record_id, sync_courses
from app.db import make_engine, metadata
from app.learning.models import Enrollment
from app.security.passwords import hash_password

GOAL_ROWS_PER_S = 150_000
GOAL_RSS_MB = 50
COURSE = "data-for-liberation"
PASSWORD = "bench password"
BATCH = 50_000


def _fill(url: str, n: int) -> None:
    """The course rows, one organization, an admin, and ``n`` enrolled learners."""
    engine = make_engine(url)
    metadata.create_all(engine)
    registry = build_registry(ROOT / "course_content")
    sync_courses(engine, list(registry.courses.values()))
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with Session(engine) as session:
        course_id = course_record_id(session, course_slug=COURSE)
        org = Organization(name="Bench District", name_key="bench district")
        admin = User(
            email="admin@bench.invalid",
            display_name="Admin",
            password_hash=hash_password(PASSWORD),
            role="admin",
        )
        session.add_all([org, admin])
        session.commit()
        began = time.perf_counter()
        for first in range(0, n, BATCH):
            ids = range(first, min(n, first + BATCH))
            session.execute(
                insert(User),
                [
                    {
                        "id": 10 + i,
                        "email": f"learner{i}@bench.invalid",
                        "display_name": f"Learner {i:07d}",
                        "password_hash": "!",
                        "role": "learner",
                        "job_role": "teacher",
                        "organization_id": org.id,
                        "created_at": start,
                        "password_changed_at": start,
                    }
                    for i in ids
                ],
            )
            session.execute(
                insert(Enrollment),
                [
                    {
                        "id": 10 + i,
                        "user_id": 10 + i,
                        "course_id": course_id,
                        "cohort": f"cohort-{i % 40}" if i % 3 else None,
                        "active": True,
                        "enrolled_at": start + timedelta(seconds=i),
                        "percent": 100 if i % 7 == 0 else i % 100,
                        "completed_at": start + timedelta(days=3, seconds=i)
                        if i % 7 == 0
                        else None,
                        "updated_at": start,
                    }
                    for i in ids
                ],
            )
            session.execute(
                insert(Certificate),
                [
                    {
                        "code": f"BNCH-{i:07d}",
                        "enrollment_id": 10 + i,
                        "user_id": 10 + i,
                        "course_id": course_id,
                        "name": f"Learner {i:07d}",
                        "course_title": "Course",
                        "hours": 6,
                        "completed_at": start,
                        "issued_at": start,
                    }
                    for i in ids
                    if i % 7 == 0
                ],
            )
            session.commit()
        # Statistics after a bulk load (DESIGN.md), on both databases: without them SQLite
        # reads the export through the course index and sorts it instead of scanning in order.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        print(f"filled {n:,} enrollments in {time.perf_counter() - began:.1f} s", flush=True)
    engine.dispose()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        GROUNDWORK_DATABASE_URL=url,
        GROUNDWORK_SECRET_KEY="bench-secret-key",
        GROUNDWORK_WEBHOOK_DELIVERY="worker",
    )
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(port)]
    command += ["--loop", "uvloop", "--http", "httptools", "--log-level", "warning"]
    return subprocess.Popen(command, env=env, cwd=ROOT)


def _log_in(client: httpx.Client) -> None:
    for _ in range(200):
        try:
            form = client.get("/login")
            break
        except httpx.TransportError:
            time.sleep(0.1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/login",
        data={"email": "admin@bench.invalid", "password": PASSWORD, "csrf_token": token[1]},
    )
    assert response.status_code == 303, response.status_code


def _download(client: httpx.Client, pid: int) -> tuple[int, float, float, float]:
    """(rows, seconds to the last byte, seconds to the first byte, peak RSS in MB)."""
    peak = _rss_mb(pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = 0
    first_byte = 0.0
    began = time.perf_counter()
    with client.stream("GET", "/staff/reports/enrollments.csv") as response:
        response.raise_for_status()
        for chunk in response.iter_raw(1 << 16):
            if not first_byte:
                first_byte = time.perf_counter() - began
            lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - began
    done.set()
    sampler.join()
    return lines - 1, elapsed, first_byte, peak


def main() -> int:
    """Fill, serve, stream, print the figures; 1 when a goal is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="", help="an EMPTY database (default: SQLite)")
    parser.add_argument(
        "--filled", action="store_true", help="the database was filled by an earlier run"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if not args.filled:
            _fill(url, args.rows)
        port = _free_port()
        server = _serve(url, port)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
                _log_in(client)
                client.get("/staff/reports/overview.csv").raise_for_status()  # warm-up
                time.sleep(1)
                idle = _rss_mb(server.pid)
                rows, elapsed, first_byte, peak = _download(client, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    rate = rows / elapsed
    growth = peak - idle
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"database: {database}; rows: {rows:,}")
    print(f"time to first byte: {first_byte:.2f} s; to last byte: {elapsed:.2f} s")
    print(f"rows/s: {rate:,.0f} (goal ≥ {GOAL_ROWS_PER_S:,})")
    print(f"server RSS: idle {idle:.0f} MB, peak {peak:.0f} MB, growth {growth:.1f} MB")
    missed = rate < GOAL_ROWS_PER_S or (args.rows >= 1_000_000 and growth > GOAL_RSS_MB)
    if rows != args.rows:
        print(f"WRONG: {rows:,} rows streamed, {args.rows:,} expected")
        return 1
    print("goals: " + ("MISSED" if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
