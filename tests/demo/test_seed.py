"""The demo seed on SQLite and PostgreSQL: stored progress agrees with the app's rules,
graded fields are what the grader gives, the rows of each kind are valid, the same seed
gives the same rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, Table, inspect
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.certificates.service import CODE_ALPHABET, normalize_code
from app.content.models import ActivityRecord, CourseRecord
from app.db import make_engine, metadata, open_session
from app.demo.catalog import DEMO_DOMAIN
from app.demo.writer import COLUMNS
from app.exercises.grading import grade
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.exercises.spec import ExerciseSpec, variant_for
from app.learning.models import Enrollment, ModuleProgress
from app.learning.progress import course_progress, recompute_course
from app.reflections.models import LearnerReflection, ReflectionRevision
from app.reports import summary_store
from app.surveys.models import SurveyAnswer, SurveyResponse
from tests.demo.support import ANCHOR, bundled_courses, seed_small


def test_stored_progress_is_what_the_rules_give(engine: Engine) -> None:
    report = seed_small(engine)
    assert report.enrollments >= 60
    courses = {c.slug: c for c in bundled_courses(engine)}
    with open_session(engine=engine) as session:
        for slug, course in courses.items():
            course_id = session.exec(select(CourseRecord.id).where(CourseRecord.slug == slug)).one()
            assert recompute_course(session, course=course, course_id=course_id) == 0
            assert list(session.new) == []  # no module completion or event to add
            assert [o for o in session.dirty if session.is_modified(o)] == []
        # And each enrollment, measured one by one, has the percent and completion stored.
        states: Counter[str] = Counter()
        for enrollment, slug in session.exec(
            select(Enrollment, CourseRecord.slug).join(
                CourseRecord, col(CourseRecord.id) == Enrollment.course_id
            )
        ):
            progress = course_progress(session, enrollment=enrollment, course=courses[slug])
            assert progress.percent == enrollment.percent
            assert progress.complete == (enrollment.completed_at is not None)
            states[str(progress.complete)] += 1
        assert states["True"] > 0
        assert states["False"] > 0


def test_drop_off_across_modules(engine: Engine) -> None:
    seed_small(engine, learners=300)
    with open_session(engine=engine) as session:
        course = next(c for c in bundled_courses(engine) if c.slug == "data-for-liberation")
        opened = Counter(
            session.exec(
                select(ModuleProgress.module_id).where(
                    col(ModuleProgress.first_viewed_at).is_not(None)
                )
            )
        )
        counts = [opened[m.id] for m in course.modules]
        assert counts[0] > counts[-1] > 0
        assert counts == sorted(counts, reverse=True)


def test_attempts_are_graded_by_the_app(engine: Engine) -> None:
    seed_small(engine)
    specs = {
        b.id: b
        for c in bundled_courses(engine)
        for m in c.modules
        for b in m.activities
        if isinstance(b, ExerciseSpec)
    }
    with open_session(engine=engine) as session:
        rows = session.exec(
            select(ExerciseAttempt, ActivityRecord.stable_id, Enrollment.user_id)
            .join(ActivityRecord, col(ActivityRecord.id) == ExerciseAttempt.activity_id)
            .join(Enrollment, col(Enrollment.id) == ExerciseAttempt.enrollment_id)
            .order_by(col(ExerciseAttempt.id))
        ).all()
        assert rows
        per_exercise: dict[tuple[int, int], list[ExerciseAttempt]] = defaultdict(list)
        wrong = 0
        for attempt, stable_id, user_id in rows:
            spec = specs[stable_id]
            assert attempt.variant == variant_for(spec, user_id)
            raw = attempt.raw_answer
            # The app stores a multiple answer's ids joined by commas.
            answer = raw.split(",") if spec.type == "multi" else raw
            result = grade(spec, answer, attempt.variant)
            assert result.counts_as_attempt
            assert (result.correct, result.score, result.normalized) == (
                attempt.correct,
                attempt.score,
                attempt.normalized_answer,
            )
            assert attempt.content_hash == spec.content_hash
            wrong += not attempt.correct
            per_exercise[(attempt.enrollment_id, attempt.activity_id)].append(attempt)
        assert 0 < wrong < len(rows)
        states = {(s.enrollment_id, s.activity_id): s for s in session.exec(select(ExerciseState))}
        for key, attempts in per_exercise.items():
            assert [a.number for a in attempts] == list(range(1, len(attempts) + 1))
            finals = [a.final for a in attempts]
            assert finals.count(True) <= 1
            assert not any(finals) or finals[-1]
            assert all(not a.correct for a in attempts[:-1])  # nothing after a right answer
            assert key in states  # the app keeps a state row beside every attempt
        assert any(s.hints_revealed > 0 for s in states.values())


def test_certificates_surveys_and_reflections_are_valid(engine: Engine) -> None:
    seed_small(engine, learners=200)
    courses = {c.slug: c for c in bundled_courses(engine)}
    with open_session(engine=engine) as session:
        enrollments = {e.id: e for e in session.exec(select(Enrollment))}
        slugs = dict(session.exec(select(CourseRecord.id, CourseRecord.slug)).all())
        certificates = list(session.exec(select(Certificate)))
        assert certificates
        assert len({c.code for c in certificates}) == len(certificates)
        for cert in certificates:
            assert normalize_code(cert.code) == cert.code
            assert set(cert.code.replace("-", "")) <= set(CODE_ALPHABET)
            enrollment = enrollments[cert.enrollment_id]
            course = courses[slugs[cert.course_id]]
            assert enrollment.completed_at == cert.completed_at
            assert (cert.user_id, cert.course_id) == (enrollment.user_id, enrollment.course_id)
            assert (cert.course_title, cert.hours) == (course.title, course.hours)
            assert cert.completed_at <= cert.issued_at <= ANCHOR
            assert cert.revoked_at is None
        responses = list(session.exec(select(SurveyResponse)))
        assert responses
        answers = Counter(a.response_id for a in session.exec(select(SurveyAnswer)))
        values = set(session.exec(select(SurveyAnswer.value)))
        assert values <= {1, 2, 3, 4, 5}
        assert {4, 5} <= values
        for response in responses:
            course = courses[slugs[response.course_id]]
            assert course.survey is not None
            assert answers[response.id] == len(course.survey.items)
            assert response.submitted_at is not None
            assert response.submitted_at <= ANCHOR
            enrollment = enrollments[response.enrollment_id]
            progress = course_progress(session, enrollment=enrollment, course=course)
            assert progress.completed_modules == progress.total_modules
        assert any(r.comment for r in responses)
        assert any(r.comment is None for r in responses)
        revisions = Counter(r.reflection_id for r in session.exec(select(ReflectionRevision)))
        reflections = list(session.exec(select(LearnerReflection)))
        shared = [r for r in reflections if r.shared]
        assert 0 < len(shared) < len(reflections) / 2  # most stay private
        for reflection in reflections:
            assert revisions[reflection.id] == reflection.revision_count
            assert (reflection.shared_at is not None) == reflection.shared
            if reflection.revision_count:
                assert reflection.draft_text == ""
                assert reflection.last_submitted_at is not None
            else:
                assert reflection.draft_text
                assert reflection.first_submitted_at is None
        latest = max(e.updated_at for e in enrollments.values())
        assert latest <= ANCHOR
        earliest = min(e.enrolled_at for e in enrollments.values())
        assert ANCHOR - earliest > timedelta(days=300)  # about eighteen months of history


def test_demo_accounts_are_recognisable(engine: Engine) -> None:
    report = seed_small(engine)
    with open_session(engine=engine) as session:
        users = list(session.exec(select(User)))
    assert all(u.email.endswith("@" + DEMO_DOMAIN) for u in users)
    roles = Counter(u.role for u in users)
    assert roles["admin"] == 1
    assert roles["staff"] == 3
    assert roles["learner"] == 60
    scoped = [u for u in users if u.role == "staff" and u.staff_organization_id is not None]
    assert len(scoped) == 2
    assert {login.email for login in report.logins} == {
        u.email for u in users if u.role != "learner"
    }
    learner_hashes = {u.password_hash for u in users if u.role == "learner"}
    assert len(learner_hashes) == 1  # hashed once
    assert len(Counter(u.job_role for u in users if u.role == "learner")) >= 3
    cohorts = {e for e in _column(engine, Enrollment, "cohort")}
    assert None in cohorts
    assert len(cohorts) > 2


def _column(engine: Engine, model: Any, name: str) -> list[Any]:
    with Session(engine) as session:
        return list(session.exec(select(getattr(model, name))))


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the seed writes, in id order, without the (salted) password hashes."""
    found = {}
    with engine.connect() as connection:
        for name in COLUMNS:
            table = metadata.tables[name]
            assert isinstance(table, Table)
            columns = [c for c in table.columns if c.name != "password_hash"]
            rows = connection.execute(select(*columns).order_by(table.c.id)).all()
            found[name] = [tuple(r) for r in rows]
    return found


def test_same_seed_same_rows(engine: Engine, empty_database_url: str) -> None:
    seed_small(engine, learners=40, seed=11)
    other = make_engine(empty_database_url)
    try:
        metadata.create_all(other)
        seed_small(other, learners=40, seed=11)
        first, second = _dump(engine), _dump(other)
        assert sum(len(v) for v in first.values()) > 1000
        assert first == second
    finally:
        other.dispose()


def test_another_seed_other_rows(engine: Engine, empty_database_url: str) -> None:
    seed_small(engine, learners=40, seed=11)
    other = make_engine(empty_database_url)
    try:
        metadata.create_all(other)
        seed_small(other, learners=40, seed=12)
        assert _dump(engine)["enrollment"] != _dump(other)["enrollment"]
    finally:
        other.dispose()


def test_foreign_keys_hold(engine: Engine) -> None:
    seed_small(engine)
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL checked every foreign key as the rows went in
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def _indexes(engine: Engine) -> dict[str, list[tuple[str | None, tuple[str, ...], bool]]]:
    found = {}
    inspector = inspect(engine)
    for name in COLUMNS:
        found[name] = sorted(
            (i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
            for i in inspector.get_indexes(name)
        )
    return found


def test_indexes_are_back_after_the_load(engine: Engine) -> None:
    """The seed drops plain indexes for the load and must put every one back."""
    before = _indexes(engine)
    assert sum(len(v) for v in before.values()) > 10
    seed_small(engine, learners=10)
    assert _indexes(engine) == before


def test_report_summaries_match_the_raw_rows(engine: Engine) -> None:
    """The seed bypasses the services that keep the summaries; ``after_seed`` rebuilds them."""
    seed_small(engine)
    with open_session(engine=engine) as session:
        assert summary_store.stored(session)  # rebuilt, not empty
        assert summary_store.drift(session) == {}
