"""schemathesis against /api/v1/openapi.json, each case sent with a token of every scope:
no 500s, every response in its declared schema, status code and content type."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.routes_table import API_ROUTES
from tests.api.support import make_token
from tests.factories import make_user
from tests.reports.support import Seed

SCOPES = {
    "read:me": "learner",
    "read:enrollments": "staff",
    "read:reports": "staff",
    "read:discussions": "staff",
    "admin:webhooks": "admin",
}
OPERATIONS = sorted(
    (method, path.removeprefix("/api/v1"))
    for method, path in API_ROUTES
    if not path.endswith("/openapi.json")
)


@pytest.fixture
def tokens(session, data: Seed) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """For each scope, a token holding only it, of an account whose role allows it."""
    made = {}
    riverside = data.orgs["Riverside"].id
    for scope, role in SCOPES.items():
        owner = make_user(
            session,
            role=role,
            organization_id=riverside,
            staff_organization_id=riverside if role == "staff" else None,
        )
        made[scope] = make_token(session, owner, scope)
    return made


def test_every_operation_is_fuzzed(app) -> None:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    found = sorted((op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations())
    assert found == OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_its_schema(app, client, settings, tokens, method, path) -> None:  # type: ignore[no-untyped-def]
    settings.api_requests_per_minute = 1_000_000  # fuzz unthrottled
    # schemathesis resends 2xx cases without the token and expects 401: valid tokens are no
    # longer locked out by invalid ones, so those unauthenticated retries must not be either
    settings.login_max_failures = 1_000_000
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings_for_fuzzing
    def check(case) -> None:  # type: ignore[no-untyped-def]
        for token in tokens.values():
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                excluded_checks=_semantic_422(case),
            )

    check()


def _semantic_422(case) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Schema-valid values the API rightly refuses with a 422 naming the field: a cursor
    that no page gave out, and a date range that ends before it starts."""
    query = case.query or {}
    backwards = "enrolled_from" in query and "enrolled_to" in query
    if "cursor" in query or backwards:
        return [positive_data_acceptance]
    return []


settings_for_fuzzing = hypothesis_settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
