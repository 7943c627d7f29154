"""A module renamed by its author (``previous_ids``) keeps its completions: work done under
the old id counts for assignments made with either id, so no reminder goes for it."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from app.db import utcnow
from app.notifications.reminders import run_once
from tests.accounts.smtp_server import MailServer
from tests.assignments.support import assign, join_cohort, make_cohort, make_org
from tests.factories import make_user
from tests.helpers import login, post_form
from tests.learning.support import COURSES, JOURNEY


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, object]:
    shutil.copytree(COURSES / JOURNEY, tmp_path / JOURNEY)
    return {"content_dir": tmp_path}


def test_completions_follow_a_renamed_module(
    client, engine, session, settings, mail_server: MailServer
) -> None:  # type: ignore[no-untyped-def]
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    learner = make_user(session, organization_id=org.id)
    join_cohort(session, user=learner, cohort=cohort)
    login(client, learner)
    assert post_form(client, f"/courses/{JOURNEY}/modules/welcome/done").status_code == 303
    # The author renames the module "welcome" to "hello", naming its previous id.
    page = settings.content_dir / JOURNEY / "modules" / "01-welcome.md"
    page.write_text(
        page.read_text().replace("id: welcome\n", "id: hello\nprevious_ids: [welcome]\n", 1)
    )
    assign(session, cohort=cohort, modules=["welcome"], due_on=date(2026, 12, 12))
    assign(session, cohort=cohort, modules=["hello"], due_on=date(2026, 12, 12))
    assign(session, cohort=cohort, modules=["practice"], due_on=date(2026, 12, 12))
    with time_machine.travel(datetime(2026, 12, 11, 8, tzinfo=UTC), tick=False):
        assert run_once(engine, settings, utcnow()) == 1  # only "practice" is not done
    [sent] = mail_server.received
    assert "Practice noticing" in sent.message.get_payload(decode=True).decode()
