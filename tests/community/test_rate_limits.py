"""Rate limits stored in the database, under a frozen clock (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from app.community.limits import MEMBER, NEW_MEMBER, RateLimited, check_rate, is_new_member
from app.db import id_of
from app.learning.models import Enrollment, ModuleProgress
from tests.community.pages import new_thread, reply, thread_id_of
from tests.community.support import course_record, make_learner
from tests.helpers import login, soup

START = datetime(2026, 12, 7, 15, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _complete_a_module(session: Session, user) -> None:
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user.id)).one()
    session.add(
        ModuleProgress(enrollment_id=id_of(enrollment), module_id="welcome", completed_at=START)
    )
    session.commit()


def test_who_is_a_new_member(session: Session, clock) -> None:
    course_record(session)
    young = make_learner(session, email_verified_at=START)
    assert is_new_member(session, user=young, now=START)  # a minute old
    old = START - timedelta(days=2)
    unverified = make_learner(session, created_at=old)
    _complete_a_module(session, unverified)
    assert is_new_member(session, user=unverified, now=START)
    nothing_done = make_learner(session, created_at=old, email_verified_at=old)
    assert is_new_member(session, user=nothing_done, now=START)
    seasoned = make_learner(session, created_at=old, email_verified_at=old)
    _complete_a_module(session, seasoned)
    assert not is_new_member(session, user=seasoned, now=START)
    # A day and a second later the young account is still unproven: no module completed.
    assert is_new_member(session, user=young, now=START + timedelta(days=1, seconds=1))


def test_a_fourth_thread_on_the_first_day_is_refused_with_the_text_kept(
    client, session: Session, clock
) -> None:
    learner = make_learner(session)
    login(client, learner)
    for n in range(NEW_MEMBER.threads):
        thread_id_of(new_thread(client, title=f"Thread {n}"))
        clock.shift(NEW_MEMBER.gap)
    refused = new_thread(client, title="Fourth thread", body="Words I typed with care.")
    assert refused.status_code == 429
    page = soup(refused)
    assert page.find("input", attrs={"name": "title"})["value"] == "Fourth thread"
    assert page.find("textarea", attrs={"name": "body"}).text == "Words I typed with care."
    assert "You have started 3 threads in your first day" in refused.text
    # A day later the window has moved on.
    clock.shift(timedelta(days=1))
    assert thread_id_of(new_thread(client, title="Fourth thread"))


def test_thirty_seconds_between_posts_for_new_members(client, session: Session, clock) -> None:
    learner = make_learner(session)
    login(client, learner)
    tid = thread_id_of(new_thread(client))
    clock.shift(timedelta(seconds=29))
    refused = reply(client, tid, "Too quick")
    assert refused.status_code == 429
    assert "wait 1 seconds" in refused.text or "wait 2 seconds" in refused.text
    assert soup(refused).find("textarea", attrs={"name": "body"}).text == "Too quick"
    clock.shift(timedelta(seconds=1))
    assert reply(client, tid, "Now it is fine").status_code == 303


def test_ten_replies_on_the_first_day(session: Session, clock) -> None:
    from app.community.models import CommunityPost
    from app.community.scopes import course_scope
    from tests.community.support import make_thread

    learner = make_learner(session)
    thread = make_thread(session, author=learner, scope=course_scope())
    clock.shift(timedelta(minutes=1))
    for _ in range(NEW_MEMBER.replies):
        check_rate(session, user=learner, opening=False, now=datetime.now(UTC))
        session.add(
            CommunityPost(
                thread_id=id_of(thread),
                author_id=id_of(learner),
                body="x",
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
        clock.shift(NEW_MEMBER.gap)
    with pytest.raises(RateLimited, match="10 replies in your first day"):
        check_rate(session, user=learner, opening=False, now=datetime.now(UTC))
    # Deleting a reply does not buy another one.
    post = session.exec(select(CommunityPost).where(CommunityPost.is_opening == False)).first()  # noqa: E712
    assert post is not None
    post.deleted_at = datetime.now(UTC)
    session.add(post)
    session.commit()
    with pytest.raises(RateLimited):
        check_rate(session, user=learner, opening=False, now=datetime.now(UTC))


def test_established_members_have_hourly_limits_and_ten_seconds(session: Session, clock) -> None:
    from app.community.scopes import course_scope
    from tests.community.support import make_thread

    old = START - timedelta(days=30)
    member = make_learner(session, created_at=old, email_verified_at=old)
    _complete_a_module(session, member)
    now = datetime.now(UTC)
    make_thread(session, author=member, scope=course_scope())  # at START
    with pytest.raises(RateLimited, match="wait"):
        check_rate(session, user=member, opening=True, now=now + timedelta(seconds=9))
    check_rate(session, user=member, opening=True, now=now + MEMBER.gap)
    for n in range(MEMBER.threads - 1):
        clock.shift(MEMBER.gap)
        make_thread(session, author=member, scope=course_scope(), title=f"t{n}")
    clock.shift(MEMBER.gap)
    with pytest.raises(RateLimited, match="10 threads in an hour"):
        check_rate(session, user=member, opening=True, now=datetime.now(UTC))
    # Replies have their own count; an hour later threads are allowed again.
    check_rate(session, user=member, opening=False, now=datetime.now(UTC))
    check_rate(session, user=member, opening=True, now=now + timedelta(hours=1, seconds=1))
