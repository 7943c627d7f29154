"""The summaries' upkeep: migration 0004 backfills them from existing rows, and the
`groundwork reports rebuild` / `check` commands recompute and verify them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import app as cli
from app.reports import summary_store as summaries
from tests.migration_support import _config, _empty


def test_migration_backfills_summaries_from_existing_enrollments(engine) -> None:
    _empty(engine)
    config = _config(engine)
    command.upgrade(config, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, name_key, created_at)"
                " VALUES (7, 'Riverside', 'riverside', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO course (id, slug, title, status, content_hash, synced_at)"
                " VALUES (4, 'c', 'C', 'published', 'h', CURRENT_TIMESTAMP)"
            )
        )
        for uid, org, active, percent in ((3, 7, True, 40), (5, None, True, 100), (6, 7, False, 0)):
            conn.execute(
                text(
                    "INSERT INTO user_account (id, email, display_name, password_hash, role,"
                    " job_role, organization_id, created_at, password_changed_at) VALUES"
                    " (:id, :email, 'P', 'x', 'learner', 'teacher', :org, CURRENT_TIMESTAMP,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"id": uid, "email": f"p{uid}@example.org", "org": org},
            )
            conn.execute(
                text(
                    "INSERT INTO enrollment (user_id, course_id, cohort, active, enrolled_at,"
                    " percent, completed_at, updated_at) VALUES (:uid, 4, 'spring', :active,"
                    " CURRENT_TIMESTAMP, :percent, :done, CURRENT_TIMESTAMP)"
                ),
                {
                    "uid": uid,
                    "active": active,
                    "percent": percent,
                    "done": datetime.now(UTC) if percent == 100 else None,
                },
            )
    command.upgrade(config, "0004")
    with Session(engine) as session:
        kept = summaries.stored(session)
        assert kept[("enrolled", 4, 7, "teacher", "spring", "", 0)] == 1  # 6 left the course
        assert kept[("enrolled", 4, 0, "teacher", "spring", "", 0)] == 1
        assert kept[("percent", 4, 7, "teacher", "spring", "", 40)] == 1
        assert kept[("completed", 4, 0, "teacher", "spring", "", 0)] == 1
    command.upgrade(config, "head")  # 0006 moves memberships and cohorts, and recounts
    with Session(engine) as session:
        assert summaries.drift(session) == {}


@pytest.fixture
def cli_database(cli_environment) -> None:  # type: ignore[no-untyped-def]
    """The `groundwork` command pointed at this test's database."""


def test_rebuild_and_check_commands(client, engine, cli_database) -> None:
    runner = CliRunner()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO report_summary (measure, course_id, key, value, organization_id,"
                " job_role, cohort, n, level)"
                " VALUES ('enrolled', 999, '', 0, 0, 'teacher', '', 5, 7)"
            )
        )
    result = runner.invoke(cli, ["reports", "check"])
    assert result.exit_code == 1
    assert "1 summary rows differ" in result.output
    assert "kept 5, actual None" in result.output  # no such row in the raw data
    result = runner.invoke(cli, ["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt" in result.output
    result = runner.invoke(cli, ["reports", "check"])
    assert result.exit_code == 0
    assert "match the raw rows" in result.output
