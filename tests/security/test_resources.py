"""Robustness of the process itself: several lifespans of one app (two test clients, or a
server and a client) leave no content watcher running, so inotify instances are not used up
(that once failed the whole suite with "Too many open files")."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient


def _watchers() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "content_watcher" and t.is_alive())


def test_nested_lifespans_leave_no_watcher_behind(app) -> None:  # type: ignore[no-untyped-def]
    """Three clients of the same app at once: one watcher while they run, none after."""
    before = _watchers()
    with (
        TestClient(app) as one,
        TestClient(app) as two,
        TestClient(app) as three,
    ):
        assert _watchers() == before + 1
        assert one.get("/healthz").text == two.get("/healthz").text == three.get("/healthz").text
    for thread in threading.enumerate():
        if thread.name == "content_watcher":
            thread.join(timeout=5)
    assert _watchers() == before
