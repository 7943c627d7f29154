"""JSON API times on a generated SQLite database (the data of bench_reports.py).

Run: .venv/bin/python bench/bench_api.py [--enrollments 20000 --repeat 20]

Times through the app in one process (TestClient): a public catalog request (no token), a
token request (each counts its use in the database), the enrollment export paged through
with ``limit=500``, and one report as JSON next to the same report as CSV.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reports import _populate
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.api import tokens
from app.config import ROOT, get_settings
from app.content.registry import build_registry
from app.content.sync import sync_courses
from app.db import make_engine, metadata
from app.security.csrf import CSRF_COOKIE, token_for
from app.security.passwords import hash_password


def _times(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrollments", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        metadata.create_all(engine)
        registry = build_registry(ROOT / "course_content")
        sync_courses(engine, list(registry.courses.values()))
        with Session(engine) as session:
            _populate(session, args.enrollments)
            admin = User(
                email="admin@bench.invalid",
                display_name="A",
                password_hash=hash_password("bench password", settings=get_settings()),
            )
            admin.role = Role.admin
            session.add(admin)
            session.commit()
            _, raw = tokens.create_token(
                session,
                owner=admin,
                name="bench",
                scopes=["read:me", "read:enrollments", "read:reports"],
                expires_days=None,
                created_by=admin,
            )
        get_settings.cache_clear()
        settings = get_settings()
        settings.api_requests_per_minute = 10**9
        from app.main import create_app

        app = create_app(settings, engine)
        auth = {"Authorization": f"Bearer {raw}"}
        with TestClient(app) as client:

            def page_through() -> int:
                rows, cursor = 0, None
                while True:
                    params = {"limit": "500", **({"cursor": cursor} if cursor else {})}
                    body = client.get("/api/v1/enrollments", headers=auth, params=params).json()
                    rows += len(body["data"])
                    cursor = body["next_cursor"]
                    if cursor is None:
                        return rows

            print(
                f"{args.enrollments:,} enrollments; {'request':48s} {'p50 ms':>8s} {'p95 ms':>8s}"
            )
            cases = {
                "GET /api/v1/courses (public)": lambda: client.get("/api/v1/courses"),
                "GET /api/v1/me/enrollments (token)": lambda: client.get(
                    "/api/v1/me/enrollments", headers=auth
                ),
                "GET /api/v1/enrollments?limit=500 (first page)": lambda: client.get(
                    "/api/v1/enrollments", headers=auth, params={"limit": "500"}
                ),
                "GET /api/v1/reports/overview": lambda: client.get(
                    "/api/v1/reports/overview", headers=auth
                ),
            }
            for name, fn in cases.items():
                p50, p95 = _times(fn, args.repeat)
                print(f"{name:66s} {p50:8.1f} {p95:8.1f}")
            start = time.perf_counter()
            rows = page_through()
            seconds = time.perf_counter() - start
            print(
                f"all enrollments, paged by 500: {rows:,} rows in {seconds:.2f} s "
                f"({rows / seconds:,.0f} rows/s)"
            )
            client.get("/login")
            csrf = token_for(client.cookies[CSRF_COOKIE])
            form = {"email": "admin@bench.invalid", "password": "bench password"}
            client.post("/login", data={**form, "csrf_token": csrf})
            p50, p95 = _times(lambda: client.get("/staff/reports/overview.csv"), args.repeat)
            name = "GET /staff/reports/overview.csv (same figures)"
            print(f"{name:66s} {p50:8.1f} {p95:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
