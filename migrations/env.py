"""Alembic environment: the app's metadata, batch mode on SQLite, the app's engine settings."""

from __future__ import annotations

from alembic import context

import app.models  # noqa: F401  (registers every table)
from app.config import get_settings
from app.db import make_engine, metadata

config = context.config


def run_migrations() -> None:
    url = config.attributes.get("database_url") or get_settings().database_url
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _run_sqlite(conn)
        else:
            _run(conn)
    engine.dispose()


def _run_sqlite(conn) -> None:  # type: ignore[no-untyped-def]
    # Batch mode rebuilds a table by copy-and-rename, which foreign keys would block or
    # cascade. SQLite only lets them be switched off outside a transaction, so do it on
    # the raw connection first, and check every reference once the migration is done.
    raw = conn.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        _run(conn)
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations()
