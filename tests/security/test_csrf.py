"""CSRF: every unsafe route refuses a missing or forged token with the friendly 403; every
POST form in templates/ carries the token; htmx requests carry it in the header."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.config import ROOT
from app.security.csrf import CSRF_COOKIE, token_for
from tests.factories import make_user
from tests.helpers import csrf, login, soup
from tests.security.routes import UNSAFE, app_routes

TEMPLATES = ROOT / "templates"
FORGERIES = [None, "", "forged", "0" * 64, "é", "\u2603" * 64, "a\x00b"]
# Routes that others post to without this browser's cookie, and why that is safe.
EXEMPT = {
    ("POST", "/unsubscribe/{token}"): "RFC 8058 one-click unsubscribe: the mail program posts; "
    "the signed token in the URL is the credential, and it can only turn an email off",
    ("POST", "/lti/login"): "LTI login initiation: the platform's page posts it; it only "
    "records a single-use state and sends the browser to the registered platform",
    ("POST", "/lti/launch"): "LTI launch: the platform posts a signed id_token and the "
    "single-use state (nonce checked); an LMS iframe may keep no cookie at all",
    ("POST", "/lti/deep-link/{token}"): "LTI deep-linking answer from a third-party iframe "
    "(no cookie): the one-time token in the URL, bound to the instructor's launch, is the "
    "credential",
}


def _sample_path(path: str) -> str:
    return re.sub(r"{[a-z_]+(?::[a-z]+)?}", "1", path)


def _assert_friendly_403(response, where: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403, f"{where}: {response.status_code}"
    page = soup(response)
    assert page.select_one("h1").get_text() == "You do not have access to this page", where
    assert "form has expired" in page.get_text(), where


def _unsafe_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = [(m, r.path) for r in app_routes(app) for m in sorted(r.methods & UNSAFE)]
    assert len(found) >= 15
    assert set(EXEMPT) <= set(found)
    return [route for route in found if route not in EXEMPT]


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_unsafe_route_refuses_missing_or_forged_tokens(client, session, logged_in):
    """Form field and header forgeries, anonymous and logged in: the friendly 403 page."""
    if logged_in:
        login(client, make_user(session, role="admin"))
    csrf(client)
    for method, path in _unsafe_routes(client.app):
        url = _sample_path(path)
        for forged in FORGERIES:
            data = {"text": "hello"} if forged is None else {"csrf_token": forged, "text": "hi"}
            response = client.request(method, url, data=data)
            _assert_friendly_403(response, f"{method} {url} form {forged!r}")
            if forged:
                response = client.request(method, url, headers={"X-CSRF-Token": forged.encode()})
                _assert_friendly_403(response, f"{method} {url} header {forged!r}")
        json_body = client.request(method, url, json={"csrf_token": csrf(client)})
        _assert_friendly_403(json_body, f"{method} {url} JSON body")


def test_only_the_listed_routes_are_exempt(client):
    """The exempt route answers a cookie-less POST (a bad token: 404, not the 403 page),
    and the exemption is by route: its neighbours still refuse."""
    response = client.post("/unsubscribe/not-a-token", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    _assert_friendly_403(client.post("/account/notifications", data={}), "neighbour")
    for path in ("/lti/launch", "/lti/deep-link/not-a-token"):
        assert client.post(path, data={}).status_code in (400, 410), path


def test_token_of_another_browser_is_refused(app, client):
    """A valid token for someone else's cookie is a forgery here."""
    with TestClient(app, follow_redirects=False) as other:
        theirs = csrf(other)
    csrf(client)
    response = client.post("/login", data={"csrf_token": theirs, "email": "x"})
    _assert_friendly_403(response, "another browser's token")
    client.cookies.delete(CSRF_COOKIE)
    response = client.post("/login", data={"csrf_token": theirs, "email": "x"})
    _assert_friendly_403(response, "no cookie at all")


def _post_forms(source: str) -> list[str]:
    """The text of each <form ... method="post"> ... </form> in a template."""
    forms = re.findall(r"<form\b[^>]*>.*?</form>", source, flags=re.S | re.I)
    return [f for f in forms if re.search(r"""method\s*=\s*["']?post""", f, flags=re.I)]


# Forms that post to another site, which must never receive our token.
EXTERNAL_FORMS = {
    "templates/lti/deep_link_return.html": "the deep-linking answer, posted to the LMS",
}


def test_every_post_form_in_templates_carries_the_token():
    """Parse every template: each POST form has {{ csrf_input() }} inside it."""
    checked = 0
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text()
        opened = len(re.findall(r"<form\b", source, flags=re.I))
        closed = len(re.findall(r"</form>", source, flags=re.I))
        assert opened == closed, f"{path}: unbalanced <form> tags"
        for form in _post_forms(source):
            checked += 1
            if str(path.relative_to(ROOT)) in EXTERNAL_FORMS:
                assert "csrf_input" not in form, path
                continue
            if not re.search(r"{{-?\s*csrf_input\(\)\s*-?}}", form):
                missing.append(f"{path.relative_to(ROOT)}: {form[:80]}")
    assert checked >= 15
    assert not missing, "POST forms without {{ csrf_input() }}:\n" + "\n".join(missing)


def test_the_template_checker_can_fail():
    """The form finder does see a POST form without the token."""
    bad = '<form method="post" action="/x"><button>Go</button></form><form method="get"></form>'
    assert len(_post_forms(bad)) == 1
    assert "csrf_input" not in _post_forms(bad)[0]


def test_htmx_requests_carry_the_header(client, session):
    """<body hx-headers> holds this browser's token; a header-only request is accepted."""
    login(client, make_user(session))
    page = client.get("/me")
    body = BeautifulSoup(page.text, "html.parser").body
    headers = json.loads(body["hx-headers"])
    assert headers["X-CSRF-Token"] == token_for(
        client.cookies[CSRF_COOKIE], secret=client.app.state.settings.secret_key
    )
    accepted = client.post("/logout", headers={"X-CSRF-Token": headers["X-CSRF-Token"]})
    assert accepted.status_code == 303
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text()
        if re.search(r"hx-(post|put|patch|delete)=", source):
            # Fragments are swapped into pages built on base.html, inside its <body>.
            assert path.name.startswith("_") or "{% extends" in source, path
