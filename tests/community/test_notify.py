"""Who hears of what (app/community/notify.py through the events seam): replies to your
thread, replies after yours, endorsements and staff actions; never your own action, never a
thread you cannot read; anonymity kept from peers in the wording."""

from __future__ import annotations

from sqlmodel import Session

from app.community import events, notify
from app.community.scopes import learner_scope
from app.db import utcnow
from tests.community.notify_support import move_to_cohort, notices, opening, reply
from tests.community.support import make_cohort, make_learner, make_org, make_thread
from tests.factories import make_user
from tests.learning.support import JOURNEY


def _cohort_of_three(session: Session):  # type: ignore[no-untyped-def]
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    ana, ben, cai = (make_learner(session, cohort=cohort) for _ in range(3))
    scope = learner_scope(session, user=ana, course_slug=JOURNEY)
    thread = make_thread(session, author=ana, scope=scope, title="Seating charts")
    return org, cohort, (ana, ben, cai), thread


def test_a_reply_tells_the_thread_author_and_earlier_posters_once_each(session: Session) -> None:
    _, _, (ana, ben, cai), thread = _cohort_of_three(session)
    reply(session, thread=thread, author=ben)
    assert [n.kind for n in notices(session, ana)] == [notify.REPLY_TO_THREAD]
    assert notices(session, ben) == []  # never about your own reply

    reply(session, thread=thread, author=cai)
    assert [n.kind for n in notices(session, ana)] == [notify.REPLY_TO_THREAD] * 2
    assert [n.kind for n in notices(session, ben)] == [notify.REPLY_AFTER_YOURS]
    assert notices(session, cai) == []

    # Ana replies in her own thread: Ben and Cai hear, Ana does not; one notice each.
    reply(session, thread=thread, author=ana)
    reply(session, thread=thread, author=ana)
    assert len(notices(session, ana)) == 2
    assert [n.kind for n in notices(session, ben)] == [notify.REPLY_AFTER_YOURS] * 3
    assert [n.kind for n in notices(session, cai)] == [notify.REPLY_AFTER_YOURS] * 2


def test_an_opening_post_tells_nobody(session: Session) -> None:
    _, _, (ana, ben, cai), thread = _cohort_of_three(session)
    events.on_post_created(session, opening(session, thread))
    session.commit()
    assert notices(session, ana) == notices(session, ben) == notices(session, cai) == []


def test_nobody_hears_of_a_thread_they_can_no_longer_read(session: Session) -> None:
    org, _, (ana, ben, cai), thread = _cohort_of_three(session)
    reply(session, thread=thread, author=ben)
    assert len(notices(session, ana)) == 1
    # Ben moves to another cohort: Cai's reply no longer tells him, and Ana's earlier
    # notice about Ben's reply stays hers (she still reads the thread).
    move_to_cohort(session, user=ben, cohort=make_cohort(session, organization=org))
    reply(session, thread=thread, author=cai)
    assert len(notices(session, ben)) == 0
    assert len(notices(session, ana)) == 2
    # Ana moves too: her notices are left out of her list, and new replies tell her nothing.
    move_to_cohort(session, user=ana, cohort=make_cohort(session, organization=org))
    assert notify.recent(session, user=ana) == []
    reply(session, thread=thread, author=cai)
    assert len(notices(session, ana)) == 2


def test_learners_of_another_organization_never_hear(session: Session) -> None:
    _, _, (ana, _, _), thread = _cohort_of_three(session)
    outsider = make_learner(session, organization=make_org(session))
    # Written straight into the table (no route lets an outsider post here): still silent
    # towards anyone who cannot read it, and the author is told about the reply.
    reply(session, thread=thread, author=outsider)
    assert notices(session, outsider) == []
    assert len(notices(session, ana)) == 1


def test_endorsements_and_staff_actions_tell_the_author_never_the_actor(session: Session) -> None:
    _, _, (ana, ben, _), thread = _cohort_of_three(session)
    staff = make_user(session, role="admin")
    post = reply(session, thread=thread, author=ben)
    events.on_post_endorsed(session, post, actor=staff)
    events.on_staff_action(session, thread=thread, post=post, actor=staff, action="hide")
    events.on_staff_action(session, thread=thread, post=None, actor=staff, action="lock")
    session.commit()
    kinds = [n.kind for n in notices(session, ben)]
    assert kinds == [notify.ENDORSED, "staff_action:hide"]
    assert [n.kind for n in notices(session, ana)] == [notify.REPLY_TO_THREAD, "staff_action:lock"]
    sentences = [v.sentence for v in notify.recent(session, user=ben)]
    assert sentences == [
        "A facilitator hid your post",
        "A facilitator endorsed your post as a strong example",
    ]
    # Staff acting on their own post: no notice.
    own = reply(session, thread=thread, author=staff)
    before = len(notices(session, staff))
    events.on_post_endorsed(session, own, actor=staff)
    session.commit()
    assert len(notices(session, staff)) == before


def test_anonymous_replies_stay_anonymous_to_peers(session: Session) -> None:
    _, _, (ana, ben, _), thread = _cohort_of_three(session)
    reply(session, thread=thread, author=ben, anonymous=True)
    [view] = notify.recent(session, user=ana)
    assert view.sentence == "A member (anonymous to peers) replied to your thread"
    assert ben.display_name not in view.sentence
    reply(session, thread=thread, author=ana)
    [named] = notify.recent(session, user=ben)
    assert named.sentence == f"{ana.display_name} replied after your post"


def test_unread_count_and_mark_all_read(session: Session) -> None:
    _, _, (ana, ben, cai), thread = _cohort_of_three(session)
    reply(session, thread=thread, author=ben)
    reply(session, thread=thread, author=cai)
    assert notify.unread_count(session, user_id=ana.id or 0) == 2
    assert notify.mark_all_read(session, user=ana, now=utcnow()) == 2
    session.commit()
    assert notify.unread_count(session, user_id=ana.id or 0) == 0
    assert notify.unread_count(session, user_id=ben.id or 0) == 1
