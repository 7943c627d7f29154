"""The report summary table: counting, adding differences, rebuilding, checking.

``counts`` runs the measures (app/reports/summary_sql.py) for some enrollments; ``add``
adds differences to ``report_summary`` (app/reports/summary_tracking.py calls it before each
commit); ``rebuild`` recomputes the whole table from the raw rows with the same statement;
``drift`` lists where the kept table and a fresh computation disagree (the state-machine
test asserts there is none; ``groundwork reports check`` reports it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.reports.summary_models import ReportSummary
from app.reports.summary_sql import COLUMNS, measure_rows

__all__ = [
    "ANY",
    "ANY_ORGANIZATION",
    "BASE",
    "Key",
    "add",
    "counts",
    "drift",
    "GROUP_BITS",
    "level",
    "level_of",
    "rebuild",
    "rollups",
    "stored",
]

# (measure, course_id, organization_id, job_role, cohort, key, value)
Key = tuple[str, int, int, str, str, str, int]
_KEY_COLUMNS = COLUMNS[:-1]
# A roll-up row stands for every value of a group column: organization -1, text "*"
# (cohort codes and job roles never contain "*"). Level 7 rows keep all three columns.
ANY_ORGANIZATION, ANY, BASE = -1, "*", 7
# A row's level: the sum of the bits of the group columns it keeps.
GROUP_BITS = {"organization_id": 1, "job_role": 2, "cohort": 4}
_TABLE: Any = ReportSummary.__table__  # type: ignore[attr-defined]


def counts(
    connection: Connection | Session, statement: Any, params: dict[str, Any] | None = None
) -> Counter[Key]:
    """The rows of a ``measure_rows`` statement, summed by key."""
    counts: Counter[Key] = Counter()
    for row in connection.execute(statement, params or {}):
        counts[tuple(row[:-1])] += int(row[-1])
    return counts


def level(kept: Iterable[str]) -> int:
    """The level of the rows that keep these group columns (the others read "any")."""
    return sum(GROUP_BITS[name] for name in set(kept))


def level_of(key: Key) -> int:
    """Which of a row's group columns are kept (1 organization, 2 job role, 4 cohort)."""
    _, _, organization, job_role, cohort, _, _ = key
    return (organization != ANY_ORGANIZATION) | (job_role != ANY) << 1 | (cohort != ANY) << 2


def rollups(counts: Counter[Key]) -> Counter[Key]:
    """Group-level counts with their seven roll-ups added (every subset of the group columns
    replaced by "any"), as the table stores them."""
    out: Counter[Key] = Counter()
    for (measure, course_id, organization, job_role, cohort, key, value), n in counts.items():
        for level in range(BASE + 1):
            out[
                (
                    measure,
                    course_id,
                    organization if level & 1 else ANY_ORGANIZATION,
                    job_role if level & 2 else ANY,
                    cohort if level & 4 else ANY,
                    key,
                    value,
                )
            ] += n
    return out


def add(connection: Connection, deltas: Counter[Key]) -> None:
    """Add group-level ``deltas`` (and their roll-ups) to the summary rows, creating and
    deleting rows as counts come and go.

    Keys are applied in sorted order, so concurrent transactions on PostgreSQL lock summary
    rows in the same order and cannot deadlock on them.
    """
    changes = sorted((key, n) for key, n in rollups(deltas).items() if n)
    if not changes:
        return
    rows = [
        {**dict(zip(COLUMNS, (*key, n), strict=True)), "level": level_of(key)} for key, n in changes
    ]
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


def rebuild(session: Session) -> int:
    """Recompute every summary row from the raw rows; returns how many rows there are.
    The caller commits.

    On PostgreSQL the table is locked against writers first: a learner's change waiting on
    the lock adds its difference after the rebuild, which did not see that change.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE report_summary IN EXCLUSIVE MODE"))
    session.execute(delete(_TABLE))
    base = measure_rows([]).subquery("base")
    session.execute(
        insert(_TABLE).from_select(
            [*COLUMNS, "level"], select(*(base.c[name] for name in COLUMNS), literal(BASE))
        )
    )
    t = _TABLE.c
    for level in range(BASE):
        kept = (
            t.organization_id if level & 1 else literal(ANY_ORGANIZATION),
            t.job_role if level & 2 else literal(ANY),
            t.cohort if level & 4 else literal(ANY),
        )
        kept_columns = [
            column
            for bit, column in ((1, t.organization_id), (2, t.job_role), (4, t.cohort))
            if level & bit
        ]
        grouped = [t.measure, t.course_id, *kept_columns, t.key, t.value]
        session.execute(
            insert(_TABLE).from_select(
                [*COLUMNS, "level"],
                select(t.measure, t.course_id, *kept, t.key, t.value, func.sum(t.n), literal(level))
                .where(t.level == BASE)
                .group_by(*grouped),
            )
        )
    return int(session.execute(select(func.count()).select_from(_TABLE)).scalar_one())


def stored(session: Session) -> Counter[Key]:
    """The summary table as it is."""
    return counts(session, select(*(_TABLE.c[name] for name in COLUMNS)))


def drift(session: Session) -> dict[Key, tuple[int | None, int | None]]:
    """Rows where the stored summaries differ from the raw rows: {key: (stored, actual)},
    None where there is no row. Exact: a stored row of 0 is drift (rows are deleted when
    their count falls to 0, and readers such as the cohort filter must not see them)."""
    kept = stored(session)
    actual = {k: n for k, n in rollups(counts(session, measure_rows([]))).items() if n}
    return {
        key: (kept.get(key), actual.get(key))
        for key in set(kept) | set(actual)
        if kept.get(key) != actual.get(key)
    }
