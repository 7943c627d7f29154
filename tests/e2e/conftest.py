"""Browser tests: a live server in a thread and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from app.db import make_engine, metadata, open_session
from tests.e2e.audit_data import AuditSite, fill
from tests.factories import DEFAULT_PASSWORD
from tests.settings_support import make_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        message = (
            "*** chromium is not installed (Debian package `chromium`): browser tests SKIPPED ***"
        )
        if os.environ.get("CI"):
            pytest.exit(message, returncode=1)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def _serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served on a free loopback port; yields its base URL."""
    with _serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def audit_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditSite]:
    """One server for the whole browser audit, its database filled so that every page shows
    its full state (tests/e2e/audit_data.py); shared by the audit and the keyboard flows,
    which use their own fresh accounts."""
    from app.main import create_app

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('audit') / 'audit.db'}")
    metadata.create_all(engine)
    app = create_app(make_settings(), engine)
    with _serve(app) as url, open_session(engine=engine) as s:
        yield AuditSite(url, fill(s, url, app.state.settings.secret_key), engine)
    engine.dispose()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture(scope="session")
def pages(browser, audit_site: AuditSite) -> Iterator[dict[str, object]]:  # type: ignore[no-untyped-def]
    """One page per role, logged in once and reused by every test of that role."""
    base_url, data = audit_site.url, audit_site.data
    opened: dict[str, object] = {}
    contexts = []
    for who in ("visitor", *data.emails):
        context = browser.new_context(base_url=base_url)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        page.console_errors = errors  # type: ignore[attr-defined]
        if who != "visitor":
            page.goto("/login")
            page.get_by_label("Email").fill(data.emails[who])
            page.get_by_label("Password").fill(DEFAULT_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(lambda url: "/login" not in url)
        opened[who] = page
    yield opened
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under var/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
