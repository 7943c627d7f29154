"""The enrollment-level CSV, streamed: its rows are read while the response is sent.

The stream opens its own session rather than borrowing the request's. FastAPI 0.165 closes
a request-scoped ``yield`` dependency only after the response body is sent (tested in
tests/reports/test_streaming.py), but that order has changed between FastAPI releases
(0.106, 0.118), and a stream that owns its session closes it exactly when the stream ends,
also when the client goes away mid-download.

A million rows must stream at well over 100,000 a second, so this path skips the generic
cell formatting of ``tables``: the database writes the times as ISO 8601 UTC text (the same
text ``tables.csv_text`` gives), labels come from small dictionaries, and only the columns
that hold free text are checked for formula starts (``spreadsheets.csv_lines``). The CSV
equals the one built from ``enrollments_table`` (tested).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, func

from app.accounts.models import JOB_ROLE_LABELS
from app.db import open_session
from app.reports.enrollments import ENROLLMENT_COLUMNS, enrollment_query
from app.reports.scope import ReportScope

# Columns that cannot start a formula: job role label, the two times, progress, the code.
PLAIN_COLUMNS = frozenset({3, 6, 7, 8, 9})


def _iso_utc(dialect: str) -> Any:
    """A timestamp column as ``2026-03-01T14:05:00+00:00`` text, formatted by the database."""
    if dialect == "postgresql":
        return lambda column: func.to_char(
            func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'
        )
    return lambda column: func.strftime("%Y-%m-%dT%H:%M:%S+00:00", column)  # stored UTC


def enrollment_csv_rows(engine: Engine, scope: ReportScope) -> Iterator[list[str]]:
    """The header, then each matching enrollment as CSV cells, from a session of its own."""
    yield [c.label for c in ENROLLMENT_COLUMNS]
    titles = scope.titles
    roles = dict(JOB_ROLE_LABELS)
    stmt = enrollment_query(scope, times=_iso_utc(engine.dialect.name))
    with open_session(engine=engine) as session:
        result = session.connection().execute(stmt)
        try:
            for batch in result.partitions():  # BATCH_ROWS rows per fetch, no per-row call
                for name, email, org, role, course_id, cohort, enrolled, pct, done, code in batch:
                    yield [
                        name,
                        email,
                        org or "",
                        roles.get(role, role),
                        titles[course_id],
                        cohort or "",
                        enrolled,
                        str(pct),
                        done or "",
                        code or "",
                    ]
        finally:
            result.close()
