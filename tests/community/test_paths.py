"""The thread path that emails, notices and staff pages build without a request is the
``community_thread`` route's path."""

from __future__ import annotations

from fastapi import FastAPI

from app.community.paths import thread_path


def test_thread_path_is_the_route_path(app: FastAPI) -> None:
    route = app.url_path_for("community_thread", slug="data-for-liberation", thread_id="42")
    assert thread_path("data-for-liberation", 42) == route
    assert thread_path("data-for-liberation", 42, post_id=7) == f"{route}#post-7"
