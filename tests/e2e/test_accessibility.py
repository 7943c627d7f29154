"""axe-core finds no serious or critical WCAG 2.1 A/AA problems on the main pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_user

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PUBLIC_PAGES = ["/", "/login", "/signup", "/password/forgot", "/courses", "/no-such-page"]
LOGGED_IN_PAGES = ["/account", "/me"]


def _violations(browser, url: str, storage_state=None) -> list[str]:  # type: ignore[no-untyped-def]
    # bypass_csp only so the test can inject axe; the app's own pages never need it.
    context = browser.new_context(bypass_csp=True, storage_state=storage_state)
    page = context.new_page()
    page.goto(url)
    page.evaluate(AXE)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    context.close()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_violations(browser, live_server, path):
    assert _violations(browser, live_server + path) == []


@pytest.mark.parametrize("path", LOGGED_IN_PAGES)
def test_logged_in_pages_have_no_serious_violations(browser, live_server, session, path):
    user = make_user(session, email="a11y@example.org")
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    state = context.storage_state()
    context.close()
    assert _violations(browser, live_server + path, storage_state=state) == []
