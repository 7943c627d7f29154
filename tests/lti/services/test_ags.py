"""Scores reach the gradebook of an independent platform (lti1p3platform) on loopback."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.accounts.models import Organization
from app.config import Settings
from app.db import utcnow
from app.lti import ags
from app.lti.models import LtiContext, LtiPlatform, LtiScore, ScoreMode
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.learning.support import JOURNEY, enroll
from tests.lti.platform_fixture import ServicePlatform
from tests.lti.services.support import add_link, platform_learner

WELCOME = "welcome"


def _complete_welcome(client: TestClient) -> None:
    enroll(client)
    response = post_form(client, f"/courses/{JOURNEY}/modules/{WELCOME}/done")
    assert response.status_code == 303, response.text[:300]


def _scores(session: Session) -> list[LtiScore]:
    session.commit()
    session.expire_all()  # the worker wrote them through its own sessions
    return list(session.exec(select(LtiScore).order_by(LtiScore.id)).all())  # type: ignore[arg-type]


def test_module_completion_creates_the_line_item_and_posts_the_score(
    client: TestClient,
    session: Session,
    engine: Engine,
    settings: Settings,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
) -> None:
    module_link = add_link(
        session, context, lms, resource_link_id="link-welcome", module_slug=WELCOME
    )
    course_link = add_link(session, context, lms, resource_link_id="link-course")
    ungraded = add_link(session, context, lms, resource_link_id="link-plain", grades=False)
    learner = platform_learner(session, registered, "sub-learner-1")
    login(client, learner)
    _complete_welcome(client)

    assert ags.deliver_due(engine, settings) == 2

    # One line item per graded link, made through the line items URL.
    items = {item["resourceLinkId"]: item for item in lms.lineitems.values()}
    assert set(items) == {"link-welcome", "link-course"}
    assert items["link-welcome"]["resourceId"] == f"{JOURNEY}/{WELCOME}"
    assert items["link-welcome"]["scoreMaximum"] == 100
    welcome_scores = lms.scores[items["link-welcome"]["id"]]
    assert len(welcome_scores) == 1
    got = welcome_scores[0]
    assert got["userId"] == "sub-learner-1"
    assert got["scoreGiven"] == 100.0
    assert got["scoreMaximum"] == 100.0
    assert got["activityProgress"] == "Completed"
    assert got["gradingProgress"] == "FullyGraded"
    assert got["timestamp"].endswith("Z")
    course_scores = lms.scores[items["link-course"]["id"]]
    assert [s["activityProgress"] for s in course_scores] == ["InProgress"]
    assert [s["gradingProgress"] for s in course_scores] == ["Pending"]
    assert 0 < course_scores[0]["scoreGiven"] < 100  # one module of three
    # The client-credentials grant: one token for both links (cached), our assertion.
    assert len(lms.token_requests) == 1
    grant = lms.token_requests[0]
    assert grant["grant_type"] == "client_credentials"
    assert (
        grant["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
    assert set(grant["scope"].split()) == {ags.SCOPE_LINEITEM, ags.SCOPE_SCORE}

    rows = _scores(session)
    assert [r.status for r in rows] == ["sent", "sent"]
    assert all(r.attempts == 1 and r.response_status in (200, 201) for r in rows)
    session.refresh(module_link)
    session.refresh(course_link)
    assert module_link.lineitem_url == items["link-welcome"]["id"]
    assert course_link.lineitem_url == items["link-course"]["id"]
    assert not any(r.resource_link_id == ungraded.id for r in rows)

    # Nothing more to send; a second round asks no new token and makes no new line item.
    assert ags.deliver_due(engine, settings) == 0
    assert len(lms.lineitems) == 2
    assert len(lms.token_requests) == 1


def test_an_existing_line_item_from_the_launch_is_used(
    client: TestClient,
    session: Session,
    engine: Engine,
    settings: Settings,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
) -> None:
    item_id = f"{lms.lineitems_url()}/given"
    lms.lineitems[item_id] = {"id": item_id, "scoreMaximum": 10, "label": "Welcome"}
    add_link(
        session, context, lms, resource_link_id="link-1", module_slug=WELCOME, lineitem_url=item_id
    )
    learner = platform_learner(session, registered, "sub-2")
    login(client, learner)
    _complete_welcome(client)
    assert ags.deliver_due(engine, settings) == 1
    assert len(lms.lineitems) == 1
    assert [s["userId"] for s in lms.scores[item_id]] == ["sub-2"]


def test_learners_unknown_to_the_platform_send_nothing(
    client: TestClient,
    session: Session,
    engine: Engine,
    settings: Settings,
    lms: ServicePlatform,
    context: LtiContext,
) -> None:
    add_link(session, context, lms, resource_link_id="link-1", module_slug=WELCOME)
    login(client, make_user(session))  # never launched from the LMS
    _complete_welcome(client)
    assert ags.deliver_due(engine, settings) == 0
    assert _scores(session) == []
    assert lms.scores == {}


def test_a_platform_that_is_down_gets_the_score_later_and_nothing_is_lost(
    client: TestClient,
    session: Session,
    engine: Engine,
    settings: Settings,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
) -> None:
    add_link(session, context, lms, resource_link_id="link-1", module_slug=WELCOME)
    learner = platform_learner(session, registered, "sub-3")
    login(client, learner)
    _complete_welcome(client)
    lms.down = True

    assert ags.deliver_due(engine, settings) == 1
    [row] = _scores(session)
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.response_status == 503
    assert row.last_error
    assert "503" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)  # waits before retrying
    assert ags.deliver_due(engine, settings) == 0  # not due yet: no attempt

    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=True):
        assert ags.deliver_due(engine, settings) == 1  # still down: the second attempt
    [row] = _scores(session)
    assert row.status == "pending"
    assert row.attempts == 2

    lms.down = False
    with time_machine.travel(utcnow() + timedelta(seconds=200), tick=True):
        assert ags.deliver_due(engine, settings) == 1
    [row] = _scores(session)
    assert row.status == "sent"
    assert row.attempts == 3
    [item] = lms.lineitems.values()
    assert [s["userId"] for s in lms.scores[item["id"]]] == ["sub-3"]


def test_a_refused_grant_fails_at_once_and_staff_can_send_it_again(
    client: TestClient,
    session: Session,
    engine: Engine,
    settings: Settings,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
    district: Organization,
) -> None:
    add_link(session, context, lms, resource_link_id="link-1", module_slug=WELCOME)
    learner = platform_learner(session, registered, "sub-4", display_name="Pat <b>Learner</b>")
    good_jwks = lms.registration.get_tool_key_set()
    lms.connect({"keys": []})  # the platform no longer knows the tool's key
    login(client, learner)
    _complete_welcome(client)
    assert ags.deliver_due(engine, settings) == 1
    [row] = _scores(session)
    assert row.status == "failed"
    assert row.attempts == 1
    assert row.last_error
    assert "refused an access token (HTTP 400)" in row.last_error

    staff = make_user(session, role="staff", staff_organization_id=district.id)
    client.cookies.clear()
    login(client, staff)
    page = client.get(f"/staff/orgs/{district.id}/lti")
    assert page.status_code == 200
    assert "Pat &lt;b&gt;Learner&lt;/b&gt;" in page.text  # learner text escaped
    html = soup(page)
    assert "0 sent, 0 waiting, 1 failed" in html.get_text(" ", strip=True)
    retry = f"/staff/orgs/{district.id}/lti/scores/{row.id}/retry"
    assert client.post(retry, data={}).status_code == 403  # no CSRF token
    assert post_form(client, retry).status_code == 303

    lms.connect(dict(good_jwks))
    assert ags.deliver_due(engine, settings) == 1
    [row] = _scores(session)
    assert row.status == "sent"


def test_score_modes(
    session: Session, engine: Engine, context: LtiContext, lms: ServicePlatform
) -> None:
    """Without exercises in scope, the share of correct answers falls back to progress."""
    from app.learning.models import Enrollment

    link = add_link(session, context, lms, resource_link_id="l", score_mode=ScoreMode.correct_share)
    enrollment = Enrollment(user_id=make_user(session).id, course_id=1, percent=40)
    assert ags.score_for(session, link, enrollment, complete=False) == 40.0
    module_link = add_link(session, context, lms, resource_link_id="m", module_slug=WELCOME)
    assert ags.score_for(session, module_link, enrollment, complete=True) == 100.0
    assert ags.score_for(session, module_link, enrollment, complete=False) == 0.0


def test_other_organizations_staff_and_learners_cannot_see_or_retry(
    client: TestClient,
    session: Session,
    district,
    context: LtiContext,  # type: ignore[no-untyped-def]
) -> None:
    from app.orgs import service as orgs

    other = orgs.create_organization(session, name="Elsewhere", domain_names=["elsewhere.example"])
    staff = make_user(session, role="staff", staff_organization_id=other.id)
    login(client, staff)
    assert client.get(f"/staff/orgs/{district.id}/lti").status_code == 404
    assert post_form(client, f"/staff/orgs/{district.id}/lti/scores/1/retry").status_code == 404
    assert post_form(client, f"/staff/orgs/{other.id}/lti/scores/1/retry").status_code == 404
    client.cookies.clear()
    login(client, make_user(session))
    assert client.get(f"/staff/orgs/{district.id}/lti").status_code == 403
