"""Helpers for exercise route tests: enroll, the learner's variant and key, submit."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from app.accounts.models import User
from app.exercises.spec import ExerciseSpec, variant_for
from tests.helpers import post_form, soup

SLUG = "data-course"
MODULE = f"/courses/{SLUG}/modules/gaps"


def enroll(client: TestClient) -> None:
    """Enroll the logged-in user in the data course."""
    response = post_form(client, f"/courses/{SLUG}/enroll")
    assert response.status_code == 303, response.text[:300]


def spec_of(client: TestClient, activity_id: str) -> ExerciseSpec:
    """The loaded spec (server side) of an exercise in the fixture course."""
    course = client.app.state.registry.get(SLUG)  # type: ignore[attr-defined]
    return course.activity(activity_id)[1]


def key_for(client: TestClient, user: User, activity_id: str) -> str:
    """The correct answer this user should type, as text."""
    spec = spec_of(client, activity_id)
    variant = spec.variant(variant_for(spec, user.id or 0))
    assert variant is not None
    if spec.type == "numeric":
        return f"{variant.answer.number:.4f}"
    return sorted(variant.answer.choice_ids)[0]


def submission_key(client: TestClient, activity_id: str) -> str:
    """The submission key in the exercise form on the module page."""
    page = soup(client.get(MODULE))
    section = page.find("section", id=activity_id)
    assert section is not None
    field = section.find("input", attrs={"name": "submission_key"})
    assert field is not None
    return str(field["value"])


def attempt(
    client: TestClient,
    activity_id: str,
    answer: str | list[str],
    *,
    key: str | None = None,
    htmx: bool = False,
) -> httpx.Response:
    """Submit one answer through the form."""
    headers = {"HX-Request": "true"} if htmx else {}
    return post_form(
        client,
        f"/courses/{SLUG}/exercises/{activity_id}/attempts",
        {"answer": answer, "submission_key": key or submission_key(client, activity_id)},
        headers=headers,
    )
