"""Issue 23's "Done when", end to end, as a district would see it:

1. a platform registered with ``groundwork lti add-platform`` launches a learner into a
   module (the independent platform, ``lti1p3platform``, signs the launch);
2. the learner completes the module through the ordinary pages (answering its exercises);
3. ``groundwork worker --once`` sends the score, and the platform's own score endpoint holds
   it (the library's Assignment and Grade Services checked our token on the way in);
4. Ralph, a real LRS, holds valid statements (it validates each one it accepts) for the
   launch, the progress and the completion of that learner.

The LMS runs as two loopback servers, as hosted LMSs do (Canvas: the launch on one host, the
token and grade services on another): ``tests/lti/platform.py`` for login and launch,
``tests/lti/platform_fixture.py`` for the token and AGS endpoints, sharing one client id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.accounts.models import User
from app.cli import app as cli_app
from app.config import Settings
from app.learning.models import Enrollment
from app.lti.models import LtiPlatform, LtiScore
from app.xapi import statements
from app.xapi.models import XapiActor, XapiStatement
from tests.helpers import soup
from tests.lti.conftest import launch
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, LaunchSpec, Platform, running_platform
from tests.lti.platform_fixture import ServicePlatform
from tests.lti.services.conftest import lms  # noqa: F401  (the platform's services, a fixture)
from tests.security.conftest import DATA, security_content
from tests.xapi.conftest import ralph  # noqa: F401  (the Ralph LRS, a fixture)
from tests.xapi.ralph_lrs import Ralph
from tests.xapi.support import answer_all, configure

BASE = "http://groundwork.test"
MODULE = "gaps"  # the data course's module: three exercises
SUB = "pat-learner-7"
VERB = statements.VERBS


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, object]:
    return security_content(tmp_path) | {
        "base_url": BASE,
        "lti_allow_loopback_http": True,
        "xapi_allow_loopback_http": True,
        "webhook_retry_base_seconds": 0,
        "webhook_max_attempts": 3,
        "webhook_timeout_seconds": 5,
    }


@pytest.fixture
def lms_launch(client: TestClient, settings: Settings) -> Iterator[Platform]:
    """The LMS's login and launch side, holding the tool's JWKS (not yet registered)."""
    with running_platform() as running:
        running.connect(settings.base_url, client.get("/lti/jwks.json").json())
        yield running


def _groundwork(*args: str) -> str:
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("cli_environment", "district")
def test_registered_with_the_cli_launched_completed_scored_and_recorded(
    client: TestClient,
    session: Session,
    settings: Settings,
    lms_launch: Platform,
    lms: ServicePlatform,  # noqa: F811
    ralph: Ralph,  # noqa: F811
) -> None:
    lms.registration.set_client_id(CLIENT_ID)  # one LMS: the services know the same client
    registered = _groundwork(
        "lti", "add-platform", "--org", "Riverside Unified",
        "--issuer", lms_launch.url, "--client-id", CLIENT_ID, "--deployment-id", DEPLOYMENT_ID,
        "--auth-url", lms_launch.auth_url, "--token-url", lms.token_url,
        "--jwks-url", lms_launch.jwks_url,
    )  # fmt: skip
    assert f"{BASE}/lti/login" in registered
    assert f"{BASE}/lti/launch" in registered
    configure(session, ralph, settings)
    # The instructor's graded link: its gradebook column exists on the platform already.
    item_id = f"{lms.lineitems_url()}/gaps-column"
    lms.lineitems[item_id] = {"id": item_id, "scoreMaximum": 100, "label": "Gaps by group"}

    # 1. The platform launches the learner into the module.
    spec = LaunchSpec(
        sub=SUB,
        email="pat7@riverside.example.org",
        custom={"course": DATA, "module": MODULE, "score_mode": "correct_share"},
        lineitem=item_id,
        lineitems=lms.lineitems_url(),
    )
    answer = launch(client, lms_launch, spec)
    assert answer.status_code == 303, answer.text[:800]
    entered = client.get(answer.headers["location"])
    assert entered.status_code == 303
    assert entered.headers["location"] == f"/courses/{DATA}/modules/{MODULE}"
    assert client.get(entered.headers["location"]).status_code == 200
    session.commit()
    user = session.exec(select(User).where(User.email == "pat7@riverside.example.org")).one()
    platform_row = session.exec(select(LtiPlatform)).one()
    assert platform_row.issuer == lms_launch.url
    assert platform_row.token_url == lms.token_url

    # 2. The learner completes it: two of the three exercises right.
    assert user.id is not None
    answer_all(client, user.id, wrong={"what-counts"})
    page = soup(client.get(f"/courses/{DATA}/modules/{MODULE}")).get_text(" ", strip=True)
    assert "1 of 1 modules complete" in page  # its exercises are what the module requires
    session.rollback()  # end the read transaction: see what the pages wrote
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user.id)).one()
    assert enrollment.percent == 100

    # 3. The worker sends the score and the statements.
    assert lms.scores == {}
    worked = _groundwork("worker", "--once")
    assert "Tried 1 LTI scores." in worked, worked
    received = lms.scores[item_id]
    assert len(received) == 1, received
    score = received[0]
    assert score["userId"] == SUB
    assert score["scoreGiven"] == pytest.approx(66.67)
    assert score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert lms.token_requests
    assert lms.token_requests[0]["grant_type"] == "client_credentials"
    session.rollback()  # see what the worker wrote
    assert [s.status for s in session.exec(select(LtiScore)).all()] == ["sent"]

    # 4. Ralph holds valid statements for the launch, the progress and the completion.
    rows = session.exec(select(XapiStatement).order_by(col(XapiStatement.id))).all()
    assert rows
    assert {r.status for r in rows} == {"delivered"}, [
        (r.verb, r.response_status, r.last_error) for r in rows
    ]
    actor = session.get(XapiActor, user.id)
    assert actor is not None
    agent = json.dumps({"account": {"homePage": BASE, "name": actor.name}})
    held = ralph.statements(agent=agent)
    assert {s["id"] for s in held} == {r.statement_id for r in rows}
    registration = statements.registration(BASE, enrollment.id or 0)
    assert {s["context"]["registration"] for s in held} == {registration}
    module_iri = f"{BASE}/courses/{DATA}/modules/{MODULE}"
    by_verb: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for s in held:
        by_verb.setdefault(s["verb"]["id"], []).append(s)
    for name in ("launched", "initialized"):
        assert [s["object"]["id"] for s in by_verb[VERB[name]]] == [module_iri], name
    progressed = by_verb[VERB["progressed"]]
    percents = [s["result"]["extensions"][statements.PROGRESS_EXTENSION] for s in progressed]
    assert 100 in percents
    completed = {s["object"]["id"]: s for s in by_verb[VERB["completed"]]}
    assert module_iri in completed
    assert completed[module_iri]["result"]["completion"] is True
    answered = by_verb[VERB["answered"]]
    assert {s["result"]["success"] for s in answered} == {True, False}
    # Nothing about the learner but the account: no email, no name.
    text = json.dumps([{k: v for k, v in s.items() if k != "authority"} for s in held])
    assert "pat7@" not in text
    assert "Pat Learner" not in text
    # A second round sends nothing twice.
    assert "Tried 0 LTI scores." in _groundwork("worker", "--once")
    assert len(lms.scores[item_id]) == 1
