"""Report summaries kept as learners act, in the same transaction, and rebuilt on demand.

Every row that holds a fact about an enrollment (the enrollment itself, its module progress,
exercise attempts and states, certificate, survey response and answers, the learner's
organization and job role) is written through the ORM session. Before such rows change for
the first time in a transaction, this module counts what the enrollment adds to the
summaries (``measure_rows`` for that enrollment, app/reports/summary_sql.py); just before the
commit it counts again and adds the difference to ``report_summary``. No service has to
remember to call anything, and a rolled-back change leaves the summaries untouched.

``rebuild`` recomputes the whole table from the raw rows with the same statement, and
``drift`` lists where the kept table and a fresh computation disagree (the state-machine
test asserts there is none; ``groundwork reports rebuild --check`` reports it). Rows
written with Core statements bypass the session: whoever writes them in bulk (the demo
seed) rebuilds afterwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from app.accounts.models import User
from app.certificates.models import Certificate
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.learning.models import Enrollment, ModuleProgress
from app.reports.summary_models import ReportSummary
from app.reports.summary_sql import COLUMNS, measure_rows
from app.surveys.models import SurveyAnswer, SurveyResponse

__all__ = ["Key", "drift", "rebuild", "stored"]

# (measure, course_id, organization_id, job_role, cohort, key, value)
Key = tuple[str, int, int, str, str, str, int]
_KEY_COLUMNS = COLUMNS[:-1]
_TABLE: Any = ReportSummary.__table__  # type: ignore[attr-defined]


def _counts(connection: Connection | Session, where: Iterable[Any]) -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for row in connection.execute(measure_rows(where)):
        counts[tuple(row[:-1])] += int(row[-1])
    return counts


def _apply(connection: Connection, deltas: Counter[Key]) -> None:
    """Add ``deltas`` to the summary rows (creating and deleting rows as counts come and go).

    Keys are applied in sorted order, so concurrent transactions on PostgreSQL lock summary
    rows in the same order and cannot deadlock on them.
    """
    changes = sorted((key, n) for key, n in deltas.items() if n)
    if not changes:
        return
    rows = [dict(zip(COLUMNS, (*key, n), strict=True)) for key, n in changes]
    insert_into = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert_into(_TABLE)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(_KEY_COLUMNS), set_={"n": _TABLE.c.n + stmt.excluded.n}
    )
    connection.execute(stmt, rows)
    if any(n < 0 for _, n in changes):
        gone = and_(
            *(_TABLE.c[name] == bindparam(f"k_{name}") for name in _KEY_COLUMNS),
            _TABLE.c.n == 0,
        )
        keys = [
            {f"k_{name}": v for name, v in zip(_KEY_COLUMNS, key, strict=True)}
            for key, _ in changes
        ]
        connection.execute(delete(_TABLE).where(gone), keys)


_BEFORE = "groundwork.summary_before"  # session.info: Counter of the touched ids' rows
_IDS = "groundwork.summary_ids"  # session.info: enrollment ids touched in this transaction
_NEW = "groundwork.summary_new"  # session.info: enrollments being inserted by this flush
_CHUNK = 500
_FACTS = (ModuleProgress, ExerciseAttempt, ExerciseState, Certificate, SurveyResponse)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _counts_of(connection: Connection, ids: Iterable[int]) -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for chunk in _chunks(ids):
        counts.update(_counts(connection, [col(Enrollment.id).in_(chunk)]))
    return counts


def _enrollment_ids(
    session: OrmSession, connection: Connection, objects: Iterable[object]
) -> set[int]:
    """The existing enrollments that these new, changed or deleted rows are facts about."""
    ids: set[int] = set()
    responses: set[int] = set()
    users: set[int] = set()
    for obj in objects:
        if isinstance(obj, Enrollment):
            if obj.id is None:
                session.info.setdefault(_NEW, []).append(obj)
            else:
                ids.add(obj.id)
        elif isinstance(obj, _FACTS):
            ids.add(obj.enrollment_id)
        elif isinstance(obj, SurveyAnswer):
            responses.add(obj.response_id)
        elif isinstance(obj, User) and obj.id is not None:
            state = inspect(obj)
            if any(state.attrs[a].history.has_changes() for a in ("organization_id", "job_role")):
                users.add(obj.id)
    if responses:
        ids.update(
            connection.execute(
                select(col(SurveyResponse.enrollment_id)).where(
                    col(SurveyResponse.id).in_(responses)
                )
            ).scalars()
        )
    if users:
        ids.update(
            i
            for i in connection.execute(
                select(col(Enrollment.id)).where(col(Enrollment.user_id).in_(users))
            ).scalars()
            if i is not None
        )
    return ids


def _before_flush(session: OrmSession, _context: object, _instances: object) -> None:
    """Before rows about an enrollment change for the first time in this transaction,
    count what the enrollment adds to the summaries now."""
    connection = session.connection()
    objects = [*session.new, *session.dirty, *session.deleted]
    seen: set[int] = session.info.setdefault(_IDS, set())
    fresh = _enrollment_ids(session, connection, objects) - seen
    if not fresh:
        return
    if connection.dialect.name == "postgresql":
        # Hold the enrollments until commit, so that no other transaction changes one of
        # them between the two countings (which would count its change twice here).
        for chunk in _chunks(fresh):
            connection.execute(
                select(col(Enrollment.id)).where(col(Enrollment.id).in_(chunk)).with_for_update()
            )
    before: Counter[Key] = session.info.setdefault(_BEFORE, Counter())
    before.update(_counts_of(connection, fresh))
    seen.update(fresh)


def _after_flush(session: OrmSession, _context: object) -> None:
    """Enrollments inserted by this flush added nothing before it: note their new ids."""
    for enrollment in session.info.pop(_NEW, []):
        if enrollment.id is not None:
            session.info.setdefault(_IDS, set()).add(enrollment.id)


def _before_commit(session: OrmSession) -> None:
    """Add what the touched enrollments add now, minus what they added before."""
    session.flush()
    ids: set[int] = session.info.get(_IDS, set())
    if not ids:
        return
    connection = session.connection()
    deltas = _counts_of(connection, ids)
    deltas.subtract(session.info.get(_BEFORE, Counter()))
    _apply(connection, deltas)
    _forget(session)


def _forget(session: OrmSession, *_args: object) -> None:
    for name in (_BEFORE, _IDS, _NEW):
        session.info.pop(name, None)


def rebuild(session: Session) -> int:
    """Recompute every summary row from the raw rows; returns how many rows there are.
    The caller commits.

    On PostgreSQL the table is locked against writers first: a learner's change waiting on
    the lock adds its difference after the rebuild, which did not see that change.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE report_summary IN EXCLUSIVE MODE"))
    session.execute(delete(_TABLE))
    session.execute(insert(_TABLE).from_select(list(COLUMNS), measure_rows([])))
    return int(session.execute(select(func.count()).select_from(_TABLE)).scalar_one())


def stored(session: Session) -> Counter[Key]:
    """The summary table as it is."""
    counts: Counter[Key] = Counter()
    for row in session.execute(select(*(_TABLE.c[name] for name in COLUMNS))):
        counts[tuple(row[:-1])] += int(row[-1])
    return counts


def drift(session: Session) -> dict[Key, tuple[int, int]]:
    """Keys where the stored summaries differ from the raw rows: {key: (stored, actual)}."""
    kept, actual = stored(session), _counts(session, [])
    return {
        key: (kept[key], actual[key]) for key in set(kept) | set(actual) if kept[key] != actual[key]
    }


event.listen(OrmSession, "before_flush", _before_flush)
event.listen(OrmSession, "after_flush", _after_flush)
event.listen(OrmSession, "before_commit", _before_commit)
event.listen(OrmSession, "after_rollback", _forget)
event.listen(OrmSession, "after_soft_rollback", _forget)
