"""Staff moderation: every decision, its log row and the notification seam; each staff
route checks the role (403) and the scope (another organization's thread or post: 404)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from app.community import events, moderation
from app.community.models import CommunityFlag, CommunityModerationAction, CommunityThread
from app.db import id_of
from tests.community.mod_support import Community, add_reply, build, opening_post
from tests.helpers import login, post_form, soup


@pytest.fixture
def world(client, session: Session) -> Community:  # type: ignore[no-untyped-def]
    return build(session)


def _log(session: Session, thread_id: int) -> list[tuple[str, int | None, str]]:
    session.expire_all()
    rows = session.exec(
        select(CommunityModerationAction)
        .where(CommunityModerationAction.thread_id == thread_id)
        .order_by(col(CommunityModerationAction.id))
    ).all()
    return [(r.action, r.actor_id, r.reason) for r in rows]


def test_every_action_is_logged_and_reaches_the_seam(
    session: Session, world: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(
        events,
        "on_staff_action",
        lambda session, *, thread, post, actor, action: seen.append(action),
    )
    monkeypatch.setattr(
        events, "on_post_endorsed", lambda session, post, *, actor: seen.append("endorsed")
    )
    thread = world.threads["a1"]
    tid = id_of(thread)
    reply = add_reply(session, thread=thread, author=world.a1_peer, body="A strong reply")
    staff, sid = world.staff_a, id_of(world.staff_a)
    moderation.set_pinned(session, staff=staff, thread_id=tid, pinned=True)
    moderation.set_pinned(session, staff=staff, thread_id=tid, pinned=True)  # no change, no row
    moderation.set_locked(session, staff=staff, thread_id=tid, locked=True)
    moderation.set_endorsed(session, staff=staff, post_id=id_of(reply), endorsed=True)
    moderation.hide_post(session, staff=staff, post_id=id_of(reply), reason="  Names a  student ")
    moderation.restore_post(session, staff=staff, post_id=id_of(reply))
    moderation.set_locked(session, staff=staff, thread_id=tid, locked=False)
    moderation.set_pinned(session, staff=staff, thread_id=tid, pinned=False)
    moderation.set_endorsed(session, staff=staff, post_id=id_of(reply), endorsed=False)
    assert _log(session, tid) == [
        ("pin", sid, ""),
        ("lock", sid, ""),
        ("endorse", sid, ""),
        ("hide_post", sid, "Names a student"),
        ("restore_post", sid, ""),
        ("unlock", sid, ""),
        ("unpin", sid, ""),
        ("unendorse", sid, ""),
    ]
    assert seen == [
        "pin", "lock", "endorsed", "hide_post", "restore_post", "unlock", "unpin", "unendorse"
    ]  # fmt: skip
    session.expire_all()
    final = session.get(CommunityThread, tid)
    assert final is not None
    assert not final.pinned
    assert not final.locked


def test_hide_needs_a_reason_the_author_sees(session: Session, world: Community) -> None:
    reply = add_reply(session, thread=world.threads["a1"], author=world.a1_peer, body="Text")
    with pytest.raises(moderation.ModerationRefused):
        moderation.hide_post(session, staff=world.staff_a, post_id=id_of(reply), reason="   ")
    with pytest.raises(moderation.ModerationRefused):
        moderation.hide_post(session, staff=world.staff_a, post_id=id_of(reply), reason="x" * 501)
    session.rollback()
    post = moderation.hide_post(
        session, staff=world.staff_a, post_id=id_of(reply), reason="Please reword"
    )
    assert post.hidden_reason == "Please reword"
    assert post.hidden_by_id == world.staff_a.id


def test_hiding_an_opening_post_hides_the_thread_and_restore_shows_it(
    session: Session, world: Community
) -> None:
    thread = world.threads["a1"]
    opening = opening_post(session, thread)
    moderation.hide_post(session, staff=world.admin, post_id=id_of(opening), reason="Off topic")
    session.expire_all()
    assert session.get(CommunityThread, thread.id).hidden_reason == "Off topic"  # type: ignore[union-attr]
    moderation.restore_post(session, staff=world.admin, post_id=id_of(opening))
    session.expire_all()
    assert session.get(CommunityThread, thread.id).hidden_at is None  # type: ignore[union-attr]


def test_move_to_another_module_of_the_course(app, session: Session, world: Community) -> None:  # type: ignore[no-untyped-def]
    course = app.state.registry.get("journey-course")  # the client started the app
    thread = world.threads["a1"]
    thread.prompt_id = "what-i-notice"
    session.add(thread)
    session.commit()
    with pytest.raises(moderation.ModerationRefused):
        moderation.move_thread(
            session, staff=world.staff_a, thread_id=id_of(thread), course=course, module_id="nope"
        )
    moderation.move_thread(
        session, staff=world.staff_a, thread_id=id_of(thread), course=course, module_id="practice"
    )
    session.expire_all()
    moved = session.get(CommunityThread, thread.id)
    assert moved is not None
    assert (moved.module_id, moved.moved_from_module_id, moved.prompt_id) == (
        "practice",
        "welcome",
        None,
    )
    (entry,) = [e for e in moderation.thread_log(session, thread_id=id_of(thread))]
    assert entry.action == "move"
    assert "no longer under prompt what-i-notice" in entry.detail


@pytest.mark.parametrize(
    ("staff", "thread", "reachable"),
    [
        ("staff_a", "a1", True),
        ("staff_a", "a2", True),
        ("staff_a", "a_org", True),
        ("staff_a", "b1", False),
        ("staff_a", "b_org", False),
        ("staff_a", "course", False),
        ("staff_b", "a1", False),
        ("staff_b", "b1", True),
        ("admin", "course", True),
        ("admin", "b_org", True),
    ],
)
def test_staff_reach_every_route(  # type: ignore[no-untyped-def]
    client, session: Session, world: Community, staff: str, thread: str, reachable: bool
) -> None:
    target = world.threads[thread]
    tid = id_of(target)
    pid = id_of(add_reply(session, thread=target, author=world.a1, body="reply"))
    login(client, getattr(world, staff))
    expected_get = 200 if reachable else 404
    assert client.get(f"/staff/community/threads/{tid}").status_code == expected_get
    posts = [
        (f"/staff/community/threads/{tid}/pin", {"pinned": "1"}),
        (f"/staff/community/threads/{tid}/lock", {"locked": "1"}),
        (f"/staff/community/threads/{tid}/move", {"module_id": "practice"}),
        (f"/staff/community/posts/{pid}/endorse", {"endorsed": "1"}),
        (f"/staff/community/posts/{pid}/keep", {}),
        (f"/staff/community/posts/{pid}/hide", {"reason": "Reword please"}),
        (f"/staff/community/posts/{pid}/restore", {}),
    ]
    for url, data in posts:
        response = post_form(client, url, data)
        assert response.status_code == (303 if reachable else 404), (url, response.text[:300])
    logged = _log(session, tid)
    if reachable:
        assert [a for a, _, _ in logged] == [
            "pin", "lock", "move", "endorse", "keep", "hide_post", "restore_post"
        ]  # fmt: skip
    else:
        assert logged == []


def test_learners_get_403_from_staff_routes(client, session: Session, world: Community) -> None:  # type: ignore[no-untyped-def]
    tid = id_of(world.threads["a1"])
    login(client, world.a1)
    assert client.get("/staff/community/queue").status_code == 403
    assert client.get(f"/staff/community/threads/{tid}").status_code == 403
    assert (
        post_form(client, f"/staff/community/threads/{tid}/pin", {"pinned": "1"}).status_code == 403
    )
    assert _log(session, tid) == []


def test_thread_page_shows_posts_flags_and_the_log(  # type: ignore[no-untyped-def]
    client, session: Session, world: Community
) -> None:
    thread = world.threads["a1"]
    reply = add_reply(session, thread=thread, author=world.a1_peer, body="<script>x</script>")
    session.add(CommunityFlag(post_id=id_of(reply), flagger_id=id_of(world.a1), reason="spam"))
    session.commit()
    login(client, world.staff_a)
    tid = id_of(thread)
    bad = post_form(client, f"/staff/community/posts/{id_of(reply)}/hide", {"reason": " "})
    assert bad.status_code == 400
    assert "Write a reason" in bad.text
    assert (
        post_form(
            client, f"/staff/community/posts/{id_of(reply)}/hide", {"reason": "Please reword"}
        ).status_code
        == 303
    )
    page = client.get(f"/staff/community/threads/{tid}")
    assert page.status_code == 200
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    log_rows = soup(page).select("section[aria-labelledby=log-title] tbody tr")
    assert len(log_rows) == 1
    cells = [td.get_text(" ", strip=True) for td in log_rows[0].find_all("td")]
    assert cells[1] == world.staff_a.display_name
    assert cells[2].startswith("Hid a post")
    assert "Please reword" in cells[3]


def test_queue_lists_flagged_and_hidden_posts_in_reach(  # type: ignore[no-untyped-def]
    client, session: Session, world: Community
) -> None:
    mine = add_reply(session, thread=world.threads["a2"], author=world.a2, body="Flag me A")
    theirs = add_reply(session, thread=world.threads["b1"], author=world.b1, body="Flag me B")
    for post in (mine, theirs):
        session.add(
            CommunityFlag(post_id=id_of(post), flagger_id=id_of(world.admin), reason="spam")
        )
    session.commit()
    login(client, world.staff_a)
    page = client.get("/staff/community/queue")
    assert page.status_code == 200
    assert "Flag me A" in page.text
    assert "Flag me B" not in page.text
    kept = post_form(client, f"/staff/community/posts/{id_of(mine)}/keep", {"back": "queue"})
    assert kept.status_code == 303
    assert kept.headers["location"].endswith("/staff/community/queue")
    assert "Nothing to review" in client.get("/staff/community/queue").text
