"""``/healthz`` for load balancers and uptime monitors: one ``SELECT 1``, at little cost.

Checked many times a second by some balancers, it skips FastAPI's dependency solving and the
threadpool: a plain Starlette route whose check runs on one database connection that this
process keeps for it alone (so it never waits for, or holds, a pooled connection).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

log = logging.getLogger("groundwork.health")


class _HealthConnection:
    """A DBAPI connection in autocommit mode, opened on first use and reopened after errors."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Any = None

    def check(self) -> bool:
        try:
            if self.connection is None:
                raw = self.engine.raw_connection()
                driver: Any = raw.driver_connection
                if hasattr(driver, "autocommit"):
                    driver.autocommit = True  # psycopg: no transaction left open
                self.connection = raw
            cursor = self.connection.cursor()
            try:
                cursor.execute("SELECT 1")
                cursor.fetchall()
            finally:
                cursor.close()
            return True
        except Exception:
            log.warning("Health check failed", exc_info=True)
            self.close()
            return False

    def close(self) -> None:
        if self.connection is not None:
            with suppress(Exception):  # closing a broken connection may fail too
                self.connection.invalidate()
            self.connection = None


async def healthz(request: Request) -> Response:
    """Liveness and database check for load balancers."""
    state = request.app.state
    checker: _HealthConnection | None = getattr(state, "health_connection", None)
    if checker is None or checker.engine is not state.engine:
        checker = state.health_connection = _HealthConnection(state.engine)
    if not checker.check():
        return PlainTextResponse("database unavailable", status_code=503)
    return PlainTextResponse("ok")


def health_route() -> Route:
    """The ``/healthz`` route (GET and HEAD)."""
    return Route("/healthz", healthz, methods=["GET", "HEAD"], name="healthz")
