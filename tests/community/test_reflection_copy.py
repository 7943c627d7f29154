""" "Discuss this": a copy of the learner's reflection, never a link to it (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.community.pages import new_thread, thread_id_of, thread_url
from tests.community.support import make_cohort, make_learner, make_org
from tests.helpers import login, soup
from tests.learning.support import JOURNEY, submit_reflection

START = datetime(2026, 12, 7, 15, tzinfo=UTC)
PRIVATE = "Zebrafinch private worry about my own classroom"
SHARED = "Attendance dips every Monday for ninth graders."


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_discuss_this_posts_a_copy_and_private_text_stays_private(
    app, client, session: Session, clock
) -> None:
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    ana, ben = make_learner(session, cohort=cohort), make_learner(session, cohort=cohort)
    login(client, ana)
    assert submit_reflection(client, "what-i-notice", f"{SHARED}\n\n{PRIVATE}").status_code == 303
    # The reflection box offers "Discuss this"; it opens the new-thread form with a copy.
    module = client.get(f"/courses/{JOURNEY}/modules/practice")
    link = soup(module).find("a", string=lambda s: bool(s) and s.startswith("Discuss this"))
    assert link is not None
    form = client.get(link["href"])
    assert form.status_code == 200
    assert soup(form).find("textarea", attrs={"name": "body"}).text == f"{SHARED}\n\n{PRIVATE}"
    assert soup(form).find("input", attrs={"name": "prompt"})["value"] == "what-i-notice"
    # Ana keeps only the first part and posts it on the prompt.
    tid = thread_id_of(
        new_thread(client, module="practice", title="Mondays", body=SHARED, prompt="what-i-notice")
    )
    # Editing the private reflection later does not change the post.
    clock.shift(timedelta(minutes=1))
    assert submit_reflection(client, "what-i-notice", "A wholly new reflection text.").status_code
    assert SHARED in client.get(thread_url(tid)).text

    mate = TestClient(app, follow_redirects=False)
    mate.__enter__()
    login(mate, ben)
    pages = [
        mate.get(thread_url(tid)),
        mate.get(f"/courses/{JOURNEY}/modules/practice/discussion"),
        mate.get(f"/courses/{JOURNEY}/prompts/what-i-notice/discussion"),
        mate.get(
            f"/courses/{JOURNEY}/modules/practice/discussion/new?prompt=what-i-notice&copy=reflection"
        ),
    ]
    for page in pages:
        assert page.status_code == 200, page.url
        assert PRIVATE not in page.text, page.url
        assert "wholly new reflection" not in page.text, page.url
    assert SHARED in pages[0].text
    assert "Mondays" in pages[2].text
    mate.__exit__(None, None, None)
