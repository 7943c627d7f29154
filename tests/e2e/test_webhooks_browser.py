"""Done when: a webhook registered with the CLI reaches a receiver on loopback, signed, when a
learner completes a course in the browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from typer.testing import CliRunner

from app.cli import app as cli_app
from app.webhooks.delivery import deliver_due
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.learning.support import COURSES, JOURNEY
from tests.webhooks.receiver import Receiver


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, object]:
    shutil.copytree(COURSES / JOURNEY, tmp_path / JOURNEY)
    return {"content_dir": tmp_path, "webhook_allow_private_urls": True}


def test_completing_a_course_in_the_browser_reaches_the_receiver(
    page, session, engine, settings, cli_environment
) -> None:  # type: ignore[no-untyped-def]
    receiver = Receiver().start()
    try:
        added = CliRunner().invoke(
            cli_app,
            ["webhooks", "add", "--url", receiver.url, "--events", "course.completed"],
        )
        assert added.exit_code == 0, added.output
        receiver.secret = added.output.split("Signing secret: ")[1].strip()
        learner = make_user(session, display_name="Browser Learner")

        page.goto("/login")
        page.get_by_label("Email").fill(learner.email)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"/courses/{JOURNEY}")
        page.get_by_role("button", name="Enroll — free").first.click()
        page.goto(f"/courses/{JOURNEY}/modules/welcome")
        page.get_by_role("button", name="Mark as done").click()
        page.goto(f"/courses/{JOURNEY}/modules/practice")
        page.locator("#reflection-what-i-notice-text").fill("Chronic absence clusters by grade.")
        page.get_by_role("button", name="Submit reflection").first.click()
        expect(page.get_by_role("status").first).to_contain_text("Reflection submitted")
        page.goto(f"/courses/{JOURNEY}/modules/next-steps")
        page.get_by_role("button", name="Mark as done").click()
        page.goto(f"/courses/{JOURNEY}/survey")
        for item in ("engaging", "affect_work", "share", "use_now"):
            page.locator(f"#item-{item}-4").check()
        page.get_by_role("button", name="Submit feedback").click()
        expect(page.get_by_role("status").first).to_be_visible()

        deliver_due(engine, settings)
        completed = [r for r in receiver.received if r.json["type"] == "course.completed"]
        assert len(completed) == 1
        assert completed[0].verified
        data = completed[0].json["data"]
        assert data["user_id"] == learner.id
        assert data["course"] == JOURNEY
        assert data["percent"] == 100
        assert "Chronic absence" not in completed[0].body.decode()
    finally:
        receiver.stop()
