"""What keeping the report summaries costs each learner action.

Run: .venv/bin/python bench/bench_summary_writes.py [--learners 200 --rounds 2]

On a fresh SQLite database with the bundled courses, learners enroll, open a module, answer
an exercise wrong then right, and open a hint, through the real services. The same work runs
with the summary hooks on and off, alternating (A-B-A-B) so machine noise hits both; it
prints milliseconds per action and the ratio.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("GROUNDWORK_SECRET_KEY", "bench-secret-key")
warnings.filterwarnings("ignore")

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session as OrmSession  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app import activities, models  # noqa: E402,F401
from app.accounts.models import User  # noqa: E402
from app.config import ROOT  # noqa: E402
from app.content.registry import build_registry  # noqa: E402
from app.content.sync import sync_courses  # noqa: E402
from app.db import make_engine, metadata  # noqa: E402
from app.exercises import service as exercises  # noqa: E402
from app.exercises.spec import ExerciseSpec, variant_for  # noqa: E402
from app.learning import service as learning  # noqa: E402
from app.learning.models import ModuleProgress  # noqa: E402
from app.reports.summary_tracking import HOOKS  # noqa: E402

_ids = itertools.count()


def _set_hooks(on: bool) -> None:
    for name, fn in HOOKS:
        if on and not event.contains(OrmSession, name, fn):
            event.listen(OrmSession, name, fn)
        if not on and event.contains(OrmSession, name, fn):
            event.remove(OrmSession, name, fn)


def _journey(session: Session, course, spec: ExerciseSpec) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """One new learner's actions; milliseconds per action."""
    n = next(_ids)
    user = User(email=f"b{n}@bench.invalid", display_name=f"B {n}", password_hash="x")
    session.add(user)
    session.commit()
    times: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        fn()
        times[name] = (time.perf_counter() - t0) * 1000

    timed("enroll", lambda: learning.enroll(session, user=user, course=course))
    enrollment = learning.find_enrollment(session, user=user, course_slug=course.slug)
    assert enrollment is not None
    rows = {
        r.module_id: r
        for r in session.exec(
            select(ModuleProgress).where(ModuleProgress.enrollment_id == enrollment.id)
        )
    }
    timed(
        "visit",
        lambda: learning.record_visit(
            session, enrollment=enrollment, module=course.modules[0], rows=rows
        ),
    )
    key = spec.variant(variant_for(spec, user.id or 0))
    assert key is not None
    right = sorted(key.answer.choice_ids)[0]
    wrong = sorted({c.id for c in key.choices} - key.answer.choice_ids)[0]
    for name, answer in (("wrong answer", wrong), ("right answer", right)):
        timed(
            name,
            lambda answer=answer: exercises.submit_attempt(
                session,
                user=user,
                enrollment=enrollment,
                course=course,
                activity_id=spec.id,
                answer=answer,
                submission_key=f"{n}-{answer}",
            ),
        )
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        metadata.create_all(engine)
        registry = build_registry(ROOT / "course_content")
        sync_courses(engine, list(registry.courses.values()))
        course = registry.courses["data-for-liberation"]
        spec = next(
            b
            for b in course.modules[0].blocks
            if isinstance(b, ExerciseSpec) and b.type == "choice"
        )
        results: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
        with Session(engine, expire_on_commit=False) as session:
            for _ in range(args.rounds):
                for on in (True, False):
                    _set_hooks(on)
                    for _ in range(args.learners):
                        for name, ms in _journey(session, course, spec).items():
                            results[on].setdefault(name, []).append(ms)
            _set_hooks(True)
        print(f"{'action (SQLite)':16s} {'hooks on ms':>12s} {'hooks off ms':>13s} {'ratio':>6s}")
        for name in results[True]:
            on_ms = statistics.median(results[True][name])
            off_ms = statistics.median(results[False][name])
            print(f"{name:16s} {on_ms:12.2f} {off_ms:13.2f} {on_ms / off_ms:6.2f}")
        print(f"(p50 of {args.learners * args.rounds} learners per column)")


if __name__ == "__main__":
    main()
