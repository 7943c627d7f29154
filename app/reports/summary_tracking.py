"""Keeping the report summaries in step with every change, in the changing transaction.

Every row that holds a fact about an enrollment (the enrollment itself, its module
progress, exercise attempts and states, certificate, survey response and answers, the
learner's organization and job role) is written through the ORM session. The first time
such rows change in a transaction, this module counts what the enrollment adds to the
measures those rows feed (``measure_rows`` for that enrollment, app/reports/summary_sql.py);
just before the commit it counts again and adds the difference to ``report_summary``
(``summary_store.add``). No service has to remember to call anything, and a rolled-back
change leaves the summaries untouched. Rows written with Core statements bypass the session:
whoever writes them in bulk (the demo seed) rebuilds afterwards (``summary_store.rebuild``).

Importing this module installs the hooks; ``app/activities.py`` does, like the kinds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, event, inspect, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import col

from app.accounts.models import User
from app.certificates.models import Certificate
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.learning.models import Enrollment, ModuleProgress
from app.reports import summary_store
from app.reports.summary_sql import Measure, measure_rows
from app.surveys.models import SurveyAnswer, SurveyResponse

Key = summary_store.Key
ALL = frozenset(Measure)
_EXERCISE = frozenset(
    {
        Measure.attempted,
        Measure.first_correct,
        Measure.correct,
        Measure.attempts,
        Measure.tries_to_correct,
        Measure.wrong_answer,
        Measure.hinted,
    }
)
# Which measures a new, changed or deleted row of each table can move.
_BY_TABLE: dict[type, frozenset[Measure]] = {
    ModuleProgress: frozenset({Measure.module_opened, Measure.module_completed}),
    ExerciseAttempt: _EXERCISE,
    ExerciseState: frozenset({Measure.hinted}),
    Certificate: frozenset({Measure.certified}),
    SurveyResponse: frozenset({Measure.rating}),
    SurveyAnswer: frozenset({Measure.rating}),
}
# Which measures a change to each enrollment column can move (others move none).
_BY_ENROLLMENT_COLUMN: dict[str, frozenset[Measure]] = {
    "active": ALL,
    "cohort": ALL,
    "user_id": ALL,
    "course_id": ALL,
    "percent": frozenset({Measure.percent}),
    "completed_at": frozenset({Measure.completed, Measure.completed_week}),
    "enrolled_at": frozenset({Measure.enrolled_week}),
    "last_activity_at": frozenset({Measure.active_on}),
}
_SEEN = "groundwork.summary_seen"  # session.info: {enrollment id: measures counted before}
_BEFORE = "groundwork.summary_before"  # session.info: Counter of those counts
_NEW = "groundwork.summary_new"  # session.info: enrollments being inserted by this flush
_CHUNK = 500


@lru_cache(maxsize=256)
def _statement(measures: frozenset[Measure]) -> Any:
    """``measure_rows`` for the enrollments in the ``ids`` parameter (built once per set)."""
    ids: Any = bindparam("ids", expanding=True)
    return measure_rows([col(Enrollment.id).in_(ids)], sorted(measures))


def _counts(connection: Connection, wanted: dict[int, frozenset[Measure]]) -> Counter[Key]:
    """What these enrollments add to these measures now (grouped into few statements)."""
    by_measures: dict[frozenset[Measure], list[int]] = {}
    for enrollment_id, measures in wanted.items():
        if measures:
            by_measures.setdefault(measures, []).append(enrollment_id)
    found: Counter[Key] = Counter()
    for measures, ids in by_measures.items():
        for chunk in _chunks(ids):
            found.update(summary_store.counts(connection, _statement(measures), {"ids": chunk}))
    return found


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _changed_measures(obj: Enrollment) -> frozenset[Measure]:
    state = inspect(obj)
    moved: set[Measure] = set()
    for column, measures in _BY_ENROLLMENT_COLUMN.items():
        if state.attrs[column].history.has_changes():
            moved |= measures
    return frozenset(moved)


def _touched(
    session: OrmSession, connection: Connection, objects: Iterable[object]
) -> dict[int, frozenset[Measure]]:
    """The existing enrollments these new, changed or deleted rows are facts about, each
    with the measures the rows can move."""
    touched: dict[int, set[Measure]] = {}
    responses: set[int] = set()
    users: set[int] = set()

    def note(enrollment_id: int, measures: frozenset[Measure]) -> None:
        if measures:
            touched.setdefault(enrollment_id, set()).update(measures)

    for obj in objects:
        if isinstance(obj, Enrollment):
            if obj.id is None:
                session.info.setdefault(_NEW, []).append(obj)
            else:
                note(obj.id, _changed_measures(obj))
        elif isinstance(obj, SurveyAnswer):
            responses.add(obj.response_id)
        elif isinstance(obj, User):
            state = inspect(obj)
            if obj.id is not None and any(
                state.attrs[a].history.has_changes() for a in ("organization_id", "job_role")
            ):
                users.add(obj.id)
        elif type(obj) in _BY_TABLE:
            note(obj.enrollment_id, _BY_TABLE[type(obj)])  # type: ignore[attr-defined]
    if responses:
        for response_of in connection.execute(
            select(col(SurveyResponse.enrollment_id)).where(col(SurveyResponse.id).in_(responses))
        ).scalars():
            note(response_of, _BY_TABLE[SurveyAnswer])
    if users:
        for of_user in connection.execute(
            select(col(Enrollment.id)).where(col(Enrollment.user_id).in_(users))
        ).scalars():
            if of_user is not None:
                note(of_user, ALL)
    return {i: frozenset(m) for i, m in touched.items()}


def _before_flush(session: OrmSession, _context: object, _instances: object) -> None:
    """Before rows about an enrollment change, count what it adds to the measures they
    feed (once per measure per transaction)."""
    objects = [*session.new, *session.dirty, *session.deleted]
    if not objects:
        return
    connection = session.connection()
    seen: dict[int, frozenset[Measure]] = session.info.setdefault(_SEEN, {})
    fresh: dict[int, frozenset[Measure]] = {}
    for enrollment_id, measures in _touched(session, connection, objects).items():
        missing = measures - seen.get(enrollment_id, frozenset())
        if missing:
            fresh[enrollment_id] = missing
    if not fresh:
        return
    if connection.dialect.name == "postgresql":
        # Hold the enrollments until commit, so that no other transaction changes one of
        # them between the two countings (which would count its change twice here).
        for chunk in _chunks(i for i in fresh if i not in seen):
            connection.execute(
                select(col(Enrollment.id)).where(col(Enrollment.id).in_(chunk)).with_for_update()
            )
    before: Counter[Key] = session.info.setdefault(_BEFORE, Counter())
    before.update(_counts(connection, fresh))
    for enrollment_id, missing in fresh.items():
        seen[enrollment_id] = seen.get(enrollment_id, frozenset()) | missing


def _after_flush(session: OrmSession, _context: object) -> None:
    """Enrollments inserted by this flush added nothing before it: every measure moves."""
    seen: dict[int, frozenset[Measure]] = session.info.setdefault(_SEEN, {})
    for enrollment in session.info.pop(_NEW, []):
        if enrollment.id is not None:
            seen[enrollment.id] = ALL


def _before_commit(session: OrmSession) -> None:
    """Add what the touched enrollments add now, minus what they added before."""
    session.flush()
    seen: dict[int, frozenset[Measure]] = session.info.get(_SEEN, {})
    if not seen:
        return
    connection = session.connection()
    deltas = _counts(connection, seen)
    deltas.subtract(session.info.get(_BEFORE, Counter()))
    summary_store.add(connection, deltas)
    _forget(session)


def _forget(session: OrmSession, *_args: object) -> None:
    for name in (_SEEN, _BEFORE, _NEW):
        session.info.pop(name, None)


HOOKS = (
    ("before_flush", _before_flush),
    ("after_flush", _after_flush),
    ("before_commit", _before_commit),
    ("after_rollback", _forget),
    ("after_soft_rollback", _forget),
)
for _name, _hook in HOOKS:
    event.listen(OrmSession, _name, _hook)
