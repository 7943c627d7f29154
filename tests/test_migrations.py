"""Alembic is the only way the schema changes: upgrade to head, no drift, data survives."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app.db import metadata
from tests.migration_support import _config, _empty


def test_upgrade_empty_database_to_head_without_drift(engine):
    _empty(engine)
    command.upgrade(_config(engine), "head")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrations differ: {[d[0] for d in diff]} ({len(diff)})"


def test_upgrade_keeps_data_written_at_every_revision(engine):
    """Upgrade one revision at a time from the first, with a user and a login in place."""
    _empty(engine)
    config = _config(engine)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    command.upgrade(config, revisions[0].revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, name_key, created_at)"
                " VALUES (7, 'Riverside', 'riverside', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO user_account (id, email, display_name, password_hash, role, job_role,"
                " organization_id, created_at, password_changed_at) VALUES (3, 'kept@example.org',"
                " 'Kept Person', 'x', 'learner', 'teacher', 7,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO user_session (token_hash, user_id, created_at, last_seen_at,"
                " expires_at) VALUES ('h', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
    for revision in revisions[1:]:
        command.upgrade(config, revision.revision)
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT email, display_name, organization_id FROM user_account")
        ).all()
        sessions = conn.execute(text("SELECT user_id FROM user_session")).all()
        waiting = conn.execute(
            text("SELECT user_id, organization_id, kind FROM membership_request")
        ).all()
    # The typed organization waits for staff (revision 0006) instead of counting at once.
    assert rows == [("kept@example.org", "Kept Person", None)]
    assert waiting == [(3, 7, "self_declared")]
    assert sessions == [(3,)]
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
