"""Revision 0005: user_account.role holds one of the four roles, on a database with data."""

from __future__ import annotations

import logging

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.accounts.models import Role, User
from app.cli import app as cli_app
from tests.factories import make_user
from tests.migration_support import _config, _empty

_INSERT = (
    "INSERT INTO user_account (id, email, display_name, password_hash, role, job_role,"
    " created_at, password_changed_at) VALUES (:id, :email, 'Someone', 'x', :role, 'teacher',"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
# The old column took any string of up to 20 characters.
_BEFORE = {1: "learner", 2: "author", 3: "staff", 4: "admin", 5: "Admin", 6: "superuser"}


def _revision_before_0005(config: Config) -> str:
    down = ScriptDirectory.from_config(config).get_revision("0005").down_revision
    assert isinstance(down, str)
    return down


def test_0005_keeps_each_role_and_makes_unknown_ones_learners(engine, caplog) -> None:
    _empty(engine)
    config = _config(engine)
    before = _revision_before_0005(config)
    command.upgrade(config, before)
    with engine.begin() as conn:
        for uid, role in _BEFORE.items():
            conn.execute(text(_INSERT), {"id": uid, "email": f"u{uid}@example.org", "role": role})
        conn.execute(
            text(
                "INSERT INTO user_session (token_hash, user_id, created_at, last_seen_at,"
                " expires_at) VALUES ('h', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
    with caplog.at_level(logging.WARNING, logger="alembic.runtime.migration"):
        command.upgrade(config, "0005")
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, role FROM user_account")).all())
        sessions = conn.execute(text("SELECT user_id FROM user_session")).all()
    assert rows == {1: "learner", 2: "author", 3: "staff", 4: "admin", 5: "learner", 6: "learner"}
    assert sessions == [(4,)]
    changed = [r.getMessage() for r in caplog.records if "unknown role" in r.getMessage()]
    assert changed == [
        "user_account 5: unknown role 'Admin' becomes 'learner'",
        "user_account 6: unknown role 'superuser' becomes 'learner'",
    ]
    with Session(engine) as session:  # the model reads every stored value as a Role
        roles = session.exec(select(User.id, User.role).order_by(User.id)).all()
    assert roles == [
        (1, Role.learner),
        (2, Role.author),
        (3, Role.staff),
        (4, Role.admin),
        (5, Role.learner),
        (6, Role.learner),
    ]
    assert all(type(role) is Role for _, role in roles)

    with pytest.raises(IntegrityError, match="ck_user_account_role"), engine.begin() as conn:
        conn.execute(text(_INSERT), {"id": 7, "email": "u7@example.org", "role": "root"})

    command.downgrade(config, before)  # and back: the constraint goes, the values stay
    with engine.begin() as conn:
        conn.execute(text(_INSERT), {"id": 7, "email": "u7@example.org", "role": "root"})
        assert conn.execute(text("SELECT count(*) FROM user_account")).scalar_one() == 7


def test_role_column_refuses_values_outside_the_enum(session) -> None:
    """The model's own table (create_all, as the test databases are made) has the check."""
    user = make_user(session, role=Role.staff)
    session.refresh(user)
    assert user.role is Role.staff
    with pytest.raises(IntegrityError, match="ck_user_account_role"):
        session.execute(
            text("UPDATE user_account SET role = 'root' WHERE id = :id"), {"id": user.id}
        )
    session.rollback()
    user.role = "root"  # type: ignore[assignment]
    session.add(user)
    with pytest.raises(StatementError, match="root"):
        session.flush()


def test_db_upgrade_names_each_account_whose_role_it_changed(engine, cli_environment) -> None:
    """`groundwork db upgrade` shows the migration's warnings (it configures no logging of
    its own otherwise, and Alembic's logger would swallow them)."""
    _empty(engine)
    config = _config(engine)
    command.upgrade(config, _revision_before_0005(config))
    with engine.begin() as conn:
        conn.execute(text(_INSERT), {"id": 12, "email": "odd@example.org", "role": "Admin"})
    result = CliRunner().invoke(cli_app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "WARNING user_account 12: unknown role 'Admin' becomes 'learner'" in result.output
    assert "-> 0005, user_account.role" in result.output  # 0003 or 0004 before it
