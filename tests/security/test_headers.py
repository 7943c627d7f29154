"""Response headers and secrets: CSP without inline or eval script and with frame-ancestors
'none' on every response; cookies HttpOnly and SameSite=Lax (and Secure behind https); no
session token, CSRF nonce or answer key in any URL, redirect or log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts.models import OutboxEmail
from app.accounts.sessions import SESSION_COOKIE
from app.exercises.spec import variant_for
from app.main import create_app
from app.security.csrf import CSRF_COOKIE
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.security.conftest import DATA, JOURNEY, World
from tests.security.routes import app_routes
from tests.settings_support import make_production_settings, make_settings


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_csp(response, where: str) -> None:  # type: ignore[no-untyped-def]
    """Scripts only from this site, never inline or eval; never framed."""
    csp = response.headers.get("content-security-policy")
    assert csp, f"{where}: no CSP"
    rules = _directives(csp)
    scripts = rules.get("script-src", rules.get("default-src"))
    assert scripts is not None, f"{where}: no script-src or default-src"
    assert "'unsafe-inline'" not in scripts, where
    assert "'unsafe-eval'" not in scripts, where
    assert not any(s.startswith(("http:", "https:", "*", "data:")) for s in scripts), where
    if "sandbox" not in rules:  # a sandboxed asset runs no script at all
        assert rules.get("object-src") == ["'none'"], where
    assert rules.get("frame-ancestors") == ["'none'"], f"{where}: framing allowed ({csp})"
    assert response.headers.get("x-content-type-options") == "nosniff", where


def _urls(world: World) -> Iterator[tuple[str, str]]:
    values = {
        "slug": JOURNEY,
        "module_id": "practice",
        "activity_id": "what-i-notice",
        "explore_id": "absence-explorer",
        "reflection_id": str(world.reflection_id),
        "user_id": "1",
        "code": world.certificate_code,
        "token": "nope",
        "name": "overview",
        "path": "missing.png",
        "organization_id": str(world.learner_a.organization_id),
        "cohort_id": "1",
        "prompt_id": "what-i-notice",
        "thread_id": "1",
        "post_id": "1",
        "notice_id": "1",
        "lrs_id": "1",
        "statement_pk": "1",
        "score_id": "1",
        "platform_id": "1",
        "context_id": "1",
    }
    for route in app_routes(world.app):  # type: ignore[arg-type]
        if "GET" not in route.methods:
            continue
        data = "/explore/" in route.path
        url = route.fill(**{**values, **({"slug": DATA} if data else {})})
        for who in ("anonymous", "learner_a", "staff_a", "admin"):
            yield who, url


def test_every_response_has_the_policy(world: World) -> None:
    """Every GET route for every role, error pages, static files, downloads and assets."""
    seen = 0
    for who, url in _urls(world):
        response = world.client_for(who).get(url)
        assert_csp(response, f"{url} as {who} ({response.status_code})")
        seen += 1
    a = world.client_for("learner_a")
    for response in (
        a.get("/static/vendor/htmx.min.js"),
        a.get("/no/such/page"),
        a.post("/login"),  # CSRF 403
        a.put("/login"),  # 405
        a.get("/certificates/NOPE/pdf"),
    ):
        assert_csp(response, f"{response.url} {response.status_code}")
    assert seen > 100


def test_course_assets_are_sandboxed_and_never_framed(client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An author's SVG opened on its own runs no script and cannot be framed."""
    registry = client.app.state.registry
    course = registry.get(JOURNEY)
    assets = course.root / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    response = client.get(f"/courses/{JOURNEY}/assets/logo.svg")
    assert response.status_code == 200
    assert "sandbox" in _directives(response.headers["content-security-policy"])
    assert_csp(response, "course asset")


def _set_cookies(response) -> list[str]:  # type: ignore[no-untyped-def]
    return response.headers.get_list("set-cookie")


def _live(cookie: str) -> bool:
    """A cookie being set (not one being deleted)."""
    value = cookie.split(";")[0].split("=", 1)[1].strip('"')
    return bool(value) and "max-age=0" not in cookie.lower()


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000", "https://groundwork.example.org"])
def test_cookie_flags(engine, session, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Session, CSRF, flash and parked-text cookies: HttpOnly, SameSite=Lax, Secure on https;
    HSTS on https only."""
    app = create_app(make_settings(base_url=base_url), engine)
    user = make_user(session)
    cookies: dict[str, str] = {}
    scheme = base_url.split(":")[0]  # the client only sends Secure cookies over https
    with TestClient(app, follow_redirects=False, base_url=f"{scheme}://testserver") as c:
        responses = [c.get("/login"), login(c, user), c.get("/me")]
        responses.append(post_form(c, "/logout"))  # flash cookie
        # An expired login while writing parks the text in a cookie.
        responses.append(
            post_form(
                c,
                "/courses/data-for-liberation/reflections/norms-reflection",
                {"text": "kept while logged out", "action": "submit"},
            )
        )
        for response in responses:
            for cookie in _set_cookies(response):
                if _live(cookie):
                    cookies[cookie.split("=", 1)[0]] = cookie
    assert {SESSION_COOKIE, CSRF_COOKIE, "gw_flash", "gw_parked"} <= set(cookies)
    for response in responses:
        hsts = response.headers.get("strict-transport-security")
        assert (hsts == "max-age=31536000") == base_url.startswith("https://"), hsts
    for name, cookie in cookies.items():
        flags = [f.strip().lower() for f in cookie.split(";")[1:]]
        assert "httponly" in flags, name
        assert "samesite=lax" in flags, name
        assert ("secure" in flags) == base_url.startswith("https://"), (name, cookie)
        assert "path=/" in flags, name


def test_no_secret_in_urls_redirects_or_logs(world: World, caplog) -> None:
    """Session tokens, CSRF nonces and answer keys appear in no link, Location or log line."""
    caplog.set_level(logging.DEBUG)
    a = world.client_for("learner_a")
    token = a.cookies[SESSION_COOKIE]
    nonce = a.cookies[CSRF_COOKIE]
    course = world.app.state.registry.get(DATA)  # type: ignore[attr-defined]
    spec = course.activity("el-gap")[1]
    variant = spec.variant(variant_for(spec, world.learner_a.id or 0))
    key = f"{variant.answer.number:.4f}"
    locations: list[str] = []
    links: list[str] = []
    for url in ("/me", f"/courses/{DATA}/modules/gaps", "/me/journal", f"/courses/{JOURNEY}"):
        page = soup(a.get(url))
        for tag in page.find_all(href=True):
            links.append(tag["href"])
        for tag in page.find_all(["form", "script", "img"]):
            links.append(tag.get("action") or tag.get("src") or "")
    attempts = [
        post_form(a, f"/courses/{DATA}/exercises/el-gap/attempts", {"answer": "1"}),
        post_form(a, f"/courses/{DATA}/exercises/el-gap/attempts", {"answer": key}),
        post_form(a, f"/courses/{DATA}/exercises/el-gap/hint"),
        post_form(a, f"/courses/{JOURNEY}/modules/welcome/done"),
        a.get("/me/journal/99"),
        a.get("/staff"),
    ]
    locations += [r.headers.get("location", "") for r in attempts]
    with TestClient(world.app, follow_redirects=False) as visitor:  # type: ignore[arg-type]
        locations.append(visitor.get("/me").headers["location"])
        locations.append(login(visitor, world.learner_b).headers["location"])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (token, nonce, key):
        for place in (*locations, *links):
            assert secret not in place, (secret, place)
        assert secret not in logged
    assert all(not loc or "token" not in loc.lower() for loc in locations)


def test_reset_links_are_not_logged_in_production(engine, session, caplog) -> None:  # type: ignore[no-untyped-def]
    """Without SMTP in production the email is kept in the outbox, and the log line carries
    no reset link (a credential); development still logs it for local use."""
    make_user(session, email="reset.me@example.org")
    production = make_production_settings(smtp_url="")
    caplog.set_level(logging.DEBUG)
    app = create_app(production, engine)
    with TestClient(app, follow_redirects=False) as c:
        response = post_form(c, "/password/forgot", {"email": "reset.me@example.org"})
        assert response.status_code == 200
    session.expire_all()
    mail = session.exec(select(OutboxEmail)).one()
    link = next(line for line in mail.body.splitlines() if "/password/reset/" in line)
    token = link.rsplit("/", 1)[1]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "reset.me@example.org" in logged or "Reset your Groundwork password" in logged
    assert token not in logged
