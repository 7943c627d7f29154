"""Time ``groundwork demo seed`` at several sizes on a fresh database each.

Run: .venv/bin/python bench/bench_seed.py [--learners 10000 100000 1000000] [--postgres]

Each size gets a new SQLite file in a temporary folder, or with --postgres a new database on
a throwaway PostgreSQL server that the script starts (tests/pg_server.py) and removes.
Prints, per size, the seconds, learners and rows per second, and the rows per table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("GROUNDWORK_SECRET_KEY", "bench-secret-key")

from app import activities, models  # noqa: F401
from app.config import ROOT, get_settings
from app.content.registry import build_registry
from app.content.sync import sync_courses
from app.db import make_engine, metadata
from app.demo.cli import seed_district
from app.demo.seed import SeedOptions

ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)


def run(url: str, learners: int) -> None:
    engine = make_engine(url)
    metadata.create_all(engine)
    try:
        courses = build_registry(ROOT / "course_content").published()
        sync_courses(engine, courses)
        started = time.perf_counter()
        report = seed_district(
            engine,
            courses,
            options=SeedOptions(learners=learners, anchor=ANCHOR, seed=1),
            password="bench password",
            settings=get_settings(),
        )
        seconds = time.perf_counter() - started
        rows = sum(report.rows.values())
        print(
            f"{engine.dialect.name:10s} {learners:>9,} learners {report.enrollments:>9,} "
            f"enrollments {rows:>11,} rows {seconds:8.1f} s "
            f"{learners / seconds:>8,.0f} learners/s {rows / seconds:>9,.0f} rows/s",
            flush=True,
        )
        print("    " + ", ".join(f"{k} {v:,}" for k, v in report.rows.items()), flush=True)
        if engine.dialect.name == "sqlite" and engine.url.database:
            size = Path(engine.url.database).stat().st_size
            print(f"    database file {size / 1e6:,.0f} MB", flush=True)
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL")
    args = parser.parse_args()
    if args.postgres:
        return _on_postgres(args.learners)
    for learners in args.learners:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'seed.db'}", learners)
    return 0


def _on_postgres(sizes: list[int]) -> int:
    import psycopg

    sys.path.insert(0, str(ROOT))  # tests/ is not installed: the throwaway server lives there
    from tests.pg_server import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        print(f"PostgreSQL is not available: {exc}", file=sys.stderr)
        return 2
    server.start()
    try:
        for number, learners in enumerate(sizes):
            name = f"seed{number}"
            admin = server.url("postgres").replace("+psycopg", "")
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f"CREATE DATABASE {name}")
            run(server.url(name), learners)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
