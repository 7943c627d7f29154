"""Migration 0009 on a database holding emails: they keep everything and get no headers;
downgrading drops the new tables and the column again."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.migration_support import _config, _empty


def test_outbox_emails_survive_with_empty_headers(engine) -> None:  # type: ignore[no-untyped-def]
    _empty(engine)
    config = _config(engine)
    before = ScriptDirectory.from_config(config).get_revision("0009").down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outbox_email (id, to_address, subject, body, created_at)"
                " VALUES (5, 'kept@example.org', 'Kept', 'A body', CURRENT_TIMESTAMP)"
            )
        )
    command.upgrade(config, "0009")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT subject, body, headers FROM outbox_email")).one()
        tables = set(inspect(conn).get_table_names())
    assert tuple(row) == ("Kept", "A body", "")
    assert {"assignment", "notification_setting", "reminder_sent"} <= tables
    command.downgrade(config, before)
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("outbox_email")}
        tables = set(inspect(conn).get_table_names())
        kept = conn.execute(text("SELECT subject FROM outbox_email")).scalar_one()
    assert "headers" not in columns
    assert "assignment" not in tables
    assert kept == "Kept"
