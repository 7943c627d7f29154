"""The app's routes as (methods, path template, name), and valid values for path parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from app.db import id_of
from app.notifications.service import unsubscribe_token
from tests.security.conftest import DATA, World

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PARAM = re.compile(r"{([a-z_]+)(?::[a-z]+)?}")


@dataclass(frozen=True)
class RouteInfo:
    """One route of the app (included routers flattened)."""

    methods: frozenset[str]
    path: str
    name: str

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)

    def fill(self, **values: str) -> str:
        """The path with each ``{param}`` replaced (values are put in as given)."""
        return PARAM.sub(lambda m: values[m.group(1)], self.path)


def app_routes(app: FastAPI, prefix: str = "") -> list[RouteInfo]:
    """Every HTTP route, including those of included routers (FastAPI >= 0.16x nests them)
    and of mounted FastAPI applications (the JSON API at /api/v1), with their full paths."""
    found = []
    for route in app.routes:
        if isinstance(route, Mount) and isinstance(route.app, FastAPI):
            found += app_routes(route.app, prefix + route.path)
    for ctx in iter_route_contexts(app.routes):
        methods = ctx.methods
        path = ctx.path
        if not methods or not path:  # mounts (/static, /api/v1: walked above)
            continue
        found.append(RouteInfo(frozenset(methods) - {"HEAD"}, prefix + path, ctx.name or ""))
    return found


def _unsubscribe_token(world: World) -> str:
    """A real one-click unsubscribe token of learner A (due-date reminders)."""
    secret = world.app.state.settings.secret_key  # type: ignore[attr-defined]
    return unsubscribe_token(secret, user_id=id_of(world.learner_a), kind="due_reminder")


def valid_values(world: World, route: RouteInfo) -> dict[str, str]:
    """Path parameter values that reach each route's real work."""
    data = "/exercises/" in route.path or "/explore/" in route.path
    return {
        "slug": DATA if data else "journey-course",
        "module_id": "gaps" if data else "welcome",
        "activity_id": "el-gap" if data else "what-i-notice",
        "explore_id": "absence-explorer",
        "reflection_id": str(world.reflection_id),
        "user_id": str(world.learner_b.id),
        "code": world.certificate_code,
        "token": _unsubscribe_token(world)
        if route.path.startswith("/unsubscribe/")
        else "not-a-real-token",
        "name": "overview",
        "path": "picture.png",
        "token_id": "1",
        "endpoint_id": "1",
        "delivery_id": "1",
        "organization_id": str(world.learner_a.organization_id),
        "cohort_id": "1",
        "invite_id": "1",
        "domain_id": "1",
        "inquiry_id": "1",
        "assignment_id": "1",
        "prompt_id": "what-i-notice",
        "thread_id": "1",
        "post_id": "1",
        "notice_id": "1",
        "lrs_id": "1",
        "statement_pk": "1",
        "score_id": "1",
        "platform_id": "1",
        "context_id": "1",
        "ticket": "not-a-real-ticket",
    }


def role_for(route: RouteInfo) -> str:
    """The world's user who may use ``route`` (a World field name)."""
    if route.path.startswith(("/admin", "/author", "/account/tokens")):
        return "admin"
    if route.path.startswith("/staff"):
        return "staff_a"
    return "learner_a"
