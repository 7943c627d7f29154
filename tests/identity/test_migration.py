"""Revision 0007 on a database with accounts: every one stays, unverified, staff included."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.migration_support import _config, _empty

_INSERT = (
    "INSERT INTO user_account (id, email, display_name, password_hash, role, job_role,"
    " created_at, password_changed_at) VALUES (:id, :email, 'Someone', 'x', :role, 'teacher',"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_0007_keeps_every_account_unverified(engine) -> None:
    _empty(engine)
    config = _config(engine)
    before = ScriptDirectory.from_config(config).get_revision("0007").down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    roles = {1: "learner", 2: "author", 3: "staff", 4: "admin"}
    with engine.begin() as conn:
        for uid, role in roles.items():
            conn.execute(text(_INSERT), {"id": uid, "email": f"u{uid}@example.org", "role": role})
    command.upgrade(config, "0007")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, email, email_verified_at FROM user_account ORDER BY id")
        ).all()
        links = conn.execute(text("SELECT count(*) FROM email_verification")).scalar_one()
    assert [tuple(r) for r in rows] == [(uid, f"u{uid}@example.org", None) for uid in roles]
    assert links == 0
    command.downgrade(config, before)
    command.upgrade(config, "head")
