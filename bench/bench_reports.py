"""Staff report times on a generated SQLite database (20,000 enrollments by default).

Run: .venv/bin/python bench/bench_reports.py [--enrollments 20000 --repeat 20]

Builds a fresh database under a temporary folder with the bundled courses synced, 40
organizations, one learner per enrollment split over the two courses, random progress,
completions, certificates, exercise attempts and feedback surveys. Then times, per report,
the service function (queries + table) and the whole page or CSV through the app (routing,
auth, session, render), as an all-organization admin and as one-organization staff.
Exits 1 when the overview page's p50 misses the goal.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("GROUNDWORK_SECRET_KEY", "bench-secret-key")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app import activities, models  # noqa: E402,F401
from app.accounts.models import Organization, User  # noqa: E402
from app.certificates.models import Certificate  # noqa: E402
from app.config import ROOT, get_settings  # noqa: E402
from app.content.models import ActivityRecord, CourseRecord  # noqa: E402
from app.content.registry import build_registry  # noqa: E402
from app.content.sync import sync_courses  # noqa: E402
from app.db import make_engine, metadata  # noqa: E402
from app.exercises.models import ExerciseAttempt  # noqa: E402
from app.learning.models import Enrollment  # noqa: E402
from app.reports import service  # noqa: E402
from app.reports import summary_store as summaries  # noqa: E402
from app.reports.filters import ReportFilters  # noqa: E402
from app.security.passwords import hash_password  # noqa: E402
from app.surveys.models import SurveyAnswer, SurveyResponse  # noqa: E402

GOAL_MS = 250.0
JOB_ROLES = ["teacher"] * 6 + ["instructional_coach", "principal", "district_leader", "other"]


def _populate(session: Session, n: int, seed: int = 7) -> None:
    """Insert the generated learners, enrollments and their work in bulk."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    session.execute(
        insert(Organization),
        [
            {"name": f"District {i:02d}", "name_key": f"district {i:02d}", "created_at": now}
            for i in range(40)
        ],
    )
    org_ids = list(session.exec(select(Organization.id)).all())
    pw = hash_password("bench password")
    session.execute(
        insert(User),
        [
            {
                "email": f"learner{i}@bench.invalid",
                "display_name": f"Learner {i:05d}",
                "password_hash": pw,
                "role": "learner",
                "job_role": rng.choice(JOB_ROLES),
                "created_at": now,
                "password_changed_at": now,
                "organization_id": rng.choice(org_ids) if rng.random() < 0.95 else None,
            }
            for i in range(n)
        ],
    )
    user_ids = list(session.exec(select(User.id).order_by(User.id)).all())
    courses = list(session.exec(select(CourseRecord.id)).all())
    rows = []
    for i, user_id in enumerate(user_ids):
        percent = rng.choice([0, 0, 14, 28, 42, 57, 71, 85, 100, 100])
        enrolled = now - timedelta(days=rng.randint(0, 400))
        rows.append(
            {
                "user_id": user_id,
                "course_id": courses[i % len(courses)],
                "cohort": rng.choice([None, None, "fall-2025", "spring-2026", "summer-2026"]),
                "enrolled_at": enrolled,
                "percent": percent,
                "completed_at": enrolled + timedelta(days=20) if percent == 100 else None,
                "last_activity_at": now - timedelta(days=rng.randint(0, 120)),
                "active": rng.random() > 0.02,
                "last_module_id": None,
                "unenrolled_at": None,
            }
        )
    session.execute(insert(Enrollment), rows)
    enrollments = session.exec(
        select(Enrollment.id, Enrollment.course_id, Enrollment.user_id, Enrollment.percent)
    ).all()
    exercises: dict[int, list[int]] = {}
    for activity_id, course_id in session.exec(
        select(ActivityRecord.id, ActivityRecord.course_id).where(ActivityRecord.kind == "exercise")
    ):
        exercises.setdefault(course_id, []).append(activity_id or 0)
    attempts, certificates, responses = [], [], []
    for enrollment_id, course_id, user_id, percent in enrollments:
        for activity_id in exercises.get(course_id, [])[: percent // 10]:
            tries = rng.choice([[True], [True], [False, True], [False, False, False]])
            for number, correct in enumerate(tries, start=1):
                attempts.append(
                    {
                        "enrollment_id": enrollment_id,
                        "activity_id": activity_id,
                        "content_hash": "bench",
                        "raw_answer": "42",
                        "variant": "",
                        "normalized_answer": "42",
                        "score": 1.0 if correct else 0.0,
                        "correct": correct,
                        "number": number,
                        "final": correct or number == 3,
                        "submission_key": f"k{number}",
                        "created_at": now,
                    }
                )
        if percent == 100:
            responses.append(
                {
                    "enrollment_id": enrollment_id,
                    "course_id": course_id,
                    "comment": "Useful." if rng.random() < 0.3 else None,
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                }
            )
            if rng.random() < 0.8:
                certificates.append(
                    {
                        "code": f"BENCH-{enrollment_id:08d}",
                        "enrollment_id": enrollment_id,
                        "user_id": user_id,
                        "course_id": course_id,
                        "name": "Name",
                        "course_title": "Course",
                        "hours": 6,
                        "completed_at": now,
                        "issued_at": now,
                    }
                )
    for start in range(0, len(attempts), 20_000):
        session.execute(insert(ExerciseAttempt), attempts[start : start + 20_000])
    session.execute(insert(Certificate), certificates)
    session.execute(insert(SurveyResponse), responses)
    items = ["engaging", "affect_work", "share", "use_now"]
    answers = [
        {"response_id": rid, "item_id": item, "value": rng.choice([2, 3, 4, 4, 5, 5])}
        for rid in session.exec(select(SurveyResponse.id)).all()
        for item in items
    ]
    session.execute(insert(SurveyAnswer), answers)
    session.commit()
    print(
        f"generated {len(enrollments):,} enrollments, {len(attempts):,} exercise attempts, "
        f"{len(certificates):,} certificates, {len(responses):,} survey responses"
    )


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    q = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
    return statistics.median(times), q[18]


def main() -> int:
    """Print p50/p95 per report; return 1 when the overview page misses its goal."""
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
            started = time.perf_counter()
            rows = summaries.rebuild(session)
            session.commit()
            print(f"summaries rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
            pw = hash_password("bench password")
            admin = User(email="admin@bench.invalid", display_name="A", password_hash=pw)
            admin.role = "admin"
            one_org = User(
                email="staff@bench.invalid",
                display_name="S",
                password_hash=pw,
                role="staff",
                staff_organization_id=1,
            )
            session.add_all([admin, one_org])
            session.commit()
            print(f"{'service function':44s} {'p50 ms':>8s} {'p95 ms':>8s}")
            for who, staff in (("admin", admin), ("one-org staff", one_org)):
                for name in service.REPORTS:
                    p50, p95 = _time(
                        lambda staff=staff, name=name: service.report_table(
                            session,
                            staff=staff,
                            name=name,
                            filters=ReportFilters(),
                            courses=registry.courses,
                            min_n=10,
                        ),
                        args.repeat,
                    )
                    print(f"{name + ', ' + who:44s} {p50:8.1f} {p95:8.1f}")
        return _http(engine, args.repeat)


def _http(engine, repeat: int) -> int:  # type: ignore[no-untyped-def]
    from app.main import create_app

    get_settings.cache_clear()
    app = create_app(get_settings(), engine)
    failed = False
    print(f"\n{'whole request (TestClient, one process)':44s} {'p50 ms':>8s} {'p95 ms':>8s}")
    with TestClient(app) as client:
        for email in ("admin@bench.invalid", "staff@bench.invalid"):
            client.cookies.clear()
            client.get("/login")
            from app.security.csrf import CSRF_COOKIE, token_for

            token = token_for(client.cookies[CSRF_COOKIE])
            response = client.post(
                "/login",
                data={"email": email, "password": "bench password", "csrf_token": token},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text[:300]
            for url in (
                "/staff/reports",
                "/staff/reports?course=data-for-liberation&job_role=teacher",
                "/staff/reports/exercises",
                "/staff/reports/feedback",
                "/staff/reports/overview.csv",
                "/staff/reports/enrollments.csv",
            ):
                p50, p95 = _time(lambda url=url: client.get(url).raise_for_status(), repeat)
                print(f"{url[:36] + ' ' + email.split('@')[0]:44s} {p50:8.1f} {p95:8.1f}")
                if url == "/staff/reports" and p50 > GOAL_MS:
                    failed = True
    print(f"goal: overview page p50 under {GOAL_MS:.0f} ms" + (" — MISSED" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
