"""The load proof in its short form: `groundwork serve --workers 2` on this run's database
(SQLite, then PostgreSQL with --postgres), learners over loopback, and the database checked
against every acknowledged write. bench/load_proof.py runs the full size."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from app.config import ROOT

TESTS = Path(__file__).resolve().parent
COURSES = [
    TESTS / "learning" / "fixtures" / "courses" / "journey-course",  # a module to mark done
    TESTS / "exercises" / "fixtures" / "courses" / "data-course",
]
LEARNERS = 16


def test_learners_under_load_lose_nothing(engine, empty_database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    content = tmp_path / "content"
    for course in COURSES:
        shutil.copytree(course, content / course.name)
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_proof.py"),
            "--learners",
            str(LEARNERS),
            "--seconds",
            "3",
            "--workers",
            "2",
            "--database-url",
            empty_database_url,
            "--content-dir",
            str(content),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "load proof: passed" in out
    # Every learner got through every step, the probe learner's sign-up included.
    counts = dict(
        (what, int(n))
        for n, what in re.findall(
            r"(\d+) (sign-ups|double-submitted answers|double-submitted reflections|marked done)",
            out,
        )
    )
    assert counts == {
        "sign-ups": LEARNERS + 1,
        "double-submitted answers": LEARNERS,
        "double-submitted reflections": LEARNERS,
        "marked done": LEARNERS,
    }, out
    assert re.search(r"2 workers, \d+ learners, .* requests/s, p50 \d+ ms, p99 \d+ ms", out)
