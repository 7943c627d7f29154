"""Never a 500 for user input: every route, form field and query parameter gets hostile values.

Values (raw, already percent-encoded): very long strings, NUL bytes, non-UTF-8 escapes,
negative/huge numbers and ids past int32 and int64, wrong types, repeated parameters, unknown
slugs and ids. PostgreSQL rejects NUL bytes and integer overflow where SQLite accepts them:
``make test`` runs this file again with ``--postgres``.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.accounts.sessions import SESSION_COOKIE
from app.security.csrf import CSRF_COOKIE
from app.templating import FLASH_COOKIE
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import csrf, login, post_form, soup
from tests.security.conftest import DATA, World
from tests.security.routes import RouteInfo, app_routes

RAW_VALUES = [
    "",
    "%00",
    "a%00b",
    "%ff%fe%fd",
    "%c3%28",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "true",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999999",
    "-9223372036854775809",
    "A" * 3000,
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..%2F..%2Fetc%2Fpasswd",
    "%F0%9F%8C%B1",
    "%E2%80%AE",
    "%C2%B2",
    "%D9%A3",
    "a%00%40example.org",
]
# Query parameters the pages read (their GET forms add more, found by parsing each page).
QUERY_NAMES = [
    "q",
    "page",
    "role",
    "course",
    "prompt",
    "organization",
    "job_role",
    "cohort",
    "date_from",
    "date_to",
    "unread",
    "next",
    "confirm",
    "measure",
    "group_by",
    "group_by2",
    "compare",
    "reference",
]


# Values that pass validation, for fields a form shows empty: fuzzing one field while the
# others are good reaches the database instead of stopping at "this field is required".
GOOD = {
    "email": "fuzz.person@example.org",
    "password": DEFAULT_PASSWORD,
    "current_password": DEFAULT_PASSWORD,
    "new_password": "another good password",
    "confirm": "another good password",
    "display_name": "Fuzz Person",
    "organization": "Fuzz School",
    "job_role": "teacher",
    "text": "three good words",
    "name": "Fuzz Person",
    "confirmed": "yes",
    "reason": "issued by mistake",
    "body": "Thank you for sharing this.",
    "comment": "It was useful.",
    "answer": "5",
}


def _valid(world: World, route: RouteInfo) -> dict[str, str]:
    """Values that reach each route's real work."""
    data = "/exercises/" in route.path or "/explore/" in route.path
    return {
        "slug": DATA if data else "journey-course",
        "module_id": "gaps" if data else "welcome",
        "activity_id": "el-gap" if data else "what-i-notice",
        "explore_id": "absence-explorer",
        "reflection_id": str(world.reflection_id),
        "user_id": str(world.learner_b.id),
        "code": world.certificate_code,
        "token": "not-a-real-token",
        "name": "overview",
        "path": "picture.png",
    }


def _who(route: RouteInfo) -> str:
    if route.path.startswith(("/admin", "/author")):
        return "admin"
    if route.path.startswith("/staff"):
        return "staff_a"
    return "learner_a"


def _post_raw(client: TestClient, url: str, fields: list[tuple[str, str]]) -> int:
    """POST an urlencoded body built from raw (already encoded) names and values."""
    body = "&".join(f"{quote(k)}={v}" for k, v in [("csrf_token", csrf(client)), *fields])
    response = client.post(
        url,
        content=body.encode("latin-1"),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    return response.status_code


def _forms(html: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(method, action, [(name, value)]) of every form on a page."""
    found = []
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        fields = []
        for field in form.find_all(["input", "textarea", "select"]):
            name = field.get("name")
            if not name or name == "csrf_token":
                continue
            if field.name == "select":
                option = field.find("option")
                value = option.get("value", "") if option else ""
            elif field.name == "textarea":
                value = field.get_text()
            else:
                value = field.get("value", "")
            fields.append((name, quote(str(value or GOOD.get(name, "")))))
        found.append(((form.get("method") or "get").upper(), form.get("action") or "", fields))
    return found


LOGIN = "(sent to log in)"
PDF = "(a PDF: reads no query parameters, and is slow to make)"


class Fuzzer:
    """Sends requests and records any answer of 500 or more."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.sent = 0

    def check(self, status: int, what: str) -> None:
        self.sent += 1
        if status >= 500:
            self.failures.append(f"{status} {what}")

    def get(self, client: TestClient, url: str, who: str) -> str:
        response = client.get(url)
        self.check(response.status_code, f"GET {url[:160]} as {who}")
        if response.status_code == 303 and "/login" in response.headers["location"]:
            return LOGIN
        if response.headers.get("content-type", "").startswith("application/pdf"):
            return PDF
        return response.text if response.status_code < 400 else ""

    def post(self, client: TestClient, url: str, fields: list[tuple[str, str]], who: str) -> None:
        shown = "&".join(f"{k}={v[:40]}" for k, v in fields)[:200]
        self.check(_post_raw(client, url, fields), f"POST {url[:120]} [{shown}] as {who}")


def _run(world: World) -> Fuzzer:
    fuzz = Fuzzer()
    routes = [r for r in app_routes(world.app) if r.name not in ("logout", "openapi")]  # type: ignore[arg-type]
    # Leaving a course or the fuzzed forms changing roles would hide later routes: last.
    routes.sort(key=lambda r: r.name in ("unenroll", "admin_user_update"))
    forms: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    for route in routes:
        valid = _valid(world, route)
        for who in (_who(route), "anonymous"):
            client = world.client_for(who)
            # 1. The route as intended: collect its forms.
            url = route.fill(**valid)
            if "GET" in route.methods:
                page = fuzz.get(client, url, who)
                if page == LOGIN:
                    continue  # not for visitors: the login redirect comes before any input
                for method, action, fields in _forms(page):
                    # One form per route: the admin's per-user forms differ only in the id.
                    pattern = re.sub(r"/\d+", "/{id}", action or url)
                    forms.setdefault(f"{who} {method} {pattern}", (who, action or url, fields))
            else:
                fuzz.post(client, url, [], who)
            # 2. Each path parameter replaced by each hostile value.
            for param in route.params:
                for raw in RAW_VALUES:
                    if not raw or (param == "path" and raw.startswith("..")):
                        continue
                    bad = route.fill(**{**valid, param: raw})
                    if "GET" in route.methods:
                        fuzz.get(client, bad, who)
                    else:
                        fuzz.post(client, bad, [], who)
            if "GET" not in route.methods or page == PDF:
                continue
            # 3. Every known query parameter at once with each value, and repeated.
            for raw in RAW_VALUES:
                query = "&".join(f"{n}={raw}" for n in QUERY_NAMES)
                fuzz.get(client, f"{url}?{query}", who)
            repeated = "&".join(f"{n}=1&{n}=x&{n}=" for n in QUERY_NAMES)
            fuzz.get(client, f"{url}?{repeated}", who)
            # 4. One parameter at a time, with the nastiest values.
            for name in QUERY_NAMES:
                for raw in ("%00", "%ff", "%C2%B2", "99999999999999999999999"):
                    fuzz.get(client, f"{url}?{name}={raw}", who)
    # 5. Every form found on a page: each field in turn gets each hostile value.
    for key, (who, action, fields) in sorted(forms.items(), key=lambda kv: "unenroll" in kv[0]):
        method = key.split(" ")[1]
        if "/logout" in action:
            continue
        client = world.client_for(who)
        names = sorted({n for n, _ in fields}) + ["unexpected_field"]
        for name in names:
            for raw in RAW_VALUES:
                changed = [(n, raw if n == name else v) for n, v in fields]
                if name not in {n for n, _ in fields}:
                    changed.append((name, raw))
                if method == "GET":
                    query = "&".join(f"{quote(n)}={v}" for n, v in changed)
                    fuzz.get(client, f"{action}?{query}", who)
                else:
                    fuzz.post(client, action, changed, who)
            if method == "POST":  # the field sent twice, and missing
                fuzz.post(client, action, [*fields, (name, "x")], who)
                fuzz.post(client, action, [(n, v) for n, v in fields if n != name], who)
    return fuzz


def test_no_route_answers_500_to_hostile_input(world: World, caplog) -> None:  # type: ignore[no-untyped-def]
    """Walk every route, parameter and form field; nothing may answer 500 or log a crash."""
    for client in world.clients.values():
        client.__exit__(None, None, None)
    world.clients.clear()
    for who in ("learner_a", "staff_a", "admin", "anonymous"):
        client = TestClient(world.app, follow_redirects=False, raise_server_exceptions=False)  # type: ignore[arg-type]
        client.__enter__()
        if who != "anonymous":
            login(client, getattr(world, who))
        world.clients[who] = client
    with caplog.at_level(logging.ERROR, logger="groundwork"):
        fuzz = _run(world)
    assert fuzz.sent > 1000
    crashes = [r.getMessage() for r in caplog.records if "Unhandled" in r.getMessage()]
    assert not fuzz.failures, f"{len(fuzz.failures)} answers >= 500:\n" + "\n".join(
        fuzz.failures[:60]
    )
    assert not crashes


def test_body_over_the_limit_gets_the_friendly_413(client, session) -> None:  # type: ignore[no-untyped-def]
    """Declared and streamed oversize bodies: the 413 page, with a limit the user can act on."""
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    token = csrf(client)
    big = "csrf_token=" + token + "&text=" + "a" * (limit + 10)
    declared = client.post(
        "/login",
        content=big.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    def chunks():  # type: ignore[no-untyped-def]
        yield ("csrf_token=" + token + "&text=").encode()
        for _ in range(limit // 65536 + 2):
            yield b"a" * 65536

    streamed = client.post(
        "/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    for response in (declared, streamed):
        assert response.status_code == 413
        page = soup(response)
        assert page.select_one("h1").get_text() == "That was more than we can accept"
        assert f"{limit // 1024:,} KB" in page.get_text()
        assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("name", [CSRF_COOKIE, FLASH_COOKIE, SESSION_COOKIE])
def test_tampered_cookies_are_handled(app, name: str) -> None:  # type: ignore[no-untyped-def]
    """Huge, NUL, non-ASCII or malformed cookies: a page and a fresh start, never a 500."""
    values = [b"x" * 4000, b"a\x00b", b"\xc3\xa9", b"", b"abc.\xc3\xa9", b"e30=.\xff", b"%ff"]
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        for value in values:
            cookie = {"cookie": name.encode() + b"=" + value}
            assert client.get("/login", headers=cookie).status_code == 200, value
            assert client.get("/me", headers=cookie).status_code == 303, value
            form = {"csrf_token": "x", "email": "x"}
            assert client.post("/login", data=form, headers=cookie).status_code == 403, value
    with TestClient(app, follow_redirects=False) as client:
        response = post_form(client, "/login", {"email": "a@b.co", "password": "x" * 9})
        assert response.status_code == 400


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=zzz",
        "multipart/form-data",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/json",
        "text/plain",
    ],
)
def test_odd_bodies_are_refused_cleanly(client, content_type: str) -> None:  # type: ignore[no-untyped-def]
    """Malformed multipart, wrong charsets and JSON bodies: a 4xx page, never a 500."""
    response = client.post(
        "/login",
        content=b"--zzz\r\nContent-Disposition: form-data; name=\x00\r\n\r\n\xff\xfe--",
        headers={"content-type": content_type, "x-csrf-token": csrf(client)},
    )
    assert 400 <= response.status_code < 500
    response = client.post("/login", content=b"\xff\xfe", headers={"content-type": content_type})
    assert 400 <= response.status_code < 500
