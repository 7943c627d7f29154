"""The worker removes expired login states, nonces and launch tickets; live ones stay, and a
launch replayed after its login was removed is still refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from app.cli import app as cli_app
from app.db import utcnow
from app.lti.models import LtiLaunchTicket, LtiLogin, LtiNonce
from tests.lti.conftest import course_spec, id_token_post

ROWS = (LtiLogin, LtiNonce, LtiLaunchTicket)


def _counts(session: Session) -> dict[str, int]:
    session.rollback()  # see what the app and the worker wrote
    session.expire_all()
    return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in ROWS}


def _worker_once() -> str:
    result = CliRunner().invoke(cli_app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("cli_environment")
def test_the_worker_forgets_what_expired_and_keeps_what_lives(client, platform, session: Session):
    fields = id_token_post(client, platform, course_spec())
    assert client.post("/lti/launch", data=fields).status_code == 303
    waiting = id_token_post(client, platform, course_spec(sub="learner-2", resource_link_id="l2"))
    assert _counts(session) == {"LtiLogin": 2, "LtiNonce": 1, "LtiLaunchTicket": 1}
    # Nothing has expired yet: the worker removes nothing.
    assert "Removed 0 expired LTI logins" in _worker_once()
    assert _counts(session) == {"LtiLogin": 2, "LtiNonce": 1, "LtiLaunchTicket": 1}

    with time_machine.travel(utcnow() + timedelta(minutes=30), tick=False):
        fresh = id_token_post(client, platform, course_spec(sub="learner-3", resource_link_id="l3"))
        assert "Removed 4 expired LTI logins" in _worker_once()
        # Only the login started after the others expired is left.
        assert _counts(session) == {"LtiLogin": 1, "LtiNonce": 0, "LtiLaunchTicket": 0}
        # Replays of the removed logins are refused (their state is unknown now) ...
        for old in (fields, waiting):
            replay = client.post("/lti/launch", data=old)
            assert replay.status_code == 400, replay.text[:300]
        # ... and the live one launches.
        assert client.post("/lti/launch", data=fresh).status_code == 303
    assert _counts(session) == {"LtiLogin": 1, "LtiNonce": 1, "LtiLaunchTicket": 1}
