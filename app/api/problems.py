"""Errors as RFC 9457 problem details (``application/problem+json``), never an HTML page."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.schemas import FieldError, ProblemDetails

log = logging.getLogger("groundwork.api")
PROBLEM_JSON = "application/problem+json"


class ApiProblem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def invalid(field: str, message: str) -> ApiProblem:
    """A 422 naming the one parameter that was not accepted."""
    return ApiProblem(
        422,
        f"The parameter {field!r} is not valid.",
        errors=[FieldError(field=field, message=message)],
    )


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = ProblemDetails(title=title, status=status, detail=detail, errors=errors or [])
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry declaring these error statuses as problem documents."""
    return {
        status: {
            "model": ProblemDetails,
            "content": {PROBLEM_JSON: {}},
            "description": HTTPStatus(status).phrase,
        }
        for status in statuses
    }


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "header", "body")]
    return ".".join(parts) or "request"


def install_problem_handlers(app: FastAPI) -> None:
    """Every error of the API app answers with a problem document."""

    @app.exception_handler(ApiProblem)
    async def api_problem(request: Request, exc: ApiProblem) -> Response:
        return problem_response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            FieldError(field=_field_name(e.get("loc", ())), message=str(e.get("msg", "")))
            for e in exc.errors()
        ]
        names = ", ".join(sorted({e.field for e in errors}))
        return problem_response(422, f"Not valid: {names}.", errors=errors)

    @app.exception_handler(DataError)
    async def unstorable(request: Request, exc: DataError) -> Response:
        log.warning("Database refused API input on %s", request.url.path)
        return problem_response(422, "A parameter holds a value that cannot be searched for.")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("Unhandled API error on %s %s", request.method, request.url.path)
        return problem_response(500, "Something went wrong on our side.")
