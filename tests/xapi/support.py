"""Helpers for the xAPI tests: configure an LRS, record a launch, answer exercises."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.events import service as events
from app.exercises.spec import variant_for
from app.learning.models import Enrollment
from app.xapi import service
from app.xapi.models import LrsConfig
from tests.exercises.support import attempt, spec_of
from tests.xapi.ralph_lrs import PASSWORD, USER, Ralph

DATA = "data-course"


def configure(
    session: Session,
    ralph: Ralph,
    settings: Settings,
    *,
    organization_id: int | None = None,
    send_email: bool = False,
) -> LrsConfig:
    return service.add_lrs(
        session,
        name="Test LRS",
        endpoint=ralph.endpoint,
        key=USER,
        secret=PASSWORD,
        organization_id=organization_id,
        send_email=send_email,
        mastery_score=0.8,
        created_by=None,
        settings=settings,
    )


def record_launch(session: Session, *, user_id: int, module_id: str) -> Enrollment:
    """What the LTI launch does once it has enrolled the learner (see docs/xapi.md)."""
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user_id)).first()
    assert enrollment is not None
    events.record(
        session,
        kind=events.EventKind.launched,
        enrollment=enrollment,
        data={"module_id": module_id},
    )
    session.commit()
    return enrollment


def answer_all(client: TestClient, user_id: int, *, wrong: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Answer every exercise of the data course: correctly, except those in ``wrong``,
    which get a well-formed wrong answer until the attempts run out."""
    for activity_id in ("el-gap", "top-school", "what-counts"):
        spec = spec_of(client, activity_id)
        variant = spec.variant(variant_for(spec, user_id))
        assert variant is not None
        if spec.type == "numeric":
            right: str | list[str] = f"{variant.answer.number:.4f}"
            bad: str | list[str] = f"{variant.answer.number + 37:.4f}"
        elif spec.type == "choice":
            right = sorted(variant.answer.choice_ids)[0]
            bad = next(c.id for c in variant.choices if c.id not in variant.answer.choice_ids)
        else:
            right = sorted(variant.answer.choice_ids)
            bad = [next(c.id for c in variant.choices if c.id not in variant.answer.choice_ids)]
        tries = spec.attempts if activity_id in wrong else 1
        for _ in range(tries):
            response = attempt(client, activity_id, bad if activity_id in wrong else right)
            assert response.status_code == 303, response.text[:300]
