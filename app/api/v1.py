"""The JSON API v1, a FastAPI application of its own mounted at ``/api/v1``.

Its OpenAPI document is ``/api/v1/openapi.json``; every error is a problem document. Routes
are thin: check the token's scope, call one service function, return a declared model.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import FastAPI, Path, Query
from starlette.datastructures import State
from starlette.routing import Mount
from starlette.types import ASGIApp

from app.accounts.models import JobRole
from app.api import community as discussions
from app.api import enrollments as enrollment_service
from app.api.auth import (
    DiscussionReader,
    EnrollmentReader,
    MeReader,
    ReportReader,
    WebhookAdmin,
)
from app.api.catalog import certificate_out, course_detail, course_summary
from app.api.params import IsoDate, IsoDateTime
from app.api.problems import ApiProblem, install_problem_handlers, invalid, problem_responses
from app.api.reports import REPORT_NAMES, report_out
from app.api.schemas import (
    CertificateOut,
    CourseDetail,
    CourseList,
    EnrollmentPage,
    MyEnrollmentList,
    ReportOut,
    WebhookEndpointList,
    WebhookEndpointOut,
)
from app.app_settings import SettingsDep
from app.certificates import service as certificates
from app.content.access import can_see
from app.content.runtime import RegistryDep
from app.db import SessionDep
from app.head_requests import answer_head_on_get_routes
from app.signing import Signer
from app.webhooks import service as webhooks

AUTH_ERRORS = problem_responses(401, 403, 422, 429)
COHORT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # as learning.clean_cohort accepts
SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"  # course slugs and module ids


class _ApiMount(Mount):
    """A mount whose prefix match also spans encoded newlines in the rest of the path, so
    every request under /api/v1 gets the API's problem documents, never the site's pages."""

    def __init__(self, path: str, app: ASGIApp, name: str):
        super().__init__(path, app=app, name=name)
        self.path_regex = re.compile(self.path_regex.pattern, re.DOTALL)


def mount_api(app: FastAPI) -> None:
    """Mount the API application at /api/v1 on the site ``app``."""
    app.router.routes.append(_ApiMount("/api/v1", create_api(app.state), name="api_v1"))


def create_api(state: State) -> FastAPI:
    """The API application; it shares ``state`` (engine, settings, courses) with the site."""
    api = FastAPI(
        title="Groundwork API",
        version="1",
        description="Read-only access to the catalog, enrollments, reports and certificates. "
        "See docs/api.md.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    api.state = state
    install_problem_handlers(api)
    _routes(api)
    answer_head_on_get_routes(api)
    return api


def _routes(api: FastAPI) -> None:
    """Every route of the API, in the order its OpenAPI document lists them."""
    _course_routes(api)
    _enrollment_routes(api)
    _report_routes(api)
    _discussion_routes(api)
    _webhook_routes(api)
    _certificate_routes(api)


def _course_routes(api: FastAPI) -> None:
    """The public catalog: published courses and one course with its modules."""

    @api.get("/courses", response_model=CourseList, responses=problem_responses(422))
    def list_courses(registry: RegistryDep) -> CourseList:
        """The published courses."""
        return CourseList(data=[course_summary(c) for c in registry.published()])

    @api.get("/courses/{slug}", response_model=CourseDetail, responses=problem_responses(404, 422))
    def get_course(
        slug: Annotated[str, Path(max_length=100)], registry: RegistryDep
    ) -> CourseDetail:
        """One published course with its modules."""
        course = registry.get(slug)
        if course is None or not can_see(course, None):
            raise ApiProblem(404, "There is no published course with that slug.")
        return course_detail(course)


def _enrollment_routes(api: FastAPI) -> None:
    """Enrollments: your own (read:me), and those in your scope (read:enrollments)."""

    @api.get("/me/enrollments", response_model=MyEnrollmentList, responses=AUTH_ERRORS)
    def my_enrollments(
        principal: MeReader, session: SessionDep, registry: RegistryDep
    ) -> MyEnrollmentList:
        """Your enrollments: progress per module and the certificate code (scope read:me)."""
        return MyEnrollmentList(
            data=enrollment_service.my_enrollments(
                session, user=principal.user, courses=registry.courses
            )
        )

    @api.get(
        "/enrollments",
        response_model=EnrollmentPage,
        responses=problem_responses(401, 403, 404, 422, 429),
    )
    def list_enrollments(
        principal: EnrollmentReader,
        session: SessionDep,
        settings: SettingsDep,
        course: Annotated[str | None, Query(max_length=100)] = None,
        organization: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        cohort: Annotated[str | None, Query(pattern=COHORT_PATTERN)] = None,
        updated_since: IsoDateTime | None = None,
        cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]+$")] = None,
        limit: Annotated[int, Query(ge=1, le=enrollment_service.MAX_PAGE)] = 100,
    ) -> EnrollmentPage:
        """Enrollments in your organization scope, oldest change first (scope
        read:enrollments). Follow ``next_cursor`` until it is null."""
        query = enrollment_service.EnrollmentQuery(
            course=course,
            organization=organization,
            cohort=cohort,
            updated_since=updated_since,
            cursor=cursor,
            limit=limit,
        )
        try:
            page, next_cursor = enrollment_service.list_enrollments(
                session,
                staff=principal.user,
                query=query,
                settle_seconds=settings.api_settle_seconds,
                cursor_signer=Signer(settings.secret_key, "api-cursor"),
            )
        except enrollment_service.BadParameter as exc:
            raise invalid(exc.field, exc.message) from None
        except enrollment_service.NotFound as exc:
            raise ApiProblem(404, str(exc)) from None
        return EnrollmentPage(data=page, next_cursor=next_cursor)


def _report_routes(api: FastAPI) -> None:
    """Staff reports, as the report pages and CSVs show them (read:reports)."""

    @api.get(
        "/reports/{name}",
        response_model=ReportOut,
        responses=problem_responses(401, 403, 404, 422, 429),
    )
    def get_report(
        name: REPORT_NAMES,
        principal: ReportReader,
        session: SessionDep,
        settings: SettingsDep,
        registry: RegistryDep,
        course: Annotated[str | None, Query(max_length=100)] = None,
        organization: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        job_role: JobRole | None = None,
        cohort: Annotated[str | None, Query(pattern=COHORT_PATTERN)] = None,
        enrolled_from: IsoDate | None = None,
        enrolled_to: IsoDate | None = None,
    ) -> ReportOut:
        """A staff report, with the same figures and suppression as its page and CSV
        (scope read:reports)."""
        params = {
            "course": course,
            "organization": str(organization) if organization is not None else None,
            "job_role": job_role.value if job_role else None,
            "cohort": cohort,
            "enrolled_from": enrolled_from.isoformat() if enrolled_from else None,
            "enrolled_to": enrolled_to.isoformat() if enrolled_to else None,
        }
        given = {k: v for k, v in params.items() if v is not None}
        return report_out(
            session,
            staff=principal.user,
            name=name,
            params=given,
            courses=registry.courses,
            min_n=settings.min_group_size,
        )


def _discussion_routes(api: FastAPI) -> None:
    """Discussion threads and their posts (read:discussions)."""

    @api.get(
        "/discussions/threads",
        response_model=discussions.ThreadPage,
        responses=problem_responses(401, 403, 422, 429),
    )
    def list_discussion_threads(
        principal: DiscussionReader,
        session: SessionDep,
        course: Annotated[str | None, Query(max_length=100, pattern=SLUG_PATTERN)] = None,
        module: Annotated[str | None, Query(max_length=100, pattern=SLUG_PATTERN)] = None,
        after: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
        limit: Annotated[int, Query(ge=1, le=discussions.MAX_PAGE)] = 100,
    ) -> discussions.ThreadPage:
        """Discussion threads in your scope, oldest first (scope read:discussions). Follow
        ``next_after`` until it is null."""
        return discussions.list_threads(
            session, staff=principal.user, course=course, module=module, after=after, limit=limit
        )

    @api.get(
        "/discussions/threads/{thread_id}",
        response_model=discussions.ThreadDetail,
        responses=problem_responses(401, 403, 404, 422, 429),
    )
    def get_discussion_thread(
        thread_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        principal: DiscussionReader,
        session: SessionDep,
    ) -> discussions.ThreadDetail:
        """One thread with its posts, hidden ones included (scope read:discussions)."""
        try:
            return discussions.thread_detail(session, staff=principal.user, thread_id=thread_id)
        except discussions.NotFound:
            raise ApiProblem(404, "There is no thread with that id in your scope.") from None


def _webhook_routes(api: FastAPI) -> None:
    """Webhook endpoints and their deliveries (admin:webhooks)."""

    @api.get("/webhooks", response_model=WebhookEndpointList, responses=AUTH_ERRORS)
    def list_webhooks(principal: WebhookAdmin, session: SessionDep) -> WebhookEndpointList:
        """Webhook endpoints and their deliveries by status, without secrets (scope
        admin:webhooks)."""
        counts = webhooks.delivery_counts(session)
        return WebhookEndpointList(
            data=[
                WebhookEndpointOut(
                    id=e.id,
                    url=e.url,
                    events=e.event_list,
                    organization_id=e.organization_id,
                    active=e.active,
                    created_at=e.created_at,
                    deliveries=counts.get(e.id, {}),
                )
                for e, _ in webhooks.endpoints(session)
                if e.id is not None
            ]
        )


def _certificate_routes(api: FastAPI) -> None:
    """Public verification of certificate codes."""

    @api.get(
        "/certificates/{code}", response_model=CertificateOut, responses=problem_responses(404, 422)
    )
    def verify_certificate(
        code: Annotated[str, Path(max_length=64)], session: SessionDep
    ) -> CertificateOut:
        """Public verification of a certificate code, including whether it was revoked."""
        certificate = None if "\x00" in code else certificates.find(session, code=code)
        if certificate is None:
            raise ApiProblem(404, "No certificate has that code.")
        return certificate_out(certificate)
