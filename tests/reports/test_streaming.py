"""CSV downloads stream: the enrollment export is read in batches from a server-side cursor
by a session of its own, memory stays flat, the bytes equal the export built whole, and a
bad name is still a 404 before anything is sent."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

from fastapi import Depends, FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.reports import service
from app.reports.catalog.enrollments import BATCH_ROWS, enrollments_table
from app.reports.filters import ReportFilters
from app.reports.scope import report_scope
from app.spreadsheets import write_csv
from tests.helpers import login
from tests.reports.bulk import bulk_enrollments

COURSE = "data-for-liberation"
N = 12_000


def _lines(session, admin, courses) -> Iterator[str]:  # type: ignore[no-untyped-def]
    lines = service.export_csv_lines(
        session, staff=admin, name="enrollments", params={}, courses=courses, min_n=10
    )
    session.commit()  # the caller's session is done: only the stream's own stays checked out
    return lines


def test_fastapi_closes_a_request_dependency_after_the_body_is_sent() -> None:
    """What this FastAPI does (the reason the stream could borrow the request's session, and
    why it owns one anyway: this order changed in 0.106 and back in 0.118)."""
    events: list[str] = []

    def dependency() -> Iterator[str]:
        events.append("open")
        yield "x"
        events.append("close")

    def body() -> Iterator[bytes]:
        for i in range(3):
            events.append(f"chunk {i}")
            yield b"."

    app = FastAPI()

    @app.get("/")
    def route(_: str = Depends(dependency)) -> StreamingResponse:
        return StreamingResponse(body())

    with TestClient(app) as client:
        assert client.get("/").content == b"..."
    assert events == ["open", "chunk 0", "chunk 1", "chunk 2", "close"]


def test_streamed_export_equals_the_whole_export(client, session, admin, courses) -> None:
    bulk_enrollments(session, course_slug=COURSE, n=N)
    login(client, admin)
    response = client.get(f"/staff/reports/enrollments.csv?course={COURSE}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    scope = report_scope(
        session, staff=admin, filters=ReportFilters(course=COURSE), courses=courses, min_n=10
    )
    whole = write_csv(enrollments_table(session, scope).csv_rows())
    assert response.content == whole.encode("utf-8")
    assert response.content.startswith(b"\xef\xbb\xbfLearner name,")
    assert whole.count("\r\n") == N + 1
    assert '"\'=Learner ""0000000"", bulk"' in whole  # quoted, and never a formula


def test_stream_memory_stays_flat_and_its_session_is_its_own(
    session, engine, admin, courses, client
) -> None:
    bulk_enrollments(session, course_slug=COURSE, n=N)
    checked_out = engine.pool.checkedout()
    tracemalloc.start()
    try:
        lines = _lines(session, admin, courses)
        first = [next(lines) for _ in range(BATCH_ROWS // 2)]
        assert first[0].startswith("\ufeffLearner name,")
        assert engine.pool.checkedout() == checked_out + 1  # the stream's own connection
        tracemalloc.reset_peak()
        count = len(first) + sum(1 for _ in lines)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == N + 1
    assert engine.pool.checkedout() == checked_out  # given back when the stream ended
    # Built whole, the export holds all N rows; streamed, one batch of BATCH_ROWS.
    scope = report_scope(session, staff=admin, filters=ReportFilters(), courses=courses, min_n=10)
    tracemalloc.start()
    try:
        whole = enrollments_table(session, scope)
        _, whole_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(whole.rows) == N
    assert peak * 2 < whole_peak, (peak, whole_peak)


def test_a_stream_left_early_gives_its_connection_back(session, engine, admin, courses, client):
    bulk_enrollments(session, course_slug=COURSE, n=BATCH_ROWS * 2)
    checked_out = engine.pool.checkedout()
    lines = _lines(session, admin, courses)
    next(lines), next(lines)
    assert engine.pool.checkedout() == checked_out + 1
    if engine.dialect.name == "postgresql":
        # A server-side cursor: the stream's connection last ran a FETCH of one batch
        # (``FETCH FORWARD 999``: SQLAlchemy fetched one row first).
        with Session(engine) as other:
            queries = (
                other.execute(
                    text("SELECT query FROM pg_stat_activity WHERE datname = current_database()")
                )
                .scalars()
                .all()
            )
            assert any(q.startswith("FETCH FORWARD") for q in queries), queries
    lines.close()  # what the response does when the client goes away
    assert engine.pool.checkedout() == checked_out


def test_unknown_report_is_a_404_before_streaming(client, admin) -> None:
    login(client, admin)
    response = client.get("/staff/reports/no-such-report.csv")
    assert response.status_code == 404
    assert "text/csv" not in response.headers["content-type"]
