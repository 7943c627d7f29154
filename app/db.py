"""The engine, the request session dependency and SQLite's connection settings.

The request session opens on the event loop; the hot learner pages are ``async def`` and
read inline (a SQLite read never waits for a lock; writes go to the threadpool), other
routes are ``def`` and run in the threadpool. The pool has room for both (see
``make_engine``). On SQLite every connection runs in WAL mode with a busy timeout and
foreign keys on; a session opened for a write starts with ``BEGIN IMMEDIATE`` so that two
worker processes writing at once wait for each other instead of failing with "database is
locked".
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Column, DateTime, Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, col, create_engine

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
T = TypeVar("T")
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
        # No overflow limit: the event loop opens request sessions while worker threads hold
        # connections for ``def`` routes, so a bounded pool could make the loop wait for a
        # connection that only the loop can give back. A SQLite connection is a file handle.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=20,
            max_overflow=-1,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # Sized past the threadpool (40) plus requests on the loop, so the loop never waits for
    # a connection that a waiting request holds; PostgreSQL's max_connections must allow it.
    # No pre-ping (a round trip on every checkout): when the server restarts, the first
    # statement that meets a dead connection fails and SQLAlchemy discards the whole pool.
    return create_engine(url, pool_size=20, max_overflow=100, pool_timeout=10, pool_recycle=3600)


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    """An engine for one command's work (CLI), disposed of when it is done."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def open_session(*, engine: Engine, write: bool = False) -> Session:
    """A new session; ``write=True`` takes SQLite's write lock at BEGIN."""
    bind = engine
    if write:
        bind = bind.execution_options(sqlite_immediate=True)
    return Session(bind, expire_on_commit=False)


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A short write transaction outside a request (CLI, background work)."""
    with open_session(write=True, engine=engine) as session:
        yield session


# Work that every request does with its session as soon as it opens (the login lookup),
# registered by higher layers so it shares this dependency's one trip to the threadpool.
_on_open: list[Callable[[Request, Session], object]] = []


def on_request_session(hook: Callable[[Request, Session], object]) -> None:
    """Run ``hook(request, session)`` when a request's session opens (once per hook)."""
    if hook not in _on_open:
        _on_open.append(hook)


def request_session_hooks() -> tuple[Callable[[Request, Session], object], ...]:
    """The hooks run when a request's session opens (checked at start-up)."""
    return tuple(_on_open)


def reads_inline(request: Request) -> bool:
    """True where a database read may run on the event loop: SQLite, whose reads never
    wait for a lock (WAL) and cost microseconds. PostgreSQL reads wait for the network, so
    they run in the threadpool, where waits overlap."""
    return request.app.state.engine.dialect.name == "sqlite"  # type: ignore[no-any-return]


async def run_db(request: Request, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run read-only database work from an ``async def`` route: inline on SQLite, in the
    threadpool on PostgreSQL (see ``reads_inline``). Writes always go to the threadpool."""
    if reads_inline(request):
        return work(*args, **kwargs)
    return await run_in_threadpool(work, *args, **kwargs)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Request-scoped session: unsafe methods take the write lock up front.

    ``def`` routes use it in a worker thread and ``async def`` routes through ``run_db``,
    one after the other, never at once. It opens and closes without a threadpool trip where
    that cannot wait (SQLite reads).
    """
    write = request.method not in SAFE_METHODS
    session = open_session(write=write, engine=request.app.state.engine)
    try:
        if not write and reads_inline(request):
            # The route's reads go on in the login lookup's transaction: one per page. It
            # takes no lock (a SQLite read in WAL mode) and the session closes on this loop.
            _run_hooks(request, session)
        else:  # BEGIN IMMEDIATE waits for SQLite's write lock; PostgreSQL for the network
            await run_in_threadpool(_run_hooks_and_commit, request, session)
        yield session
    finally:
        # On the loop, always: closing only rolls back (it never waits for a lock), and a
        # close that had to queue for a worker thread could wait behind threads that wait
        # for the connection it holds.
        session.close()


def _run_hooks(request: Request, session: Session) -> None:
    for hook in _on_open:
        hook(request, session)


def _run_hooks_and_commit(request: Request, session: Session) -> None:
    _run_hooks(request, session)
    # End the transaction at once: the login lookup (and a renewal of the login it saved)
    # must not hold SQLite's write lock, or a pooled connection, while the request waits
    # for a worker thread. The route's first statement begins its own transaction.
    session.commit()


SessionDep = Annotated[Session, Depends(get_session)]


class HasId(Protocol):
    id: int | None


def id_of(row: HasId) -> int:
    """The id of a row that has been inserted (flushed); an error, never a made-up 0, if not."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


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


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def within_days(column: Any, first: date | None, last: date | None) -> list[Any]:
    """WHERE conditions keeping a UTC timestamp ``column`` from day ``first`` to ``last``."""
    conditions = []
    if first is not None:
        conditions.append(col(column) >= day_start(first))
    if last is not None:
        conditions.append(col(column) < day_start(last) + timedelta(days=1))
    return conditions
