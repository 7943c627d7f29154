"""create_app(): routers, static files, middleware and friendly error pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import models  # noqa: F401  (every table registered)
from app.accounts import admin_routes
from app.accounts import routes as accounts_routes
from app.api import token_routes
from app.api.v1 import mount_api
from app.app_settings import settings_of
from app.assignments import routes as assignments_routes
from app.certificates import routes as certificates_routes
from app.community import moderation_routes as community_moderation_routes
from app.community import notify_routes as community_notify_routes
from app.community import routes as community_routes
from app.community import search_routes as community_search_routes
from app.community import staff_routes as community_staff_routes
from app.config import ROOT, VAR_DIR, Settings, get_settings
from app.content import routes as content_routes
from app.content import runtime as content_runtime
from app.datasets import routes as datasets_routes
from app.db import make_engine, open_session
from app.deps import LoginRequired, attach_user, resolve_user
from app.exercises import routes as exercises_routes
from app.head_requests import answer_head_on_get_routes
from app.health import health_route
from app.identity import routes as identity_routes
from app.inquiries import routes as inquiries_routes
from app.learning import routes as learning_routes
from app.lti import admin_routes as lti_admin_routes
from app.lti import roster_routes as lti_roster_routes
from app.lti import routes as lti_routes
from app.notifications import routes as notifications_routes
from app.orgs import admin_routes as orgs_admin_routes
from app.orgs import join_routes as orgs_join_routes
from app.orgs import routes as orgs_routes
from app.reflections import routes as reflections_routes
from app.reflections import staff_routes as reflections_staff_routes
from app.registries import verify_registered
from app.reports import routes as reports_routes
from app.security.csrf import CsrfError, csrf_protect
from app.security.middleware import BodyLimitMiddleware, BrowserStateMiddleware
from app.sso import routes as sso_routes
from app.surveys import routes as surveys_routes
from app.templating import compile_templates, flash, render, templates
from app.webhooks import routes as webhooks_routes
from app.webhooks import runtime as webhooks_runtime
from app.xapi import delivery as xapi_delivery  # noqa: F401  (registers the statement round)
from app.xapi import routes as xapi_routes

log = logging.getLogger("groundwork")

ERROR_TITLES = {
    400: "Something in that request was not right",
    403: "You do not have access to this page",
    404: "We could not find that page",
    405: "That action is not available here",
    413: "That was more than we can accept",
    429: "Too many requests",
    500: "Something went wrong on our side",
}


def _error_page(request: Request, status: int, message: str | None = None) -> Response:
    user = getattr(request.state, "user", None)
    if user is not None and sa_inspect(user).expired:  # a failed commit expired it
        del request.state.user
    if not hasattr(request.state, "user"):  # no route matched, so no dependency ran
        with open_session(engine=request.app.state.engine) as session:
            resolve_user(request, session)
    if status not in ERROR_TITLES:
        status = 500 if status >= 500 else 400
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": ERROR_TITLES[status], "message": message},
        status_code=status,
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
        if exc.status_code == 413:
            limit = settings_of(request.app).max_body_bytes
            message = f"Requests are limited to {limit // 1024:,} KB. Please send less text."
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(CsrfError)
    async def csrf_error(request: Request, exc: CsrfError) -> Response:
        return _error_page(
            request,
            403,
            "This form has expired or was sent from another site. Go back, reload the page "
            "and try again; what you typed may still be in the form.",
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if all(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return _error_page(request, 404)  # an id that cannot exist names no page
        return _error_page(request, 400, "Some fields were missing or not in the expected form.")

    @app.exception_handler(DataError)
    async def unstorable(request: Request, exc: DataError) -> Response:
        # PostgreSQL refuses NUL characters and numbers past its column types where SQLite
        # accepts them: bad input, not a crash. Log the driver's first line, not the values.
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        log.warning("Database refused input on %s %s: %s", request.method, request.url.path, reason)
        return _error_page(
            request,
            400,
            "Something you sent cannot be stored or searched for, such as a NUL character "
            "or a number that is far too large. Please remove it and try again.",
        )

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        flash(request, "Please log in to continue.", "info")
        return RedirectResponse(
            request.url_for("login_form").include_query_params(next=exc.next_path), 303
        )

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        return _error_page(request, 500)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The Groundwork ASGI application."""
    verify_registered()
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        content_runtime.start_content(app)
        compile_templates(VAR_DIR / "template-cache")
        webhooks_runtime.start_background(app)
        yield
        webhooks_runtime.stop_background(app)
        content_runtime.stop_content(app)
        checker = getattr(app.state, "health_connection", None)
        if checker is not None:
            checker.close()

    app = FastAPI(
        title="Groundwork",
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect), Depends(attach_user)],
        docs_url=None,
        redoc_url=None,
        # The site's own pages are not an API: production serves only /api/v1/openapi.json.
        openapi_url=None if settings.is_production else "/openapi.json",
    )
    # Re-reading templates from disk when they change is for development only: in production
    # the check stats every included file on every render.
    templates.env.auto_reload = settings.environment == "development"
    app.state.settings = settings
    app.state.engine = engine
    # The body limit sits inside the http middleware so its 413 reaches the error handler.
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(
        BrowserStateMiddleware, secure=settings.secure_cookies, secret=settings.secret_key
    )
    _install_error_handlers(app)
    app.router.routes.append(health_route())
    app.mount("/static", StaticFiles(directory=ROOT / "app" / "static"), name="static")
    mount_api(app)
    # First: the learner pages are the most requested, and Starlette tries routes in order.
    # No route of a later router has a path that one of these matches (checked by
    # tests/perf/test_route_order.py).
    app.include_router(learning_routes.router)
    app.include_router(accounts_routes.router)
    app.include_router(identity_routes.router)
    app.include_router(content_routes.router)
    app.include_router(reflections_routes.router)
    app.include_router(reflections_staff_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(token_routes.router)
    app.include_router(webhooks_routes.router)
    app.include_router(xapi_routes.router)
    app.include_router(surveys_routes.router)
    app.include_router(certificates_routes.router)
    app.include_router(exercises_routes.router)
    app.include_router(datasets_routes.router)
    app.include_router(reports_routes.router)
    app.include_router(assignments_routes.router)
    app.include_router(notifications_routes.router)
    app.include_router(community_notify_routes.router)
    app.include_router(orgs_routes.router)
    app.include_router(orgs_join_routes.router)
    app.include_router(orgs_admin_routes.router)
    app.include_router(inquiries_routes.router)
    app.include_router(community_routes.router)
    app.include_router(community_staff_routes.router)
    app.include_router(community_moderation_routes.router)
    app.include_router(community_search_routes.router)
    app.include_router(sso_routes.router)
    app.include_router(lti_routes.router)
    app.include_router(lti_admin_routes.router)
    app.include_router(lti_roster_routes.router)
    answer_head_on_get_routes(app)
    return app
