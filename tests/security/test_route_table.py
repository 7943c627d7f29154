"""Every route is either in the role-access table (tests/test_role_access.py) or on the
explicit list of public routes below; a new route that is in neither fails here."""

from __future__ import annotations

import re

from tests.api.routes_table import API_ROUTES
from tests.helpers import post_form
from tests.role_table import ROUTES
from tests.security.routes import RouteInfo, app_routes

# (method, path template): pages a visitor may use without logging in, and why.
PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/"): "front page",
    ("GET", "/healthz"): "load balancer check",
    ("GET", "/openapi.json"): "API description (no data)",
    ("GET", "/signup"): "sign-up form",
    ("POST", "/signup"): "sign up",
    ("GET", "/login"): "login form",
    ("POST", "/login"): "log in",
    ("POST", "/logout"): "log out (a visitor is simply sent home)",
    ("GET", "/password/forgot"): "ask for a reset link",
    ("POST", "/password/forgot"): "send a reset link",
    ("GET", "/password/reset/{token}"): "reset form (the token is the credential)",
    ("POST", "/password/reset/{token}"): "reset (the token is the credential)",
    ("GET", "/verify-email/{token}"): "confirm page of an emailed link (writes nothing)",
    ("POST", "/verify-email/{token}"): "verify an email address (the token is the credential)",
    ("GET", "/courses"): "catalog",
    ("GET", "/courses/{slug}"): "public course page",
    ("POST", "/courses/{slug}/enroll"): "visitors are sent to sign up, then come back",
    ("GET", "/courses/{slug}/assets/{path:path}"): "course images (drafts: authors only)",
    ("GET", "/certificates/{code}"): "public certificate verification",
    ("GET", "/courses/{slug}/discussion/guidelines"): "a course's community guidelines (no "
    "member data)",
    ("GET", "/unsubscribe/{token}"): "unsubscribe page from an email (the signed token names "
    "the user and the kind; GET never unsubscribes)",
    ("POST", "/unsubscribe/{token}"): "RFC 8058 one-click unsubscribe, posted by mail programs",
    ("GET", "/join/{code}"): "invitation link: what it joins, and sign-up or log-in",
    ("GET", "/bring-groundwork"): "district inquiry form",
    ("POST", "/bring-groundwork"): "send a district inquiry (throttled, honeypot)",
    ("GET", "/bring-groundwork/thanks"): "thank-you page after an inquiry",
    ("GET", "/sso/start"): "start a district's sign-in (link or district list)",
    ("POST", "/sso/start"): "start district sign-in by email domain",
    ("GET", "/sso/callback"): "the identity provider sends the browser back here",
    ("GET", "/lti/jwks.json"): "the LTI tool's public keys (platforms check our signatures)",
    ("GET", "/lti/config.json"): "the LTI tool configuration document (addresses, no data)",
    ("GET", "/lti/login"): "LTI login initiation from a registered platform",
    ("POST", "/lti/login"): "LTI login initiation from a registered platform (form post)",
    ("POST", "/lti/launch"): "LTI launch: the platform-signed id_token and single-use state",
    ("GET", "/lti/enter/{token}"): "finish an LTI launch (the one-time ticket is the credential)",
    ("POST", "/lti/enter/{token}"): "continue an LTI launch in a new window (ticket + CSRF)",
    ("GET", "/lti/deep-link/{token}"): "LTI deep-linking picker (the one-time token is the "
    "credential)",
    ("POST", "/lti/deep-link/{token}"): "answer the platform's deep-linking request (token)",
    ("POST", "/courses/{slug}/reflections/{activity_id}/autosave"): (
        "htmx autosave: a visitor gets a 'you are logged out' status line, nothing is saved"
    ),
}


def _pattern(route: RouteInfo) -> re.Pattern[str]:
    parts = re.split(r"({[a-z_]+(?::[a-z]+)?})", route.path)
    regex = "".join(
        (".+" if p.endswith(":path}") else "[^/]+") if p.startswith("{") else re.escape(p)
        for p in parts
    )
    return re.compile(f"^{regex}$")


def _table_rows_for(route: RouteInfo, method: str) -> list[str]:
    pattern = _pattern(route)
    return [p for m, p, _ in ROUTES if m == method and pattern.match(p)]


def test_every_route_is_in_the_role_table_or_public(app) -> None:  # type: ignore[no-untyped-def]
    """Enumerate app.routes: a route needing a login or role must have a table row."""
    missing = []
    for route in app_routes(app):
        for method in sorted(route.methods):
            if (method, route.path) in PUBLIC or (method, route.path) in API_ROUTES:
                continue
            if not _table_rows_for(route, method):
                missing.append(f"{method} {route.path} ({route.name})")
    assert not missing, (
        "Routes in neither tests/test_role_access.py ROUTES, tests/api/routes_table.py nor "
        "the PUBLIC list here:\n" + "\n".join(missing)
    )


def test_public_list_names_real_routes(app) -> None:  # type: ignore[no-untyped-def]
    """No stale entries: each public entry is a route of the app, and not also in the table."""
    existing = {(m, r.path) for r in app_routes(app) for m in r.methods}
    assert set(PUBLIC) <= existing, set(PUBLIC) - existing
    for method, path in PUBLIC:
        route = RouteInfo(frozenset({method}), path, "")
        assert not _table_rows_for(route, method), f"{method} {path} is public and in the table"


def test_public_routes_really_do_not_ask_for_a_login(client) -> None:  # type: ignore[no-untyped-def]
    """A visitor reaching a public route is not sent to the login page."""
    values = {
        "slug": "data-for-liberation",
        "token": "not-a-token",
        "path": "nothing.png",
        "code": "AAAA-BBBB-CCCC",
        "activity_id": "norms-reflection",
    }
    for (method, path), _ in PUBLIC.items():
        url = RouteInfo(frozenset({method}), path, "").fill(**values)
        response = client.get(url) if method == "GET" else post_form(client, url, {})
        location = response.headers.get("location", "")
        assert "/login" not in location or path in ("/signup", "/courses/{slug}/enroll"), url
        assert response.status_code < 500, url


def test_the_table_check_can_fail() -> None:
    """A made-up route with no row is reported."""
    invented = RouteInfo(frozenset({"GET"}), "/staff/secret/{thing_id}", "secret")
    assert not _table_rows_for(invented, "GET")
    known = RouteInfo(frozenset({"GET"}), "/staff/reports/{name}.csv", "staff_report_csv")
    assert _table_rows_for(known, "GET")
