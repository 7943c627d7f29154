"""Revision 0003 (events, tokens, webhooks, enrollment.updated_at) on a database with data."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import text

from tests.migration_support import _config, _empty


def test_0003_backfills_updated_at_and_keeps_enrollments(engine) -> None:
    _empty(engine)
    config = _config(engine)
    command.upgrade(config, "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_account (id, email, display_name, password_hash, role, job_role,"
                " created_at, password_changed_at) VALUES (3, 'kept@example.org', 'Kept', 'x',"
                " 'learner', 'teacher', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        for cid, slug in ((5, "c"), (6, "d")):
            conn.execute(
                text(
                    "INSERT INTO course (id, slug, title, status, content_hash, synced_at)"
                    " VALUES (:cid, :slug, 'C', 'published', 'h', CURRENT_TIMESTAMP)"
                ),
                {"cid": cid, "slug": slug},
            )
        for eid, cid, last in ((11, 5, datetime(2026, 3, 4, 5, 6, 7)), (12, 6, None)):
            conn.execute(
                text(
                    "INSERT INTO enrollment (id, user_id, course_id, active, enrolled_at, percent,"
                    " last_activity_at) VALUES (:eid, 3, :cid, true, '2026-01-02 03:04:05', 40,"
                    " :last)"
                ),
                {"eid": eid, "cid": cid, "last": last},
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, percent, updated_at FROM enrollment ORDER BY id")
        ).all()
    assert [(r[0], r[1]) for r in rows] == [(11, 40), (12, 40)]
    stamps = [str(r[2]) for r in rows]
    assert stamps[0].startswith("2026-03-04 05:06:07")
    assert stamps[1].startswith("2026-01-02 03:04:05")
    with engine.begin() as conn:  # the new tables take rows
        conn.execute(
            text(
                "INSERT INTO api_token (user_id, name, token_hash, prefix, scopes, created_at,"
                " window_count) VALUES (3, 't', 'h', 'gw_', 'read:me', CURRENT_TIMESTAMP, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO domain_event (kind, enrollment_id, data, created_at)"
                " VALUES ('enrollment.created', 11, '{}', CURRENT_TIMESTAMP)"
            )
        )
