"""HEAD on every GET route: uptime monitors and link checkers send HEAD, and FastAPI's
APIRoute (unlike Starlette's Route) does not add it.

Done on the routes, not in middleware: a HEAD request goes through the same dependencies
(session, CSRF, roles) as its GET, and the server sends the headers without the body. The
OpenAPI description keeps listing GET alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import RouteContext, iter_route_contexts
from starlette.routing import BaseRoute


@dataclasses.dataclass(frozen=True)
class _WithoutHead(RouteContext):
    """A route as the OpenAPI generator should see it: HEAD is implied by GET."""

    @property
    def methods(self) -> set[str] | None:
        methods = super().methods
        return None if methods is None else set(methods) - {"HEAD"}


def _add_head(routes: Sequence[BaseRoute]) -> None:
    for route in routes:
        included = getattr(route, "original_router", None)  # an included APIRouter
        if included is not None:
            _add_head(included.routes)
        methods = getattr(route, "methods", None)
        if isinstance(methods, set) and "GET" in methods:
            methods.add("HEAD")


def answer_head_on_get_routes(app: FastAPI) -> None:
    """Add HEAD to the methods of every GET route, included routers' routes too.

    The routes are changed where they are declared (FastAPI builds each app's view of an
    included router lazily from them), so this adds nothing to the cost of creating an app.
    """
    _add_head(app.router.routes)

    def openapi() -> dict[str, Any]:
        if not app.openapi_schema:
            routes = [
                _WithoutHead(**{f.name: getattr(c, f.name) for f in dataclasses.fields(c)})
                for c in iter_route_contexts(app.routes)
            ]
            app.openapi_schema = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=routes,
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
