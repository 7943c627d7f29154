"""The engine, the request session dependency and SQLite's connection settings.

Routes are plain ``def`` functions: one way of reaching the database, so the pool is sized
for the threadpool. On SQLite every connection runs in WAL mode with a busy timeout and
foreign keys on; a session opened for a write starts with ``BEGIN IMMEDIATE`` so that two
worker processes writing at once wait for each other instead of failing with "database is
locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi import Path as PathParam
from sqlalchemy import Column, DateTime, Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from app.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Row ids are INTEGER on PostgreSQL: a larger id in a URL names no row (and would make the
# driver raise), so such URLs answer 404 like any other unknown id.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID)]


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's own is broken).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the project's connection settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=20,
            max_overflow=20,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


def open_session(*, write: bool = False, engine: Engine | None = None) -> Session:
    """A new session; ``write=True`` takes SQLite's write lock at BEGIN."""
    bind = engine or get_engine()
    if write:
        bind = bind.execution_options(sqlite_immediate=True)
    return Session(bind, expire_on_commit=False)


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """A short write transaction outside a request (CLI, background work)."""
    with open_session(write=True, engine=engine) as session:
        yield session


def get_session(request: Request) -> Iterator[Session]:
    """Request-scoped session: unsafe methods take the write lock up front."""
    engine = request.app.state.engine
    with open_session(write=request.method not in SAFE_METHODS, engine=engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def utcnow() -> datetime:
    """Now, timezone-aware UTC: every ``*_at`` column holds one of these."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite forgets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = False, index: bool = False, touch: bool = False) -> Any:
    """A ``sa_column`` argument for a timezone-aware UTC timestamp field.

    ``touch=True`` makes it an "updated at" column: every INSERT (bulk ones too) and every
    UPDATE of the row sets it to now.
    """
    return Column(
        UtcDateTime(),
        nullable=nullable,
        index=index,
        default=utcnow if touch else None,
        onupdate=utcnow if touch else None,
    )
