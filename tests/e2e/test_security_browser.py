"""In a real browser against a real server (uvicorn, Debian chromium): hostile learner text
never runs (no dialog, no CSP violation), session and CSRF cookies are out of script's reach,
htmx requests carry the CSRF header, and a forged cross-site form post is refused.

It lives with the other browser tests so that they all share one browser (Playwright's sync
API cannot start a second one in the same run); the data comes from tests/security."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import Session

from tests.e2e.browser_session import log_in, log_out
from tests.security.conftest import (
    DATA,
    JOURNEY,
    XSS,
    make_world,
    settings_overrides,  # noqa: F401  (serve the security fixture courses)
)


def test_hostile_text_never_runs_in_the_browser(app, page, session: Session) -> None:  # type: ignore[no-untyped-def]
    """Every page showing learner A's hostile text, for A, A's staff and an admin."""
    world = make_world(app, session, text=XSS)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    visits = {
        world.learner_a.email: [
            "/me",
            "/me/journal",
            f"/me/journal/{world.reflection_id}",
            f"/courses/{JOURNEY}/certificate",
            f"/certificates/{world.certificate_code}",
            f"/courses/{JOURNEY}/modules/practice",
            f"/courses/{JOURNEY}/survey",
            f"/courses/{DATA}/modules/gaps",
            "/login?next=javascript:alert(1)",
        ],
        world.staff_a.email: [
            "/staff/reflections",
            f"/staff/reflections/{world.reflection_id}",
            f"/staff/reports?course={JOURNEY}",
            f"/staff/reports/feedback?course={JOURNEY}",
        ],
        world.admin.email: ["/admin/users", f"/admin/certificates?q={world.certificate_code}"],
    }
    for email, urls in visits.items():
        log_in(page, email)
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert page.locator("img[src='x']").count() == 0, url
        cookies = page.evaluate("document.cookie")
        assert "gw_session" not in cookies
        assert "gw_csrf" not in cookies
        log_out(page)
    # After logging out, the login page's next=javascript: does not navigate to script.
    log_in(page, world.learner_b.email)
    page.goto("/login?next=javascript:alert(1)")
    assert page.url.endswith("/me")
    assert not dialogs, dialogs
    violations = [e for e in page.console_errors if "Content Security Policy" in e]  # type: ignore[attr-defined]
    assert not violations, violations


def test_htmx_sends_the_csrf_header_and_a_cross_site_post_is_refused(
    app, page, session: Session, live_server
) -> None:  # type: ignore[no-untyped-def]
    """The autosave request carries X-CSRF-Token; a form posted from another origin gets 403."""
    world = make_world(app, session)
    log_in(page, world.learner_b.email)
    sent: list[dict[str, str]] = []
    page.on(
        "request",
        lambda r: sent.append(r.headers) if r.method == "POST" and "autosave" in r.url else None,
    )
    page.goto(f"/courses/{JOURNEY}/modules/practice")
    box = page.locator("#reflection-what-i-notice-text")
    box.fill("A new draft written in the browser, saved by htmx.")
    status = page.locator("#reflection-what-i-notice-status")
    expect(status).to_contain_text("Draft saved automatically", timeout=10_000)
    assert sent
    assert all(h.get("x-csrf-token") for h in sent)
    assert all(h.get("hx-request") == "true" for h in sent)
    # A page on another origin (a data: URL) auto-submits a form to the app: refused.
    attack = (
        "data:text/html,<form method=post action='"
        + live_server
        + f"/courses/{JOURNEY}/unenroll'></form><script>document.forms[0].submit()</script>"
    )
    page.goto(attack)
    page.wait_for_load_state("networkidle")
    assert "You do not have access to this page" in page.content()
    page.goto(f"/courses/{JOURNEY}")
    expect(page.get_by_text("Leave this course")).to_be_visible()  # still enrolled
