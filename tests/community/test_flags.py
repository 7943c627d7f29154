"""Flags: one per member and post, never on your own post, and three distinct members hide
a post until staff review it (repeated flags by one member count once)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from app.community import flags, moderation
from app.community.models import CommunityFlag, CommunityModerationAction, CommunityPost
from app.community.scopes import viewer_for
from app.db import id_of
from tests.community.mod_support import Community, add_reply, build, opening_post
from tests.helpers import login, post_form
from tests.learning.support import JOURNEY


@pytest.fixture
def world(client, session: Session) -> Community:  # type: ignore[no-untyped-def]
    return build(session)


def _flag(session: Session, user, post_id: int, reason: str = "disrespectful", note: str = ""):  # type: ignore[no-untyped-def]
    viewer = viewer_for(session, user=user, course_slug=JOURNEY)
    return flags.flag_post(session, viewer=viewer, post_id=post_id, reason=reason, note=note)


def _hidden(session: Session, post_id: int) -> bool:
    session.expire_all()
    post = session.get(CommunityPost, post_id)
    assert post is not None
    return post.hidden_at is not None


def test_three_distinct_members_hide_a_post(session: Session, world: Community) -> None:
    reply = add_reply(session, thread=world.threads["a1"], author=world.a1, body="A sharp reply")
    pid = id_of(reply)
    assert _flag(session, world.a1_peer, pid).hidden_now is False
    assert _flag(session, world.a1_third, pid, reason="deficit").hidden_now is False
    assert not _hidden(session, pid)
    assert _flag(session, world.a1_fourth, pid, reason="other", note="Names a student").hidden_now
    assert _hidden(session, pid)
    post = session.get(CommunityPost, pid)
    assert post is not None
    assert post.hidden_by_id is None
    assert post.hidden_reason == flags.AUTO_HIDE_REASON
    logged = session.exec(
        select(CommunityModerationAction).where(CommunityModerationAction.post_id == pid)
    ).all()
    assert [(a.action, a.actor_id) for a in logged] == [("auto_hide", None)]


def test_repeated_flags_by_one_member_count_once(session: Session, world: Community) -> None:
    reply = add_reply(session, thread=world.threads["a1"], author=world.a1, body="Reply")
    pid = id_of(reply)
    _flag(session, world.a1_peer, pid)
    for _ in range(3):
        with pytest.raises(flags.FlagRefused) as refused:
            _flag(session, world.a1_peer, pid, reason="spam")
        assert "already flagged" in refused.value.errors["form"]
    _flag(session, world.a1_third, pid)
    assert not _hidden(session, pid)
    count = session.exec(select(CommunityFlag).where(CommunityFlag.post_id == pid)).all()
    assert len(count) == 2


def test_own_post_and_bad_reasons_are_refused(session: Session, world: Community) -> None:
    opening = opening_post(session, world.threads["a1"])
    with pytest.raises(flags.FlagRefused) as own:
        _flag(session, world.a1, id_of(opening))
    assert "your own post" in own.value.errors["form"]
    with pytest.raises(flags.FlagRefused) as bad:
        _flag(session, world.a1_peer, id_of(opening), reason="nope")
    assert "reason" in bad.value.errors
    with pytest.raises(flags.FlagRefused) as other:
        _flag(session, world.a1_peer, id_of(opening), reason="other", note="   ")
    assert "note" in other.value.errors
    assert session.exec(select(CommunityFlag)).all() == []


def test_a_flagged_opening_post_hides_its_thread(session: Session, world: Community) -> None:
    thread = world.threads["a1"]
    opening = opening_post(session, thread)
    for who in (world.a1_peer, world.a1_third, world.a1_fourth):
        _flag(session, who, id_of(opening))
    session.expire_all()
    assert session.get(type(thread), thread.id).hidden_at is not None  # type: ignore[union-attr]


def test_after_staff_keep_it_takes_three_new_flags(session: Session, world: Community) -> None:
    reply = add_reply(session, thread=world.threads["a1"], author=world.a1, body="Reply")
    pid = id_of(reply)
    for who in (world.a1_peer, world.a1_third, world.a1_fourth):
        _flag(session, who, pid)
    assert _hidden(session, pid)
    moderation.keep_post(session, staff=world.staff_a, post_id=pid)
    assert not _hidden(session, pid)
    open_flags = session.exec(
        select(CommunityFlag).where(
            CommunityFlag.post_id == pid, col(CommunityFlag.resolved_at).is_(None)
        )
    ).all()
    assert open_flags == []
    # The same members cannot flag it again: one flag per member and post.
    with pytest.raises(flags.FlagRefused):
        _flag(session, world.a1_peer, pid)


@pytest.mark.parametrize("other", ["a2", "b1", "b_org", "loner", "a_org"])
def test_a_post_of_another_scope_cannot_be_flagged(
    session: Session, world: Community, other: str
) -> None:
    opening = opening_post(session, world.threads["a1"])
    with pytest.raises(flags.NotFound):
        _flag(session, getattr(world, other), id_of(opening))


def test_a_hidden_post_cannot_be_flagged_by_peers(session: Session, world: Community) -> None:
    reply = add_reply(session, thread=world.threads["a1"], author=world.a1, body="Reply")
    moderation.hide_post(session, staff=world.staff_a, post_id=id_of(reply), reason="Off topic")
    with pytest.raises(flags.NotFound):
        _flag(session, world.a1_peer, id_of(reply))


def test_flag_pages(client, session: Session, world: Community) -> None:  # type: ignore[no-untyped-def]
    reply = add_reply(session, thread=world.threads["a1"], author=world.a1, body="<b>Hi</b>")
    login(client, world.a1_peer)
    url = f"/courses/{JOURNEY}/discussion/posts/{id_of(reply)}/flag"
    page = client.get(url)
    assert page.status_code == 200
    assert "&lt;b&gt;Hi&lt;/b&gt;" in page.text
    refused = post_form(client, url, {"reason": "other", "note": ""})
    assert refused.status_code == 400
    assert "Say in a few words" in refused.text
    assert 'value="other" checked' in refused.text  # the choice is kept
    done = post_form(client, url, {"reason": "spam", "note": "An advert"})
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"/discussion/threads/{world.threads['a1'].id}")
    assert "already flagged" in client.get(url).text
    # Without a CSRF token nothing is recorded.
    assert client.post(url, data={"reason": "spam"}).status_code in (400, 403)


@pytest.mark.parametrize("other", ["a2", "b1", "loner"])
def test_flag_pages_of_another_scope_are_404(  # type: ignore[no-untyped-def]
    client, session: Session, world: Community, other: str
) -> None:
    opening = opening_post(session, world.threads["a1"])
    login(client, getattr(world, other))
    url = f"/courses/{JOURNEY}/discussion/posts/{id_of(opening)}/flag"
    assert client.get(url).status_code == 404
    assert post_form(client, url, {"reason": "spam"}).status_code == 404
    assert session.exec(select(CommunityFlag)).all() == []
