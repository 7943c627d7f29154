"""HEAD answers wherever GET does (uptime monitors and link checkers use it): the same status
and headers, and no body. Walks the route table, so a new GET route is covered by itself."""

from __future__ import annotations

from fastapi.routing import iter_route_contexts

from tests.api.support import make_token
from tests.security.conftest import World
from tests.security.routes import app_routes, role_for, valid_values


def test_every_get_route_also_accepts_head(app) -> None:  # type: ignore[no-untyped-def]
    routes = [c for c in iter_route_contexts(app.routes) if c.methods and "GET" in c.methods]
    assert len(routes) > 30
    assert [c.path for c in routes if "HEAD" not in c.methods] == []


# GET routes that answer something other than 200 to the values used here, and why.
NOT_200 = {
    "/password/reset/{token}": "the token is not a real one: 400",
    "/verify-email/{token}": "the token is not a real one: 400",
    "/courses/{slug}/assets/{path:path}": "the fixture course has no such picture: 404",
    "/reflections/restore": "nothing parked to restore: 303 back",
    "/staff/orgs": "staff of one organization are sent to its page: 303",
    "/join/{code}": "the code used here is a certificate's, which names no invitation: 404",
    "/sso/start": "no organization has district sign-in here: the login page again, 400",
    "/sso/callback": "no sign-in attempt to finish: 400",
    "/lti/login": "no iss or login_hint: the launch-refused page, 400",
    "/lti/enter/{token}": "the token is not a real ticket: 410",
    "/lti/deep-link/{token}": "the token is not a real deep-linking request: 410",
    # The security world has no discussion thread, post or notice: 404 for everyone
    # (tests/community covers them with real rows).
    "/api/v1/discussions/threads/{thread_id}": "no thread 1 here: 404",
    "/community/notifications/{notice_id}": "no notice 1 here: 404",
    "/courses/{slug}/discussion/threads/{thread_id}": "no thread 1 here: 404",
    "/courses/{slug}/discussion/posts/{post_id}/edit": "no post 1 here: 404",
    "/courses/{slug}/discussion/posts/{post_id}/history": "no post 1 here: 404",
    "/courses/{slug}/discussion/posts/{post_id}/flag": "no post 1 here: 404",
    "/staff/community/threads/{thread_id}": "no thread 1 here: 404",
}


def test_head_answers_as_get_does_on_every_get_route(world: World, session) -> None:  # type: ignore[no-untyped-def]
    """For each GET route, as its user and as a visitor: HEAD's status and headers are GET's.
    API routes are called with an admin's token of every scope (and without one)."""
    bearer = {"Authorization": f"Bearer {make_token(session, world.admin)}"}
    mismatched, not_ok = [], []
    for route in app_routes(world.app):  # type: ignore[arg-type]
        if "GET" not in route.methods:
            continue
        url = route.fill(**valid_values(world, route))
        statuses = set()
        for who in (role_for(route), "anonymous"):
            client = world.client_for(who)
            headers = bearer if route.path.startswith("/api/") and who != "anonymous" else {}
            got = client.get(url, headers=headers)
            head = client.head(url, headers=headers)
            statuses.add(got.status_code)
            if head.status_code != got.status_code or head.content:
                mismatched.append(f"{url} as {who}: GET {got.status_code}, HEAD {head.status_code}")
            for name in ("content-type", "location", "content-security-policy"):
                if head.headers.get(name) != got.headers.get(name):
                    mismatched.append(f"{url} as {who}: {name} differs")
        if 200 not in statuses and route.path not in NOT_200:
            not_ok.append(f"{url}: {sorted(statuses)}")
    assert not mismatched, "\n".join(mismatched)
    assert not not_ok, "GET routes that no user reached (fix the values):\n" + "\n".join(not_ok)


def test_head_on_a_static_file_and_an_unknown_page(client) -> None:  # type: ignore[no-untyped-def]
    assert client.head("/static/css/app.css").status_code == 200
    assert client.head("/courses").status_code == 200
    assert client.head("/no/such/page").status_code == 404
    assert client.head("/healthz").content == b""
