"""Statements to a real Ralph LRS: it validates each one; they carry accounts, the
registration and activity ids under one base, and never reflection text or email. When the
LRS is down nothing is lost, and delivery resumes in order."""

from __future__ import annotations

import json

from sqlmodel import col, select

from app.xapi import service, statements
from app.xapi.delivery import deliver_due
from app.xapi.models import DeliveryStatus, XapiActor, XapiStatement
from tests.security.conftest import JOURNEY, make_world
from tests.xapi.ralph_lrs import USER, Ralph
from tests.xapi.support import DATA, answer_all, configure, record_launch

SECRET_TEXT = "Reflection words that must never leave 5521"
BASE = "http://groundwork.test"
VERB = {name: iri for name, iri in statements.VERBS.items()}


def _held_for(ralph: Ralph, actor_name: str) -> list[dict]:  # type: ignore[type-arg]
    agent = json.dumps({"account": {"homePage": BASE, "name": actor_name}})
    return ralph.statements(agent=agent)


def test_every_learning_event_reaches_ralph_valid_and_private(
    app, session, engine, settings, ralph
) -> None:
    configure(session, ralph, settings)
    world = make_world(app, session, text=SECRET_TEXT)
    enrollment = record_launch(session, user_id=world.learner_a.id, module_id="welcome")
    client = world.client_for("learner_a")
    answer_all(client, world.learner_a.id or 0, wrong={"what-counts"})

    assert deliver_due(engine, settings) > 0
    session.rollback()  # end the test's read transaction: see what the worker wrote
    rows = session.exec(select(XapiStatement).order_by(col(XapiStatement.id))).all()
    assert rows
    assert {r.status for r in rows} == {DeliveryStatus.delivered.value}, [
        (r.verb, r.response_status, r.last_error) for r in rows if r.status != "delivered"
    ]
    actor = session.get(XapiActor, world.learner_a.id)
    assert actor is not None
    held = _held_for(ralph, actor.name)
    # Ralph holds exactly what was sent for this learner, each one validated on the way in.
    sent_ids = {
        r.statement_id for r in rows if r.statement["actor"]["account"]["name"] == actor.name
    }
    assert {s["id"] for s in held} == sent_ids

    verbs = {s["verb"]["id"] for s in held}
    for name in (
        "registered",
        "launched",
        "initialized",
        "progressed",
        "answered",
        "completed",
        "failed",
        "earned",
        "commented",
    ):
        assert VERB[name] in verbs, name

    # Ralph adds its own ``authority`` (the LRS account, an email); the rest is what we sent.
    text = json.dumps([{k: v for k, v in s.items() if k != "authority"} for s in held])
    assert SECRET_TEXT not in text
    assert "some more words" not in text
    assert "@example.org" not in text
    assert "mailto:" not in text
    assert world.learner_a.display_name not in text

    journey_registration = statements.registration(BASE, enrollment.id or 0)
    for s in held:
        assert s["actor"]["account"] == {"homePage": BASE, "name": actor.name}
        assert s["object"]["id"].startswith(f"{BASE}/courses/")
        assert s["context"]["registration"]
    journey = [s for s in held if f"/courses/{JOURNEY}" in s["object"]["id"]]
    assert {s["context"]["registration"] for s in journey} == {journey_registration}

    launched = next(s for s in held if s["verb"]["id"] == VERB["launched"])
    assert launched["object"]["id"] == f"{BASE}/courses/{JOURNEY}/modules/welcome"
    progressed = [s for s in held if s["verb"]["id"] == VERB["progressed"]]
    percents = {s["result"]["extensions"][statements.PROGRESS_EXTENSION] for s in progressed}
    assert 100 in percents
    assert all(0 <= p <= 100 for p in percents)
    answered = [s for s in held if s["verb"]["id"] == VERB["answered"]]
    assert {s["result"]["success"] for s in answered} == {True, False}
    assert all(s["result"]["response"] for s in answered)
    el_gap = next(s for s in answered if s["object"]["id"].endswith("/activities/el-gap"))
    assert el_gap["context"]["contextActivities"]["parent"][0]["id"].startswith(
        f"{BASE}/courses/{DATA}/modules/"
    )
    assert el_gap["context"]["contextActivities"]["grouping"][0]["id"] == f"{BASE}/courses/{DATA}"
    # Two of the data course's three exercises right: 0.67 is below the 0.8 mastery score.
    failed = [s for s in held if s["verb"]["id"] == VERB["failed"]]
    assert failed
    assert all(s["result"]["success"] is False for s in failed)
    assert {s["result"]["score"]["raw"] for s in failed} == {2}
    assert {s["result"]["score"]["max"] for s in failed} == {3}
    commented = [s for s in held if s["verb"]["id"] == VERB["commented"]]
    # Only the shared reflection is told, and only that it was shared.
    assert len(commented) == 1
    assert "result" not in commented[0]
    assert commented[0]["object"]["id"].endswith("/activities/what-i-notice")
    assert deliver_due(engine, settings) == 0  # nothing is sent twice


def test_email_only_when_the_organization_opted_in(app, session, engine, settings, ralph) -> None:
    world = make_world(app, session)
    configure(
        session, ralph, settings, organization_id=world.learner_b.organization_id, send_email=True
    )
    client = world.client_for("learner_b")
    answer_all(client, world.learner_b.id or 0)
    deliver_due(engine, settings)
    session.rollback()  # end the test's read transaction: see what the worker wrote
    rows = session.exec(select(XapiStatement)).all()
    assert rows
    assert {r.status for r in rows} == {"delivered"}
    # Learner A's organization has no LRS: none of A's events became a statement.
    assert {r.statement["actor"].get("mbox") for r in rows} == {"mailto:b@example.org"}
    held = ralph.statements(agent=json.dumps({"mbox": "mailto:b@example.org"}))
    assert {s["id"] for s in held} >= {r.statement_id for r in rows}
    passed = [s for s in held if s["verb"]["id"] == VERB["passed"]]
    assert passed
    assert passed[0]["result"]["score"]["scaled"] == 1.0


def test_lrs_down_loses_nothing_and_resumes_in_order(
    app, session, engine, settings, tmp_path
) -> None:
    lrs = Ralph(tmp_path / "down-ralph").start()
    try:
        configure(session, lrs, settings)
        lrs.stop()
        world = make_world(app, session)
        retrying = settings.model_copy(update={"webhook_max_attempts": 50})
        assert deliver_due(engine, retrying) > 0  # attempts were made, and all failed
        session.rollback()  # end the test's read transaction: see what the worker wrote
        rows = session.exec(select(XapiStatement).order_by(col(XapiStatement.id))).all()
        assert rows
        assert {r.status for r in rows} == {"pending"}
        # Only the first statement of each enrollment was tried: the rest wait behind it.
        first_of: dict[int | None, int | None] = {}
        for r in rows:
            first_of.setdefault(r.enrollment_id, r.id)
        for r in rows:
            tried = r.id == first_of[r.enrollment_id]
            assert (r.attempts > 0) == tried
            assert (r.last_error is not None) == tried
            assert r.response_status is None

        lrs.start()
        while deliver_due(engine, retrying):  # each call sends up to 20 per enrollment
            pass
        session.rollback()  # end the test's read transaction: see what the worker wrote
        rows = session.exec(select(XapiStatement).order_by(col(XapiStatement.id))).all()
        assert {r.status for r in rows} == {"delivered"}
        actor = session.get(XapiActor, world.learner_a.id)
        assert actor is not None
        held = _held_for(lrs, actor.name)
        mine = [r for r in rows if r.statement["actor"]["account"]["name"] == actor.name]
        assert {s["id"] for s in held} == {r.statement_id for r in mine}
        # Per enrollment, delivered in the order the events happened.
        for enrollment_id in {r.enrollment_id for r in mine}:
            same = [r for r in mine if r.enrollment_id == enrollment_id]
            times = [r.delivered_at for r in same]
            assert times == sorted(times)  # type: ignore[type-var]
            assert [r.event_id for r in same] == sorted(r.event_id for r in same)
    finally:
        lrs.stop()


def test_a_refused_statement_fails_visibly_and_can_be_retried(
    app, session, engine, settings, ralph
) -> None:
    lrs = configure(session, ralph, settings)
    lrs.key = "someone-else"  # the LRS no longer knows this key: 401
    session.add(lrs)
    session.commit()
    world = make_world(app, session)
    while deliver_due(engine, settings):
        pass
    session.rollback()
    rows = session.exec(select(XapiStatement).order_by(col(XapiStatement.id))).all()
    assert rows
    assert {(r.status, r.attempts, r.response_status) for r in rows} == {("failed", 3, 401)}
    actor = session.get(XapiActor, world.learner_a.id)
    assert actor is not None
    assert _held_for(ralph, actor.name) == []
    lrs.key = USER
    session.add(lrs)
    session.commit()
    for row in rows:
        assert service.retry(session, statement_pk=row.id or 0) is not None
    session.rollback()  # the worker's sessions, not this one, do the sending
    assert deliver_due(engine, settings) > 0
    while deliver_due(engine, settings):
        pass
    # ``retry`` committed, so no transaction is open and a rollback would expire nothing;
    # sessions keep objects after commit (expire_on_commit=False), and a new SELECT does not
    # overwrite loaded ones: without this the rows would still read "pending, 0 attempts".
    session.expire_all()
    rows = session.exec(select(XapiStatement)).all()
    assert {r.status for r in rows} == {"delivered"}
    assert all(r.attempts == 1 and r.response_status == 200 for r in rows)
    assert len(_held_for(ralph, actor.name)) == len(
        [r for r in rows if r.statement["actor"]["account"]["name"] == actor.name]
    )
