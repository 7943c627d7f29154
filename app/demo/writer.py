"""Writing demo rows fast: column orders, timestamps in the database's own form, executemany
in big batches (one transaction each), explicit ids, and the settings that make a bulk load
quick (SQLite pragmas; PostgreSQL sequences moved past the ids and ANALYZE afterwards).

Rows are plain tuples in the column order below; no ORM object is made per row.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Index, Table, func, select
from sqlmodel import SQLModel

from app.accounts.models import Organization, User
from app.certificates.models import Certificate
from app.demo.catalog import DEMO_DOMAIN
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.learning.models import Enrollment, ModuleProgress
from app.orgs.models import Cohort
from app.reflections.models import LearnerReflection, ReflectionRevision
from app.surveys.models import SurveyAnswer, SurveyResponse

Stamp = Any  # a timestamp in the form the database driver takes (see ``stamper``)


def _table(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


# Insert order: parents before children. Each entry: table, the columns each tuple holds.
COLUMNS: dict[str, tuple[Table, tuple[str, ...]]] = {
    "organization": (_table(Organization), ("id", "name", "name_key", "created_at")),
    "cohort": (
        _table(Cohort), ("organization_id", "course_id", "name", "code", "created_at")
    ),
    "user_account": (
        _table(User),
        (
            "id", "email", "display_name", "password_hash", "role", "job_role",
            "organization_id", "staff_organization_id", "created_at", "password_changed_at",
            "organization_proof", "organization_joined_at",
        ),
    ),
    "enrollment": (
        _table(Enrollment),
        (
            "id", "user_id", "course_id", "cohort", "active", "enrolled_at", "unenrolled_at",
            "percent", "completed_at", "last_module_id", "last_activity_at", "updated_at",
        ),
    ),
    "module_progress": (
        _table(ModuleProgress),
        (
            "enrollment_id", "module_id", "first_viewed_at", "last_viewed_at",
            "marked_done_at", "completed_at",
        ),
    ),
    "exercise_state": (
        _table(ExerciseState),
        ("enrollment_id", "activity_id", "variant", "hints_revealed", "updated_at"),
    ),
    "exercise_attempt": (
        _table(ExerciseAttempt),
        (
            "enrollment_id", "activity_id", "content_hash", "variant", "raw_answer",
            "normalized_answer", "score", "correct", "number", "final", "submission_key",
            "created_at",
        ),
    ),
    "reflection": (
        _table(LearnerReflection),
        (
            "id", "user_id", "course_id", "activity_id", "activity_stable_id",
            "module_stable_id", "module_title", "prompt_html", "draft_text", "draft_saved_at",
            "shared", "shared_at", "revision_count", "first_submitted_at",
            "last_submitted_at", "created_at",
        ),
    ),
    "reflection_revision": (
        _table(ReflectionRevision),
        ("reflection_id", "number", "text", "submitted_at"),
    ),
    "survey_response": (
        _table(SurveyResponse),
        ("id", "enrollment_id", "course_id", "comment", "created_at", "updated_at", "submitted_at"),
    ),
    "survey_answer": (_table(SurveyAnswer), ("response_id", "item_id", "value")),
    "certificate": (
        _table(Certificate),
        (
            "code", "enrollment_id", "user_id", "course_id", "name", "course_title", "hours",
            "completed_at", "issued_at",
        ),
    ),
}  # fmt: skip
# Tables whose ids the seed assigns itself (children point at them without a round trip).
ID_TABLES = ("organization", "user_account", "enrollment", "reflection", "survey_response")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def stamper(dialect_name: str) -> Callable[[int], Stamp]:
    """Seconds since 1970 -> what the driver stores for a ``UtcDateTime`` column.

    SQLite gets the text SQLAlchemy itself writes ("2026-03-01 09:30:00.000000", UTC);
    PostgreSQL gets timezone-aware datetimes.
    """
    if dialect_name != "sqlite":
        return lambda seconds: EPOCH + timedelta(seconds=seconds)
    days: dict[int, str] = {}
    clock = [
        f" {h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)
    ]

    def sqlite_text(seconds: int) -> str:
        day, rest = divmod(seconds, 86_400)
        text = days.get(day)
        if text is None:
            text = days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")
        return text + clock[rest]

    return sqlite_text


class Rows:
    """Tuples waiting to be inserted, per table."""

    def __init__(self) -> None:
        self.by_table: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
        self.written: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.by_table.values())


def _insert_sql(connection: Connection, name: str) -> str:
    table, columns = COLUMNS[name]
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
    quoted = connection.dialect.identifier_preparer.format_table(table)
    marks = ", ".join([mark] * len(columns))
    return f"INSERT INTO {quoted} ({names}) VALUES ({marks})"  # noqa: S608 (names from COLUMNS)


def flush(connection: Connection, rows: Rows) -> int:
    """Insert every waiting row (parents first) and commit: one transaction per batch."""
    count = 0
    for name in COLUMNS:
        batch = rows.by_table[name]
        if batch:
            connection.exec_driver_sql(_insert_sql(connection, name), batch)
            rows.written[name] += len(batch)
            count += len(batch)
            batch.clear()
    connection.commit()
    return count


class BatchWriter:
    """Inserts each full batch on one background thread while the next one is made.

    The drivers' ``executemany`` spends much of its time outside the GIL (SQLite stepping,
    PostgreSQL round trips), so making rows and writing them overlap on two cores. One batch
    is in flight at a time; the connection is used by one thread at a time.
    """

    def __init__(self, connection: Connection):
        self.connection = connection
        self.written: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer")
        self._pending: Future[None] | None = None

    def submit(self, rows: Rows) -> None:
        """Write ``rows`` in the background (after the batch before it is committed)."""
        self.wait()
        self._pending = self._pool.submit(self._write, rows)

    def _write(self, rows: Rows) -> None:
        flush(self.connection, rows)
        for name, count in rows.written.items():
            self.written[name] += count

    def wait(self) -> None:
        """Block until the batch in flight is committed; re-raise its error."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown()


def next_ids(connection: Connection) -> dict[str, int]:
    """The first free id of each table whose ids the seed assigns."""
    found = {}
    for name in ID_TABLES:
        table = COLUMNS[name][0]
        found[name] = int(connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    connection.commit()
    return found


def account_counts(connection: Connection) -> tuple[int, int]:
    """(accounts that are not demo accounts, demo accounts) in the database."""
    table = COLUMNS["user_account"][0]
    demo = table.c.email.like(f"%@{DEMO_DOMAIN}")
    others = connection.execute(select(func.count()).where(~demo)).scalar_one()
    mine = connection.execute(select(func.count()).where(demo)).scalar_one()
    connection.commit()
    return int(others), int(mine)


def prepare(connection: Connection) -> None:
    """Bulk-load settings for this connection (SQLite; nothing to do on PostgreSQL).

    Foreign keys are not checked row by row (the seed writes parents first, and the tests
    run ``PRAGMA foreign_key_check``); the data is synced once at the end, not per commit.
    """
    if connection.dialect.name != "sqlite":
        return
    connection.rollback()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    for pragma in (
        "foreign_keys=OFF",
        "synchronous=OFF",
        "cache_size=-262144",
        "temp_store=MEMORY",
        "wal_autocheckpoint=10000",
    ):
        raw.execute(f"PRAGMA {pragma}")


def drop_secondary_indexes(connection: Connection) -> list[Index]:
    """Drop the plain (non-unique) indexes of the tables the seed fills; returns them.

    Building an index once from sorted data is much faster than keeping it up to date row by
    row (``created_at`` indexes take random inserts). Unique indexes stay: they are
    constraints. ``restore_indexes`` puts them back (the seed does so even when it fails).
    """
    dropped = []
    for table, _ in COLUMNS.values():
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if not index.unique:
                index.drop(connection, checkfirst=True)
                dropped.append(index)
    connection.commit()
    return dropped


def restore_indexes(connection: Connection, indexes: list[Index]) -> None:
    """Create the indexes ``drop_secondary_indexes`` dropped (those still missing)."""
    connection.rollback()
    for index in indexes:
        index.create(connection, checkfirst=True)
    connection.commit()


def finish(connection: Connection) -> None:
    """Restore normal settings and move PostgreSQL's sequences past the ids we assigned."""
    if connection.dialect.name == "sqlite":
        connection.rollback()
        raw = connection.connection.dbapi_connection
        assert raw is not None
        for pragma in (
            "wal_checkpoint(TRUNCATE)",
            "foreign_keys=ON",
            "synchronous=NORMAL",  # as app.db sets it on every connection
            "cache_size=-2000",  # SQLite's defaults
            "temp_store=DEFAULT",
            "wal_autocheckpoint=1000",
        ):
            raw.execute(f"PRAGMA {pragma}")
        return
    for name in ID_TABLES:
        last = f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name})"  # noqa: S608 (ID_TABLES)
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {last}, false)"
        )
    connection.commit()


def analyze(engine: Engine) -> None:
    """Fresh planner statistics: a freshly bulk-loaded PostgreSQL ran report queries about
    30 times slower until ANALYZE (DESIGN.md); SQLite's planner uses them too."""
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def connect(engine: Engine) -> Connection:
    """A connection for the whole seed (the caller closes it)."""
    return engine.connect()
