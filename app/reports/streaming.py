"""The enrollment-level CSV, streamed: its rows are read while the response is sent.

The stream opens its own session rather than borrowing the request's. FastAPI 0.165 closes
a request-scoped ``yield`` dependency only after the response body is sent (tested in
tests/reports/test_streaming.py), but that order has changed between FastAPI releases
(0.106, 0.118), and a stream that owns its session closes it exactly when the stream ends,
also when the client goes away mid-download.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine

from app.db import open_session
from app.reports.enrollments import ENROLLMENT_COLUMNS, enrollment_rows
from app.reports.scope import ReportScope
from app.reports.tables import csv_text


def enrollment_csv_rows(engine: Engine, scope: ReportScope) -> Iterator[list[str]]:
    """The header, then each matching enrollment as CSV cells, from a session of its own."""
    yield [c.label for c in ENROLLMENT_COLUMNS]
    kinds = [c.kind for c in ENROLLMENT_COLUMNS]
    with open_session(engine=engine) as session:
        for row in enrollment_rows(session, scope):
            yield [csv_text(value, kind) for value, kind in zip(row, kinds, strict=True)]
