"""schemathesis against /api/v1/openapi.json, each case sent with a token of every scope:
no 500s, every response in its declared schema, status code and content type.

Both modes run: positive data (fits the schema: must be answered) and negative data
(wrong types, timestamps for dates, out-of-range values: must be refused with a 4xx).
Negative data found that ``updated_since=2024`` and ``enrolled_to=0`` were read as Unix
times (200, meaning 1970) before the API parsed dates strictly (app/api/params.py)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

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


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_its_schema(
    app, client, settings, tokens, method, path, mode
) -> None:  # type: ignore[no-untyped-def]
    settings.api_requests_per_minute = 1_000_000  # fuzz unthrottled
    # schemathesis resends 2xx cases without the token and expects 401: valid tokens are no
    # longer locked out by invalid ones, so those unauthenticated retries must not be either
    settings.login_max_failures = 1_000_000
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    if mode is GenerationMode.NEGATIVE and not operation.definition.raw.get("parameters"):
        pytest.skip("no parameters: nothing in the request can be made invalid")

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings_for_fuzzing
    def check(case) -> None:  # type: ignore[no-untyped-def]
        for token in tokens.values():
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                excluded_checks=_semantic_422(case),
            )

    check()


def _semantic_422(case) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Checks excluded by name, each for a rule the schema cannot express.

    Positive data: a cursor that no page gave out, and a date range that ends before it
    starts, are schema-valid values the API rightly refuses with a 422 naming the field.
    Negative data: an unknown query parameter is ignored (OpenAPI cannot say "no other
    parameters"), a mutated Authorization header is replaced by the valid token this test
    sends, and a null, empty list or object value is dropped or spread out when the query
    string is written, so none of them makes the request the server sees invalid.
    """
    query = case.query or {}
    if case.meta is not None and case.meta.generation.mode.is_negative:
        declared = {
            p["name"]
            for p in case.operation.definition.raw.get("parameters", [])
            if p.get("in") == "query"
        }
        unknown = any(name not in declared for name in query)
        mutated = case.meta.is_negative_at(ParameterLocation.QUERY) or case.meta.is_negative_at(
            ParameterLocation.PATH
        )
        # A null, an empty list or an object never reaches the server as written: it is left
        # out of the query string or spread into other names, so the request sent is valid.
        vanishes = any(v is None or v == [] or isinstance(v, dict) for v in query.values())
        if unknown or vanishes or not mutated:
            return [negative_data_rejection]
        return []
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
