"""A small community for the moderation, flag, search and API tests: two organizations (A
with two cohorts, B with one), a learner of A without a cohort, one in the course-wide
community, staff of A and of B, an admin, and a thread in each scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.accounts.models import Organization, User
from app.community.models import CommunityPost, CommunityThread
from app.community.scopes import learner_scope
from app.db import id_of
from app.orgs.models import Cohort
from tests.community.support import make_cohort, make_learner, make_org, make_thread
from tests.factories import make_user
from tests.learning.support import JOURNEY


@dataclass
class Community:
    org_a: Organization
    org_b: Organization
    cohort_a1: Cohort
    cohort_a2: Cohort
    cohort_b1: Cohort
    a1: User  # learner in cohort A1
    a1_peer: User  # another learner in cohort A1
    a1_third: User
    a1_fourth: User
    a2: User  # learner in cohort A2
    a_org: User  # learner of A, no cohort
    b1: User  # learner in cohort B1
    b_org: User  # learner of B, no cohort
    loner: User  # course-wide community
    staff_a: User
    staff_b: User
    admin: User
    threads: dict[str, CommunityThread]  # by scope name: a1, a2, a_org, b1, b_org, course


def build(session: Session) -> Community:
    org_a, org_b = make_org(session, "Riverside USD"), make_org(session, "Hillcrest District")
    a1c, a2c = make_cohort(session, organization=org_a), make_cohort(session, organization=org_a)
    b1c = make_cohort(session, organization=org_b)
    people = {
        "a1": make_learner(session, cohort=a1c, display_name="Ada One"),
        "a1_peer": make_learner(session, cohort=a1c, display_name="Ada Peer"),
        "a1_third": make_learner(session, cohort=a1c, display_name="Ada Third"),
        "a1_fourth": make_learner(session, cohort=a1c, display_name="Ada Fourth"),
        "a2": make_learner(session, cohort=a2c, display_name="Abe Two"),
        "a_org": make_learner(session, organization=org_a, display_name="Amy Org"),
        "b1": make_learner(session, cohort=b1c, display_name="Bea One"),
        "b_org": make_learner(session, organization=org_b, display_name="Bo Org"),
        "loner": make_learner(session, display_name="Lou Alone"),
    }
    staff_a = make_user(session, role="staff", staff_organization_id=org_a.id)
    staff_b = make_user(session, role="staff", staff_organization_id=org_b.id)
    admin = make_user(session, role="admin")
    threads = {}
    for key, who in (
        ("a1", "a1"),
        ("a2", "a2"),
        ("a_org", "a_org"),
        ("b1", "b1"),
        ("b_org", "b_org"),
        ("course", "loner"),
    ):
        author = people[who]
        scope = learner_scope(session, user=author, course_slug=JOURNEY)
        threads[key] = make_thread(
            session,
            author=author,
            scope=scope,
            title=f"Thread of {key} about attendance",
            body=f"Opening words of {key}: Mondays look different.",
        )
    return Community(
        org_a=org_a,
        org_b=org_b,
        cohort_a1=a1c,
        cohort_a2=a2c,
        cohort_b1=b1c,
        staff_a=staff_a,
        staff_b=staff_b,
        admin=admin,
        threads=threads,
        **people,
    )


def add_reply(
    session: Session, *, thread: CommunityThread, author: User, body: str
) -> CommunityPost:
    post = CommunityPost(thread_id=id_of(thread), author_id=id_of(author), body=body)
    session.add(post)
    session.commit()
    return post


def opening_post(session: Session, thread: CommunityThread) -> CommunityPost:
    return session.exec(
        select(CommunityPost).where(
            CommunityPost.thread_id == thread.id, col(CommunityPost.is_opening).is_(True)
        )
    ).one()
