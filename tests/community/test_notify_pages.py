"""The notifications page and the header count: newest first, "New" until opened, opening
marks read and leads to the post, "mark all read" is a POST with CSRF, an empty state, and
an unread count in the header that needs no JavaScript (one COUNT query per page)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlmodel import Session

from app.community.scopes import learner_scope
from tests.community.notify_support import notices, reply
from tests.community.support import make_cohort, make_learner, make_org, make_thread
from tests.helpers import csrf, login, post_form, soup
from tests.learning.support import JOURNEY


def _header_link(client):  # type: ignore[no-untyped-def]
    page = soup(client.get("/me"))
    return page.select_one("header a.notifications-link")


def _two_replies(session: Session):  # type: ignore[no-untyped-def]
    cohort = make_cohort(session, organization=make_org(session))
    ana, ben = (make_learner(session, cohort=cohort) for _ in range(2))
    thread = make_thread(
        session,
        author=ana,
        scope=learner_scope(session, user=ana, course_slug=JOURNEY),
        title="Seating <b>charts</b>",
    )
    first = reply(session, thread=thread, author=ben, body="One")
    second = reply(session, thread=thread, author=ben, body="Two")
    return ana, ben, thread, first, second


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_header_shows_the_unread_count_with_an_accessible_name(client, session, engine) -> None:
    ana, ben, thread, *_ = _two_replies(session)
    login(client, ana)
    with _statements(engine) as seen:
        link = _header_link(client)
    assert link["aria-label"] == "Notifications, 2 unread"
    assert link.get_text(" ", strip=True) == "Notifications 2"
    counts = [s for s in seen if "community_notification" in s]
    assert len(counts) == 1
    assert "count(" in counts[0].lower()

    client.cookies.clear()
    login(client, ben)
    link = _header_link(client)
    assert link["aria-label"] == "Notifications"
    assert link.get_text(strip=True) == "Notifications"


def test_list_newest_first_open_marks_read_and_leads_to_the_post(client, session) -> None:
    ana, _, thread, first, second = _two_replies(session)
    login(client, ana)
    page = soup(client.get("/community/notifications"))
    items = page.select(".notification-list li")
    assert len(items) == 2
    assert all("New" in i.get_text() for i in items)
    # Learner text is escaped: the title's markup shows as text.
    assert "Seating <b>charts</b>" in items[0].get_text()
    assert page.select_one(".notification-list b") is None
    newest, oldest = notices(session, ana)[::-1]
    assert items[0].a["href"] == f"/community/notifications/{newest.id}"

    opened = client.get(items[0].a["href"], follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == (
        f"/courses/{JOURNEY}/discussion/threads/{thread.id}#post-{second.id}"
    )
    assert [n.read_at is not None for n in notices(session, ana)] == [False, True]
    assert _header_link(client)["aria-label"] == "Notifications, 1 unread"


def test_mark_all_read_needs_a_post_with_csrf(client, session) -> None:
    ana, *_ = _two_replies(session)
    login(client, ana)
    client.get("/community/notifications")
    refused = client.post("/community/notifications/read", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert all(n.read_at is None for n in notices(session, ana))
    done = post_form(client, "/community/notifications/read", follow_redirects=True)
    assert "Marked 2 notifications read." in done.text
    assert all(n.read_at is not None for n in notices(session, ana))
    page = soup(done)
    assert page.select_one("header a.notifications-link")["aria-label"] == "Notifications"
    assert "Mark all read" not in page.get_text()


def test_empty_state_and_sign_in_required(client, session) -> None:
    assert client.get("/community/notifications", follow_redirects=False).status_code in (
        302,
        303,
    )
    login(client, make_learner(session))
    page = soup(client.get("/community/notifications"))
    assert "No notifications yet." in page.get_text(" ", strip=True)


def test_another_members_notice_answers_404(client, session) -> None:
    ana, ben, *_ = _two_replies(session)
    login(client, ben)
    [theirs, _] = notices(session, ana)
    assert client.get(f"/community/notifications/{theirs.id}").status_code == 404
    assert notices(session, ana)[0].read_at is None
    assert client.get("/community/notifications/999999").status_code == 404


def test_digest_period_choice(client, session) -> None:
    ana, *_ = _two_replies(session)
    login(client, ana)
    page = soup(client.get("/community/notifications"))
    assert page.select_one("#period-weekly").has_attr("checked")
    saved = post_form(
        client, "/community/notifications/email", {"period": "daily"}, follow_redirects=True
    )
    assert "Your digest now comes once a day." in saved.text
    assert soup(saved).select_one("#period-daily").has_attr("checked")
    bad = post_form(client, "/community/notifications/email", {"period": "hourly"})
    assert bad.status_code == 400
    assert "Choose once a day or once a week." in bad.text
    assert csrf(client)
