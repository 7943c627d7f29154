"""Helpers shared by the learning, survey and certificate tests: a fixture content folder."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.helpers import post_form

COURSES = Path(__file__).parent / "fixtures" / "courses"
JOURNEY = "journey-course"
SURVEY_ANSWERS = {
    "item-engaging": "5",
    "item-affect_work": "4",
    "item-share": "4",
    "item-use_now": "3",
}


@pytest.fixture(name="settings_overrides")
def serve_fixture_courses() -> dict[str, object]:
    """The app serves this package's fixture courses (used as ``settings_overrides`` by the
    learning, survey and certificate tests)."""
    return {"content_dir": COURSES}


def enroll(client: TestClient, slug: str = JOURNEY, **data: str) -> httpx.Response:
    """Click "Enroll — free"; asserts it redirected."""
    response = post_form(client, f"/courses/{slug}/enroll", data)
    assert response.status_code == 303, response.text[:500]
    return response


def submit_reflection(client: TestClient, activity_id: str, text: str) -> httpx.Response:
    """Submit a reflection through the reflections domain's form."""
    return post_form(
        client, f"/courses/{JOURNEY}/reflections/{activity_id}", {"text": text, "action": "submit"}
    )


def complete_journey_modules(client: TestClient) -> None:
    """Do everything the journey course's modules ask, in order."""
    assert post_form(client, f"/courses/{JOURNEY}/modules/welcome/done").status_code == 303
    response = submit_reflection(
        client, "what-i-notice", "Attendance dips every Monday for ninth graders."
    )
    assert response.status_code == 303, response.text[:500]
    assert post_form(client, f"/courses/{JOURNEY}/modules/next-steps/done").status_code == 303


def complete_journey(client: TestClient) -> None:
    """Modules, then the feedback survey: the course is complete."""
    complete_journey_modules(client)
    response = post_form(
        client, f"/courses/{JOURNEY}/survey", {**SURVEY_ANSWERS, "action": "submit"}
    )
    assert response.status_code == 303, response.text[:500]
