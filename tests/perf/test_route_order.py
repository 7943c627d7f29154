"""The learning router is matched first (issue 24); it must not hide any later route."""

from __future__ import annotations

import re

from starlette.routing import BaseRoute

from app.learning import routes as learning_routes
from app.main import create_app


def _flat_routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for route in create_app().routes:
        inner = getattr(route, "original_router", None)
        found.extend(inner.routes if inner is not None else [route])
    return found


def test_learning_routes_come_first_and_shadow_no_other_route():
    routes = _flat_routes()
    learning = list(learning_routes.router.routes)
    first_app_route = next(
        i for i, r in enumerate(routes) if getattr(r, "path", "").startswith("/courses")
    )
    assert routes[first_app_route] is learning[0]
    mine = {id(r) for r in learning}
    checked = 0
    for route in routes:
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if path is None or methods is None or id(route) in mine:
            continue
        checked += 1
        # A concrete URL of this route: each {param} filled with a plain value.
        sample = re.sub(r"\{[^}]+\}", "x1", path)
        for earlier in learning:
            assert not (earlier.path_regex.match(sample) and earlier.methods & methods), (
                f"{path} is answered by the learning route {earlier.path} first"
            )
    assert checked > 100
