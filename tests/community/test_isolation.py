"""Nothing crosses a scope, from every discussion route: cohort↔cohort,
organization↔organization and community↔organization each answer 404 (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.community.models import CommunityPost
from tests.community.pages import MODULE, new_thread, reply, thread_id_of, thread_url
from tests.community.support import make_cohort, make_learner, make_org
from tests.helpers import login, post_form
from tests.learning.support import JOURNEY

START = datetime(2026, 12, 7, 15, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _client(app, user) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    c.__enter__()
    login(c, user)
    return c


def _every_route(c: TestClient, thread_id: int, post_id: int) -> list[tuple[str, int]]:
    base = f"/courses/{JOURNEY}/discussion"
    return [
        ("GET thread", c.get(thread_url(thread_id)).status_code),
        ("POST reply", reply(c, thread_id, "Crossing over").status_code),
        ("GET edit", c.get(f"{base}/posts/{post_id}/edit").status_code),
        (
            "POST edit",
            post_form(c, f"{base}/posts/{post_id}/edit", {"title": "x", "body": "y"}).status_code,
        ),
        ("POST delete", post_form(c, f"{base}/posts/{post_id}/delete").status_code),
        ("GET history", c.get(f"{base}/posts/{post_id}/history").status_code),
    ]


def test_no_route_crosses_a_scope(app, client, session: Session, clock) -> None:
    riverside, lakeside = make_org(session, "Riverside"), make_org(session, "Lakeside")
    cohort_a = make_cohort(session, organization=riverside)
    cohort_b = make_cohort(session, organization=riverside)
    people = {
        "cohort A": make_learner(session, cohort=cohort_a),
        "cohort B": make_learner(session, cohort=cohort_b),
        "Riverside": make_learner(session, organization=riverside),
        "Lakeside": make_learner(session, organization=lakeside),
        "community": make_learner(session),
    }
    clients = {name: _client(app, user) for name, user in people.items()}
    threads: dict[str, tuple[int, int]] = {}
    for name, c in clients.items():
        tid = thread_id_of(new_thread(c, title=f"Thread of {name}", body=f"Words of {name}"))
        post = session.exec(select(CommunityPost).where(CommunityPost.thread_id == tid)).one()
        session.commit()
        threads[name] = (tid, post.id or 0)
    clock.shift(timedelta(minutes=5))
    pairs = [
        ("cohort A", "cohort B"),
        ("cohort B", "cohort A"),
        ("Riverside", "Lakeside"),
        ("Lakeside", "Riverside"),
        ("community", "Riverside"),
        ("Riverside", "community"),
        ("cohort A", "Riverside"),
        ("Riverside", "cohort A"),
    ]
    for reader, owner in pairs:
        c = clients[reader]
        tid, pid = threads[owner]
        listing = c.get(f"/courses/{JOURNEY}/modules/{MODULE}/discussion").text
        assert f"Thread of {owner}" not in listing, (reader, owner)
        assert f"Thread of {reader}" in listing, (reader, owner)
        results = _every_route(c, tid, pid)
        assert all(status == 404 for _, status in results), (reader, owner, results)
        clock.shift(timedelta(minutes=1))
    # Nothing was changed by the attempts: every opening post is as written, none deleted.
    session.commit()
    for post in session.exec(select(CommunityPost)).all():
        assert post.deleted_at is None
        assert post.body.startswith("Words of")
    assert len(session.exec(select(CommunityPost)).all()) == len(people)
    for c in clients.values():
        c.__exit__(None, None, None)
