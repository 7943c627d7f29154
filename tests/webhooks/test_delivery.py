"""Webhooks to a real HTTP receiver on loopback: signed, retried, ordered, and only for
changes that were committed."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.cli import app as cli_app
from app.events.models import DomainEvent
from app.security.outbound_urls import OutboundPolicy
from app.webhooks import service
from app.webhooks.delivery import deliver_due
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.helpers import post_form
from tests.security.conftest import JOURNEY, make_world
from tests.settings_support import TEST_SECRET_KEY
from tests.webhooks.receiver import Receiver

ALL = service.EVENT_KINDS
SECRET_TEXT = "Reflection words that must never leave 4417"


def _register(session, receiver: Receiver, events=ALL, organization_id=None) -> WebhookEndpoint:  # type: ignore[no-untyped-def]
    endpoint, secret = service.add_endpoint(
        session,
        url=receiver.url,
        events=events,
        organization_id=organization_id,
        created_by=None,
        # the receiver listens on loopback
        policy=OutboundPolicy(allow_private=True, require_https=False),
        secret_key=TEST_SECRET_KEY,
    )
    receiver.secret = secret
    return endpoint


def test_a_course_completed_is_delivered_signed(
    app, client, session, receiver, engine, settings
) -> None:
    _register(session, receiver)
    world = make_world(app, session, text=SECRET_TEXT)
    assert deliver_due(engine, settings) > 0
    assert receiver.received
    assert all(r.verified for r in receiver.received)
    kinds = [r.json["type"] for r in receiver.received]
    assert {"enrollment.created", "module.completed", "course.completed"} <= set(kinds)
    assert "certificate.issued" in kinds
    for r in receiver.received:
        assert SECRET_TEXT not in r.body.decode()
        assert "Reflection words" not in r.body.decode()
        assert r.headers["webhook-id"] == f"msg_{r.json['data']['event_id']}"
        assert r.headers["content-type"] == "application/json"
    completed = [r.json for r in receiver.received if r.json["type"] == "course.completed"]
    a = [c for c in completed if c["data"]["user_id"] == world.learner_a.id]
    assert a
    assert a[0]["data"]["course"] == JOURNEY
    assert a[0]["data"]["percent"] == 100
    statuses = session.exec(select(WebhookDelivery.status)).all()
    assert set(statuses) == {DeliveryStatus.delivered.value}
    assert deliver_due(engine, settings) == 0  # nothing is sent twice


def test_a_tampered_body_fails_verification(receiver: Receiver) -> None:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    from app.db import utcnow
    from app.webhooks.delivery import signed_headers

    secret = service.new_secret()
    headers = signed_headers(secret, "msg_1", '{"a":1}', utcnow())
    Webhook(secret).verify('{"a":1}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify('{"a":2}', headers)


def test_retries_after_a_500_then_fails_after_the_last(
    app, session, receiver, engine, settings
) -> None:
    failures = {"left": 1}

    def flaky(item) -> int:  # type: ignore[no-untyped-def]
        if failures["left"] > 0:
            failures["left"] -= 1
            return 500
        return 204

    receiver.respond = flaky
    _register(session, receiver, events=["enrollment.created"])
    make_world(app, session)
    deliver_due(engine, settings)
    rows = session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert rows[0].status == "delivered"
    assert rows[0].attempts == 2
    assert rows[0].response_status == 204
    assert rows[0].last_error is None
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert ids.count(ids[0]) == 2  # the retry carries the same id
    receiver.respond = lambda _: 500
    with client_for(app) as c:
        post_form(c, "/signup", _signup("c@example.org"))
        post_form(c, f"/courses/{JOURNEY}/enroll")
    deliver_due(engine, settings)
    session.rollback()  # end the test's read transaction: see what the worker wrote
    last = session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert last.status == "failed"
    assert last.attempts == 3
    assert last.response_status == 500
    assert last.last_error == "HTTP 500"


def test_a_rolled_back_change_is_never_delivered(
    app, session, receiver, engine, monkeypatch, settings
) -> None:
    _register(session, receiver)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away after the event was recorded")

    with client_for(app) as c:
        post_form(c, "/signup", _signup("d@example.org"))
        monkeypatch.setattr("app.learning.service.refresh_progress", broken)
        response = post_form(c, f"/courses/{JOURNEY}/enroll")
        assert response.status_code == 500
    assert session.exec(select(DomainEvent)).all() == []
    assert deliver_due(engine, settings) == 0
    assert receiver.received == []


def test_one_enrollments_events_arrive_in_order(app, session, receiver, engine, settings) -> None:
    """The first module completion fails twice; nothing later about that enrollment overtakes it."""
    seen = {"n": 0}

    def first_module_fails(item) -> int:  # type: ignore[no-untyped-def]
        if item.json["type"] == "module.completed" and seen["n"] < 2:
            seen["n"] += 1
            return 503
        return 200

    receiver.respond = first_module_fails
    _register(session, receiver)
    make_world(app, session)
    deliver_due(engine, settings)
    accepted = [r.json["data"] for r in receiver.accepted]
    by_enrollment: dict[int, list[int]] = {}
    for data in accepted:
        by_enrollment.setdefault(data["enrollment_id"], []).append(data["event_id"])
    assert by_enrollment
    assert all(ids == sorted(ids) for ids in by_enrollment.values())
    # Every event partners can subscribe to (the record also holds learning-record kinds
    # that only xAPI sends).
    recorded = session.exec(
        select(DomainEvent.id).where(DomainEvent.kind.in_(ALL))  # type: ignore[attr-defined]
    ).all()
    assert sorted(e for ids in by_enrollment.values() for e in ids) == sorted(recorded)


def test_per_organization_endpoints_get_only_their_learners(
    app, session, receiver, engine, settings
) -> None:
    world = make_world(app, session)  # organizations exist now; later events only
    _register(
        session,
        receiver,
        events=["certificate.revoked"],
        organization_id=world.learner_b.organization_id,
    )
    from app.certificates import service as certificates

    certificates.revoke(session, admin=world.admin, code=world.certificate_code, reason="test")
    deliver_due(engine, settings)
    assert receiver.received == []  # learner A's certificate, another organization


def test_loopback_is_refused_unless_allowed_and_rechecked_at_delivery(
    app, session, receiver, engine, settings
) -> None:
    for url in (
        receiver.url,
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
        "ftp://example.org/",
    ):
        with pytest.raises(service.WebhookError) as caught:
            service.add_endpoint(
                session,
                url=url,
                events=ALL,
                organization_id=None,
                created_by=None,
                policy=OutboundPolicy(allow_private=False, require_https=False),
                secret_key=TEST_SECRET_KEY,
            )
        assert "url" in caught.value.errors
    _register(session, receiver)  # allowed when it was registered ...
    make_world(app, session)
    # ... not when it is delivered (e.g. the name now resolves inside)
    deliver_due(engine, settings.model_copy(update={"webhook_allow_private_urls": False}))
    assert receiver.received == []
    row = session.exec(select(WebhookDelivery)).first()
    assert row is not None
    assert "loopback" in (row.last_error or "")


def test_cli_registers_an_endpoint_that_is_delivered_to(
    app, session, receiver, cli_environment
) -> None:
    result = CliRunner().invoke(
        cli_app,
        [
            "webhooks",
            "add",
            "--url",
            receiver.url,
            "--events",
            "course.completed,certificate.issued",
        ],
    )
    assert result.exit_code == 0, result.output
    receiver.secret = result.output.split("Signing secret: ")[1].strip()
    make_world(app, session)
    once = CliRunner().invoke(cli_app, ["worker", "--once"])
    assert once.exit_code == 0, once.output
    kinds = sorted({r.json["type"] for r in receiver.received})
    assert kinds == ["certificate.issued", "course.completed"]
    assert all(r.verified for r in receiver.received)
    bad = CliRunner().invoke(cli_app, ["webhooks", "add", "--url", receiver.url, "--events", "x"])
    assert bad.exit_code == 1
    assert "Unknown event" in bad.output
    listed = CliRunner().invoke(cli_app, ["webhooks", "list"])
    assert receiver.url in listed.output


def client_for(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    return TestClient(app, follow_redirects=False, raise_server_exceptions=False)


def _signup(email: str) -> dict[str, str]:
    return {
        "email": email,
        "password": "correct horse battery",
        "display_name": "C",
        "organization": "",
        "job_role": "teacher",
    }


def test_events_recorded_while_paused_are_delivered_on_resume(
    app, session, receiver, engine, settings
) -> None:
    endpoint = _register(session, receiver, events=["enrollment.created"])
    assert service.set_active(session, endpoint_id=endpoint.id, active=False) is not None
    make_world(app, session)
    assert deliver_due(engine, settings) == 0  # paused: nothing is sent ...
    assert receiver.received == []
    session.rollback()
    waiting = session.exec(select(WebhookDelivery)).all()
    assert waiting
    assert {d.status for d in waiting} == {DeliveryStatus.pending.value}
    assert session.exec(select(DomainEvent).where(DomainEvent.dispatched_at.is_(None))).all() == []  # type: ignore[union-attr]
    assert service.set_active(session, endpoint_id=endpoint.id, active=True) is not None
    assert deliver_due(engine, settings) == len(waiting)  # ... and nothing is lost
    assert len(receiver.received) == len(waiting)
    assert {r.json["type"] for r in receiver.received} == {"enrollment.created"}


def test_an_unsendable_url_is_a_failed_attempt_not_a_crash(
    app, session, receiver, engine, settings
) -> None:
    """An endpoint stored before URLs were checked this strictly (or one httpx refuses for
    any reason) fails its own delivery; the round goes on to the others."""
    with pytest.raises(service.WebhookError):
        service.add_endpoint(
            session,
            url="http://127.0.0.1:9/a\x01b",
            events=["enrollment.created"],
            organization_id=None,
            created_by=None,
            policy=OutboundPolicy(allow_private=True, require_https=False),
            secret_key=TEST_SECRET_KEY,
        )
    bad = _register(session, receiver, events=["enrollment.created"])
    bad.url = "http://127.0.0.1:9/a\x01b"  # as if it had been stored earlier
    session.add(bad)
    session.commit()
    good = _register(session, receiver, events=["enrollment.created"])
    make_world(app, session)
    deliver_due(engine, settings)  # raises nothing
    session.rollback()
    rows = session.exec(select(WebhookDelivery)).all()
    to_bad = [r for r in rows if r.endpoint_id == bad.id]
    to_good = [r for r in rows if r.endpoint_id == good.id]
    assert to_bad
    assert all(r.status == "failed" and r.last_error for r in to_bad)
    assert to_good
    assert all(r.status == "delivered" for r in to_good)


def test_any_error_while_sending_is_a_failed_attempt(
    app, session, receiver, engine, monkeypatch, settings
) -> None:
    def odd(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("something no one foresaw")

    _register(session, receiver, events=["enrollment.created"])
    make_world(app, session)
    monkeypatch.setattr("httpx.Client.stream", odd)  # after the world: TestClient is one too
    deliver_due(engine, settings)
    session.rollback()
    rows = session.exec(select(WebhookDelivery)).all()
    assert rows
    assert {r.status for r in rows} == {"failed"}
    assert all("RuntimeError: something no one foresaw" in (r.last_error or "") for r in rows)
