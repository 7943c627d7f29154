"""/enrollments hands out only rows that have settled (changed at least
GROUNDWORK_API_SETTLE_SECONDS ago), so a transaction that stamps updated_at and commits late
cannot land behind a cursor already handed out."""

from __future__ import annotations

from datetime import timedelta

from app.db import utcnow
from tests.api.support import api_get, make_token
from tests.reports.support import Seed


def _all(client, token: str) -> list[dict]:  # type: ignore[no-untyped-def]
    rows, cursor = [], None
    while True:
        page = api_get(
            client, "/enrollments", token, limit=7, **({"cursor": cursor} if cursor else {})
        )
        assert page.status_code == 200, page.text
        rows += page.json()["data"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return rows


def test_recent_changes_wait_for_the_settle_time(
    client, session, data: Seed, admin, settings, monkeypatch
) -> None:
    token = make_token(session, admin, "read:enrollments")
    everything = _all(client, token)
    assert everything  # settle time 0 in the suite: all rows at once
    monkeypatch.setattr(settings, "api_settle_seconds", 60)
    assert api_get(client, "/enrollments", token).json()["data"] == []  # all changed just now
    later = utcnow() + timedelta(seconds=61)
    monkeypatch.setattr("app.api.enrollments.utcnow", lambda: later)
    settled = _all(client, token)
    assert [r["id"] for r in settled] == [r["id"] for r in everything]
