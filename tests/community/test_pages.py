"""The learner side through the pages: module discussion, threads, replies, edit, delete,
guidelines, anonymity (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.community.models import CommunityPost, CommunityPostRevision, GuidelinesAcknowledgement
from tests.community.pages import MODULE, new_thread, reply, thread_id_of, thread_url
from tests.community.support import make_cohort, make_learner, make_org
from tests.helpers import login, post_form, soup
from tests.learning.support import JOURNEY

START = datetime(2026, 12, 7, 15, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _as(app, user) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    c.__enter__()
    login(c, user)
    return c


def test_module_page_links_to_its_discussion(client, session: Session) -> None:
    learner = make_learner(session)
    login(client, learner)
    page = soup(client.get(f"/courses/{JOURNEY}/modules/{MODULE}"))
    link = page.find("a", href=f"/courses/{JOURNEY}/modules/{MODULE}/discussion")
    assert link is not None
    listing = client.get(link["href"])
    assert listing.status_code == 200
    assert "No threads yet" in listing.text
    assert soup(listing).find("a", href=f"/courses/{JOURNEY}/discussion/guidelines")


def test_start_reply_edit_delete(app, client, session: Session, clock) -> None:
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    ana, ben = make_learner(session, cohort=cohort), make_learner(session, cohort=cohort)
    login(client, ana)
    tid = thread_id_of(
        new_thread(client, title="Monday dips", body="Attendance *dips* on Mondays.")
    )
    page = client.get(thread_url(tid))
    assert "<em>dips</em>" in page.text
    assert ana.display_name in page.text

    mate = _as(app, ben)
    clock.shift(timedelta(seconds=31))
    listing = mate.get(f"/courses/{JOURNEY}/modules/{MODULE}/discussion")
    assert "Monday dips" in listing.text
    response = reply(mate, tid, "Our bus schedule changed on Mondays.")
    assert response.status_code == 303, response.text[:1500]
    assert "Our bus schedule changed" in client.get(thread_url(tid)).text

    # Ana edits her opening post: "edited" shows, the earlier text is in the history.
    post = session.exec(select(CommunityPost).where(CommunityPost.author_id == ana.id)).one()
    form = client.get(f"/courses/{JOURNEY}/discussion/posts/{post.id}/edit")
    assert "Attendance *dips* on Mondays." in form.text
    saved = post_form(
        client,
        f"/courses/{JOURNEY}/discussion/posts/{post.id}/edit",
        {"title": "Monday dips, by grade", "body": "Ninth graders miss Mondays most."},
    )
    assert saved.status_code == 303
    page = mate.get(thread_url(tid))
    assert "Monday dips, by grade" in page.text
    assert "Ninth graders" in page.text
    # Peers see that it was edited, but its earlier text is for its author and staff only.
    assert soup(page).find("a", string="edited") is None
    assert " edited" in page.text
    history_link = soup(client.get(thread_url(tid))).find("a", string="edited")
    assert history_link is not None
    assert mate.get(history_link["href"]).status_code == 404
    history = client.get(history_link["href"])
    assert "Attendance <em>dips</em> on Mondays." in history.text
    assert "Title: Monday dips" in history.text
    session.commit()
    revisions = session.exec(select(CommunityPostRevision)).all()
    assert [(r.number, r.title, r.body) for r in revisions] == [
        (1, "Monday dips", "Attendance *dips* on Mondays.")
    ]
    # Ben cannot edit or delete Ana's post: 404, and nothing changes.
    assert mate.get(f"/courses/{JOURNEY}/discussion/posts/{post.id}/edit").status_code == 404
    assert (
        post_form(mate, f"/courses/{JOURNEY}/discussion/posts/{post.id}/delete").status_code == 404
    )

    # Ana deletes her post: "[deleted]" in its place, Ben's reply stays.
    assert (
        post_form(client, f"/courses/{JOURNEY}/discussion/posts/{post.id}/delete").status_code
        == 303
    )
    page = mate.get(thread_url(tid))
    assert "[deleted]" in page.text
    assert "Ninth graders" not in page.text
    assert "Our bus schedule changed" in page.text
    session.commit()
    session.expire_all()
    kept = session.get(CommunityPost, post.id)
    assert kept is not None
    assert kept.deleted_at is not None
    mate.__exit__(None, None, None)


def test_guidelines_are_shown_and_agreed_before_the_first_post(
    client, session: Session, clock
) -> None:
    learner = make_learner(session)
    login(client, learner)
    form = client.get(f"/courses/{JOURNEY}/modules/{MODULE}/discussion/new")
    assert soup(form).find("input", attrs={"name": "agree"}) is not None
    refused = new_thread(client, title="Kept title", body="Kept body", agree=False)
    assert refused.status_code == 400
    page = soup(refused)
    assert page.find("input", attrs={"name": "title"})["value"] == "Kept title"
    assert page.find("textarea", attrs={"name": "body"}).text == "Kept body"
    assert "tick the box" in refused.text
    assert thread_id_of(new_thread(client, title="Kept title", body="Kept body"))
    assert session.exec(select(GuidelinesAcknowledgement)).one().user_id == learner.id
    # Afterwards, no box to tick.
    form = client.get(f"/courses/{JOURNEY}/modules/{MODULE}/discussion/new")
    assert soup(form).find("input", attrs={"name": "agree"}) is None
    guidelines = client.get(f"/courses/{JOURNEY}/discussion/guidelines")
    assert guidelines.status_code == 200
    assert "systems and practices" in guidelines.text


def test_anonymous_to_peers_but_not_to_staff(app, client, session: Session, clock) -> None:
    from tests.factories import make_user

    org = make_org(session)
    writer = make_learner(session, organization=org, display_name="Wren Writer")
    peer = make_learner(session, organization=org)
    staff = make_user(session, role="staff", staff_organization_id=org.id)
    login(client, writer)
    tid = thread_id_of(new_thread(client, title="A worry", anonymous="1"))
    as_peer = _as(app, peer)
    for url in (thread_url(tid), f"/courses/{JOURNEY}/modules/{MODULE}/discussion"):
        text = as_peer.get(url).text
        assert "Wren Writer" not in text
        assert "Anonymous educator" in text
    as_staff = _as(app, staff)
    text = as_staff.get(thread_url(tid)).text
    assert "Wren Writer (anonymous to peers)" in text
    # The organization turns the option off: the next anonymous post is refused, text kept.
    assert (
        post_form(
            as_staff, f"/staff/community/settings/{org.id}", {"allow_anonymous": "0"}
        ).status_code
        == 303
    )
    clock.shift(timedelta(seconds=31))
    refused = reply(client, tid, "Still worried", anonymous="1")
    assert refused.status_code == 400
    assert "turned off anonymous posting" in refused.text
    assert soup(refused).find("textarea", attrs={"name": "body"}).text == "Still worried"
    # Staff of another organization cannot change it.
    other = make_user(session, role="staff", staff_organization_id=make_org(session).id)
    as_other = _as(app, other)
    assert (
        post_form(
            as_other, f"/staff/community/settings/{org.id}", {"allow_anonymous": "1"}
        ).status_code
        == 404
    )
    for c in (as_peer, as_staff, as_other):
        c.__exit__(None, None, None)


def test_not_enrolled_members_read_but_cannot_post(app, client, session: Session, clock) -> None:
    org = make_org(session)
    writer = make_learner(session, organization=org)
    reader = make_learner(session, organization=org, enrolled=False)
    login(client, writer)
    tid = thread_id_of(new_thread(client))
    c = _as(app, reader)
    assert c.get(thread_url(tid)).status_code == 200
    assert reply(c, tid, "hello").status_code == 400
    assert new_thread(c).status_code == 400
    assert c.get(f"/courses/{JOURNEY}/modules/{MODULE}/discussion/new").status_code == 303
    c.__exit__(None, None, None)


def test_locked_threads_refuse_replies(client, session: Session, clock) -> None:
    from app.community.models import CommunityThread

    learner = make_learner(session)
    login(client, learner)
    tid = thread_id_of(new_thread(client))
    thread = session.get(CommunityThread, tid)
    assert thread is not None
    thread.locked = True
    session.add(thread)
    session.commit()
    clock.shift(timedelta(seconds=31))
    page = client.get(thread_url(tid))
    assert (
        soup(page).find("form", action=f"/courses/{JOURNEY}/discussion/threads/{tid}/replies")
        is None
    )
    refused = reply(client, tid, "Late words")
    assert refused.status_code == 400
    assert "locked" in refused.text


def test_hidden_posts_show_their_author_the_reason_and_peers_nothing(
    app, client, session: Session, clock
) -> None:
    from app.db import utcnow

    learner, peer = make_learner(session), make_learner(session)
    login(client, learner)
    tid = thread_id_of(new_thread(client))
    clock.shift(timedelta(seconds=31))
    assert reply(client, tid, "A careless remark").status_code == 303
    post = session.exec(select(CommunityPost).where(CommunityPost.is_opening == False)).one()  # noqa: E712
    post.hidden_at, post.hidden_reason = utcnow(), "It named a student."
    session.add(post)
    session.commit()
    own = client.get(thread_url(tid)).text
    assert "A careless remark" in own
    assert "It named a student." in own
    c = _as(app, peer)
    text = c.get(thread_url(tid)).text
    assert "A careless remark" not in text
    assert "It named a student" not in text
    assert c.get(f"/courses/{JOURNEY}/discussion/posts/{post.id}/history").status_code == 404
    # A hidden opening post hides its thread from peers: not listed, 404 by URL.
    opening = session.exec(select(CommunityPost).where(CommunityPost.is_opening == True)).one()  # noqa: E712
    opening.hidden_at = utcnow()
    session.add(opening)
    session.commit()
    listing = f"/courses/{JOURNEY}/modules/{MODULE}/discussion"
    assert "What do you notice?" not in c.get(listing).text
    assert c.get(thread_url(tid)).status_code == 404
    assert "What do you notice?" in client.get(listing).text  # its author still sees it
    c.__exit__(None, None, None)
