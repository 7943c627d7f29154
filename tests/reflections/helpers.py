"""Helpers for driving reflections through the test client."""

from __future__ import annotations

from typing import Any

import httpx
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.reflections.models import LearnerReflection, ReflectionRevision
from tests.helpers import post_form
from tests.reflections.conftest import SLUG


def write(
    client: TestClient, activity: str, text: str, *, action: str = "submit", shared: bool = False
) -> httpx.Response:
    """POST the reflection form as the browser would (no JavaScript)."""
    data: dict[str, Any] = {"text": text, "action": action}
    if shared:
        data["shared"] = "1"
    return post_form(client, f"/courses/{SLUG}/reflections/{activity}", data)


def textarea_value(response: httpx.Response, activity: str) -> str:
    """The text in a reflection's textarea, as the browser would load it."""
    page = BeautifulSoup(response.text, "html.parser")
    area = page.find("textarea", id=f"reflection-{activity}-text")
    assert area is not None, response.text[:2000]
    value = area.get_text()
    # HTML drops one newline straight after <textarea>; the browser would too.
    return value[1:] if value.startswith("\n") else value


def reflection_row(session: Session, user_id: int, activity: str) -> LearnerReflection | None:
    """The learner's reflection row for ``activity`` (fresh from the database)."""
    session.commit()  # end any read snapshot: see what the app wrote since
    rows = session.exec(
        select(LearnerReflection)
        .where(LearnerReflection.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    found = next((row for row in rows if row.activity_stable_id == activity), None)
    session.commit()  # and leave no read transaction open for the app's next write
    return found


def revision_texts(session: Session, reflection_id: int) -> list[str]:
    """Every submitted revision's text, oldest first."""
    session.commit()  # end any read snapshot: see what the app wrote since
    rows = session.exec(
        select(ReflectionRevision)
        .where(ReflectionRevision.reflection_id == reflection_id)
        .order_by(ReflectionRevision.number)  # type: ignore[arg-type]
        .execution_options(populate_existing=True)
    )
    texts = [r.text for r in rows]
    session.commit()
    return texts
