"""Domain events: the services record one row per change, in the change's transaction."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.certificates import service as certificates
from app.events import service as events
from app.events.models import DomainEvent
from app.learning.models import Enrollment
from tests.security.conftest import JOURNEY, World, settings_overrides, world

__all__ = ["settings_overrides", "world"]


def test_a_learners_journey_is_recorded_in_order(world: World, session) -> None:
    a = world.learner_a
    kinds = session.exec(
        select(DomainEvent.kind, DomainEvent.data)
        .where(DomainEvent.user_id == a.id)
        .order_by(DomainEvent.id)
    ).all()
    names = [k for k, _ in kinds]
    assert names[0] == "enrollment.created"
    journey = names[: names.index("certificate.issued") + 1]
    course = world.app.state.registry.get(JOURNEY)  # type: ignore[attr-defined]
    assert journey.count("module.completed") == len(course.modules) == 3
    assert journey.index("course.completed") > journey.index("module.completed")
    assert names.count("enrollment.created") == 2  # the journey and the data course
    rows = session.exec(select(DomainEvent).where(DomainEvent.user_id == a.id)).all()
    assert {r.organization_id for r in rows} == {a.organization_id}
    module_data = [r.data for r in rows if r.kind == "module.completed"]
    assert all(set(d) == {"module_id", "percent"} for d in module_data)
    completed = [d["module_id"] for d in module_data if d["module_id"] in course._modules_by_id]
    assert sorted(completed) == sorted(m.id for m in course.modules)
    issued = [r for r in rows if r.kind == "certificate.issued"]
    assert issued[0].data["certificate_code"] == world.certificate_code


def test_revoking_records_an_event_and_a_failed_revoke_records_none(world: World, session) -> None:
    before = len(session.exec(select(DomainEvent)).all())
    with pytest.raises(certificates.CertificateError):
        certificates.revoke(session, admin=world.admin, code=world.certificate_code, reason=" ")
    session.rollback()
    assert len(session.exec(select(DomainEvent)).all()) == before
    certificates.revoke(session, admin=world.admin, code=world.certificate_code, reason="error")
    last = session.exec(select(DomainEvent).order_by(DomainEvent.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert last.kind == "certificate.revoked"
    assert last.data == {"certificate_code": world.certificate_code}


def test_a_rolled_back_change_leaves_no_event(world: World, session) -> None:
    enrollment = session.exec(select(Enrollment)).first()
    assert enrollment is not None
    before = len(session.exec(select(DomainEvent)).all())
    events.record(session, kind=events.EventKind.course_completed, enrollment=enrollment)
    assert len(session.exec(select(DomainEvent)).all()) == before + 1  # seen in-transaction
    session.rollback()
    assert len(session.exec(select(DomainEvent)).all()) == before


def test_events_carry_no_learner_text(world: World, session) -> None:
    for row in session.exec(select(DomainEvent)).all():
        assert "I noticed a pattern" not in str(row.data)


def test_issue_and_revoke_mark_the_enrollment_changed(world: World, session) -> None:
    """So the API's updated_since finds a certificate code that appeared or went away."""
    from app.certificates.models import Certificate

    certificate = session.exec(
        select(Certificate).where(Certificate.code == world.certificate_code)
    ).one()
    enrollment = session.get(Enrollment, certificate.enrollment_id)
    assert enrollment is not None
    assert enrollment.updated_at >= certificate.issued_at
    certificates.revoke(session, admin=world.admin, code=world.certificate_code, reason="typo")
    session.refresh(enrollment)
    session.refresh(certificate)
    assert certificate.revoked_at is not None
    assert enrollment.updated_at >= certificate.revoked_at
