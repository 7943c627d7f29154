"""The JSON API's route table: each route's scope (None: public), and values to fill it.

tests/security/test_route_table.py fails for an API route missing here, and
tests/api/test_api_routes.py tries every row with no token, a token without the scope and
a token with it.
"""

from __future__ import annotations

API_ROUTES: dict[tuple[str, str], str | None] = {
    ("GET", "/api/v1/openapi.json"): None,
    ("GET", "/api/v1/courses"): None,
    ("GET", "/api/v1/courses/{slug}"): None,
    ("GET", "/api/v1/certificates/{code}"): None,
    ("GET", "/api/v1/me/enrollments"): "read:me",
    ("GET", "/api/v1/enrollments"): "read:enrollments",
    ("GET", "/api/v1/reports/{name}"): "read:reports",
    ("GET", "/api/v1/webhooks"): "admin:webhooks",
    ("GET", "/api/v1/discussions/threads"): "read:discussions",
    ("GET", "/api/v1/discussions/threads/{thread_id}"): "read:discussions",
}

VALUES = {"slug": "data-for-liberation", "code": "AAAA-BBBB-CCCC", "name": "overview"}
