"""The scope rules (app/community/scopes.py): who discusses with whom, and what staff see."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.community.models import CommunityThread, ScopeKind
from app.community.scopes import (
    course_scope,
    learner_scope,
    may_reply,
    staff_reach,
    viewer_for,
    visible,
    visible_thread,
)
from app.db import id_of, utcnow
from app.learning.models import Enrollment
from tests.community.support import (
    make_cohort,
    make_learner,
    make_org,
    make_thread,
)
from tests.factories import make_user
from tests.learning.support import JOURNEY


def _titles(session: Session, user) -> list[str]:
    viewer = viewer_for(session, user=user, course_slug=JOURNEY)
    statement = visible(select(CommunityThread), viewer).order_by(col(CommunityThread.title))
    return [t.title for t in session.exec(statement)]


def test_cohort_then_organization_then_course(session: Session) -> None:
    org = make_org(session, "Riverside USD")
    cohort = make_cohort(session, organization=org)
    in_cohort = make_learner(session, cohort=cohort)
    in_org = make_learner(session, organization=org)
    alone = make_learner(session)
    not_enrolled_member = make_learner(session, organization=org, enrolled=False)

    scope = learner_scope(session, user=in_cohort, course_slug=JOURNEY)
    assert (scope.kind, scope.key, scope.organization_id) == (
        ScopeKind.cohort,
        cohort.code,
        org.id,
    )
    assert scope.label == cohort.name
    scope = learner_scope(session, user=in_org, course_slug=JOURNEY)
    assert (scope.kind, scope.key, scope.organization_id, scope.label) == (
        ScopeKind.organization,
        str(org.id),
        org.id,
        "Riverside USD",
    )
    assert learner_scope(session, user=alone, course_slug=JOURNEY) == course_scope()
    # Not enrolled: the organization still decides where they would read; they may not post.
    viewer = viewer_for(session, user=not_enrolled_member, course_slug=JOURNEY)
    assert viewer.scope.kind is ScopeKind.organization
    assert viewer.enrolled is False


def test_an_inactive_enrollment_keeps_no_cohort(session: Session) -> None:
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    learner = make_learner(session, cohort=cohort)
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).one()
    enrollment.active = False
    session.add(enrollment)
    session.commit()
    assert learner_scope(session, user=learner, course_slug=JOURNEY).kind is ScopeKind.organization
    assert viewer_for(session, user=learner, course_slug=JOURNEY).enrolled is False


def test_a_cohort_of_another_course_does_not_count(session: Session) -> None:
    org = make_org(session)
    other = make_cohort(session, organization=org, slug="free-course")
    learner = make_learner(session, cohort=other, slug="free-course")
    # Their organization's scope in the journey course: the cohort is of another course.
    scope = learner_scope(session, user=learner, course_slug=JOURNEY)
    assert (scope.kind, scope.key) == (ScopeKind.organization, str(org.id))
    assert learner_scope(session, user=learner, course_slug="free-course").key == other.code


def test_nothing_crosses_a_scope(session: Session) -> None:
    """Cohort↔cohort, organization↔organization, community↔organization."""
    riverside, lakeside = make_org(session, "Riverside"), make_org(session, "Lakeside")
    cohort_a = make_cohort(session, organization=riverside)
    cohort_b = make_cohort(session, organization=riverside)
    a1, a2 = make_learner(session, cohort=cohort_a), make_learner(session, cohort=cohort_a)
    b1 = make_learner(session, cohort=cohort_b)
    r1 = make_learner(session, organization=riverside)
    l1 = make_learner(session, organization=lakeside)
    c1 = make_learner(session)
    for author, title in [(a1, "cohort A"), (b1, "cohort B"), (r1, "Riverside"), (l1, "Lakeside")]:
        make_thread(
            session,
            author=author,
            title=title,
            scope=learner_scope(session, user=author, course_slug=JOURNEY),
        )
    make_thread(session, author=c1, title="community", scope=course_scope())
    make_thread(session, author=c1, title="other course", scope=course_scope(), slug="free-course")

    assert _titles(session, a2) == ["cohort A"]
    assert _titles(session, b1) == ["cohort B"]
    assert _titles(session, r1) == ["Riverside"]
    assert _titles(session, l1) == ["Lakeside"]
    assert _titles(session, c1) == ["community"]
    # By id, too: every other scope's thread is as absent as a missing one.
    lakeside_thread = session.exec(
        select(CommunityThread).where(CommunityThread.title == "Lakeside")
    ).one()
    for outsider in (a1, b1, r1, c1):
        viewer = viewer_for(session, user=outsider, course_slug=JOURNEY)
        assert visible_thread(session, viewer=viewer, thread_id=id_of(lakeside_thread)) is None
    viewer = viewer_for(session, user=l1, course_slug=JOURNEY)
    assert visible_thread(session, viewer=viewer, thread_id=id_of(lakeside_thread)) is not None
    # The same thread id asked for through another course's discussions is not there either.
    viewer = viewer_for(session, user=l1, course_slug="free-course")
    assert visible_thread(session, viewer=viewer, thread_id=id_of(lakeside_thread)) is None


def test_staff_see_the_scopes_of_their_organization_admins_see_all(session: Session) -> None:
    riverside, lakeside = make_org(session, "Riverside"), make_org(session, "Lakeside")
    cohort = make_cohort(session, organization=riverside)
    a = make_learner(session, cohort=cohort)
    r = make_learner(session, organization=riverside)
    lake = make_learner(session, organization=lakeside)
    c = make_learner(session)
    for author, title in [(a, "cohort"), (r, "Riverside"), (lake, "Lakeside"), (c, "community")]:
        make_thread(
            session,
            author=author,
            title=title,
            scope=learner_scope(session, user=author, course_slug=JOURNEY),
        )
    riverside_staff = make_user(session, role="staff", staff_organization_id=riverside.id)
    all_staff = make_user(session, role="staff", staff_organization_id=None)
    admin = make_user(session, role="admin")
    author = make_user(session, role="author")

    assert _titles(session, riverside_staff) == ["Riverside", "cohort"]
    assert _titles(session, all_staff) == ["Lakeside", "Riverside", "cohort", "community"]
    assert _titles(session, admin) == ["Lakeside", "Riverside", "cohort", "community"]
    # An author is no staff member: the course community only, like any learner.
    assert staff_reach(author) is None
    assert _titles(session, author) == ["community"]
    # A learner whose staff column happens to be empty gets no reach from it.
    assert staff_reach(c) is None
    # Staff enrolled in the course read their own learner scope as well as their reach.
    session.add(Enrollment(user_id=id_of(riverside_staff), course_id=cohort.course_id))
    session.commit()
    assert _titles(session, riverside_staff) == ["Riverside", "cohort", "community"]


def test_may_reply_needs_enrollment_in_the_scope_or_staff_reach(session: Session) -> None:
    riverside = make_org(session, "Riverside")
    cohort = make_cohort(session, organization=riverside)
    a = make_learner(session, cohort=cohort)
    reader = make_learner(session, organization=riverside, enrolled=False)
    thread_cohort = make_thread(
        session, author=a, scope=learner_scope(session, user=a, course_slug=JOURNEY)
    )
    thread_org = make_thread(
        session, author=a, scope=learner_scope(session, user=reader, course_slug=JOURNEY)
    )
    staff = make_user(session, role="staff", staff_organization_id=riverside.id)
    other_staff = make_user(session, role="staff", staff_organization_id=make_org(session).id)

    assert may_reply(viewer_for(session, user=a, course_slug=JOURNEY), thread_cohort)
    assert not may_reply(viewer_for(session, user=a, course_slug=JOURNEY), thread_org)
    assert not may_reply(viewer_for(session, user=reader, course_slug=JOURNEY), thread_org)
    assert may_reply(viewer_for(session, user=staff, course_slug=JOURNEY), thread_cohort)
    assert not may_reply(viewer_for(session, user=other_staff, course_slug=JOURNEY), thread_cohort)


def test_deleted_threads_are_gone(session: Session) -> None:
    a = make_learner(session)
    thread = make_thread(session, author=a, title="gone", scope=course_scope())
    thread.deleted_at = utcnow()
    session.add(thread)
    session.commit()
    assert _titles(session, a) == []
