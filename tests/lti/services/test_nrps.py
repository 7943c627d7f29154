"""Roster sync from an independent platform's Names and Role Provisioning service."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Organization, User
from app.db import utcnow
from app.learning.models import Enrollment
from app.lti.models import LtiContext, LtiPlatform, LtiPlatformUser
from app.lti.roster_models import LtiRosterMember
from app.orgs import service as orgs
from app.orgs.models import Cohort
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.lti.platform_fixture import INSTRUCTOR, LEARNER, ServicePlatform
from tests.lti.services.conftest import ORG_DOMAIN
from tests.lti.services.support import add_link, platform_learner


def _sync(client: TestClient, org: Organization, context: LtiContext):  # type: ignore[no-untyped-def]
    return post_form(client, f"/staff/orgs/{org.id}/lti/contexts/{context.id}/sync")


def _staff(session: Session, org: Organization) -> User:
    return make_user(session, role="staff", staff_organization_id=org.id)


def test_sync_reads_every_page_and_fills_the_cohort(
    client: TestClient,
    session: Session,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
    district: Organization,
) -> None:
    add_link(session, context, lms, resource_link_id="link-1")
    known = platform_learner(session, registered, "sub-known", email="known@example.org")
    lms.add_member("sub-teacher", "Ms <i>Rivera</i>", f"rivera@{ORG_DOMAIN}", [INSTRUCTOR])
    lms.add_member("sub-known", "Known Learner", "known@example.org", [LEARNER])
    lms.add_member("sub-new", "New Learner", f"new@{ORG_DOMAIN}", [LEARNER])
    lms.add_member("sub-anon", "No Email", None, [LEARNER])
    lms.add_member("sub-gone", "Gone Learner", f"gone@{ORG_DOMAIN}", [LEARNER], status="Inactive")
    staff = _staff(session, district)
    login(client, staff)

    answer = _sync(client, district, context)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith(f"#context-{context.id}")

    # Three pages of two, followed through the Link header.
    assert len(lms.membership_requests) == 3
    assert "limit=100" in lms.membership_requests[0]
    session.expire_all()
    rows = {r.subject: r for r in session.exec(select(LtiRosterMember)).all()}
    assert set(rows) == {"sub-teacher", "sub-known", "sub-new", "sub-anon", "sub-gone"}
    assert rows["sub-teacher"].instructor
    assert not rows["sub-new"].instructor
    assert rows["sub-anon"].user_id is None
    assert "first launch" in rows["sub-anon"].note
    assert rows["sub-gone"].status == "Inactive"
    assert rows["sub-gone"].user_id is None

    session.refresh(context)
    assert context.cohort_code  # made for the linked course
    cohort = session.exec(select(Cohort).where(Cohort.code == context.cohort_code)).one()
    assert cohort.organization_id == district.id
    enrolled = {
        e.user_id
        for e in session.exec(select(Enrollment).where(Enrollment.cohort == cohort.code)).all()
    }
    new = session.exec(select(User).where(User.email == f"new@{ORG_DOMAIN}")).one()
    teacher = session.exec(select(User).where(User.email == f"rivera@{ORG_DOMAIN}")).one()
    assert enrolled == {known.id, new.id}  # learners only; the instructor is a staff contact
    for user in (known, new, teacher):
        session.refresh(user)
        assert user.organization_id == district.id
        assert user.organization_proof == "lti"
    assert teacher.role == "learner"  # an LMS role never makes anyone Groundwork staff
    mapped = session.exec(select(LtiPlatformUser).where(LtiPlatformUser.subject == "sub-new")).one()
    assert mapped.user_id == new.id

    page = client.get(f"/staff/orgs/{district.id}/lti")
    text = soup(page).get_text(" ", strip=True)
    assert "Instructor (staff contact)" in text
    assert "Ms &lt;i&gt;Rivera&lt;/i&gt;" in page.text
    follow = client.get(f"/staff/orgs/{district.id}/lti")
    assert follow.status_code == 200

    # A second sync changes nothing and makes no second account.
    lms.membership_requests.clear()
    assert _sync(client, district, context).status_code == 303
    session.expire_all()
    assert len(session.exec(select(User).where(User.email == f"new@{ORG_DOMAIN}")).all()) == 1
    assert len(session.exec(select(LtiRosterMember)).all()) == 5


def test_accounts_are_linked_only_when_safe(
    client: TestClient,
    session: Session,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
    district: Organization,
) -> None:
    add_link(session, context, lms, resource_link_id="link-1")
    make_user(session, email=f"unverified@{ORG_DOMAIN}")
    make_user(session, email=f"boss@{ORG_DOMAIN}", role="staff")
    other = orgs.create_organization(session, name="Elsewhere", domain_names=["elsewhere.example"])
    moved = platform_learner(session, registered, "sub-other", organization_id=other.id)
    lms.add_member("sub-unverified", "U", f"unverified@{ORG_DOMAIN}", [LEARNER])
    lms.add_member("sub-boss", "B", f"boss@{ORG_DOMAIN}", [LEARNER])
    lms.add_member("sub-other", "O", "o@elsewhere.example", [LEARNER])
    login(client, _staff(session, district))
    assert _sync(client, district, context).status_code == 303
    session.expire_all()
    rows = {r.subject: r for r in session.exec(select(LtiRosterMember)).all()}
    assert rows["sub-unverified"].user_id is None
    assert "not verified" in rows["sub-unverified"].note
    assert rows["sub-boss"].user_id is None
    assert "staff account" in rows["sub-boss"].note
    assert "another organization" in rows["sub-other"].note
    session.refresh(moved)
    assert moved.organization_id == other.id


def test_a_roster_never_links_or_moves_an_account_outside_the_district(
    client: TestClient,
    session: Session,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
    district: Organization,
) -> None:
    """A roster that names a verified stranger's address (a domain the district has not
    verified) makes its own account for that member; the stranger is not linked, moved or
    enrolled."""
    add_link(session, context, lms, resource_link_id="link-1")
    victim = make_user(session, email="victim@mail.example", email_verified_at=utcnow())
    lms.add_member("sub-victim", "V", "victim@mail.example", [LEARNER])
    login(client, _staff(session, district))
    assert _sync(client, district, context).status_code == 303
    session.expire_all()
    link = session.exec(
        select(LtiPlatformUser).where(LtiPlatformUser.subject == "sub-victim")
    ).one()
    assert link.user_id != victim.id
    made = session.get(User, link.user_id)
    assert made is not None
    assert made.email.endswith("@lti.invalid")
    session.refresh(victim)
    assert victim.organization_id is None
    assert session.exec(select(Enrollment).where(Enrollment.user_id == victim.id)).all() == []


def test_sync_errors_are_reported_not_raised(
    client: TestClient,
    session: Session,
    lms: ServicePlatform,
    registered: LtiPlatform,
    context: LtiContext,
    district: Organization,
) -> None:
    login(client, _staff(session, district))
    # No course linked in the LMS course yet.
    assert _sync(client, district, context).status_code == 303
    page = client.get(f"/staff/orgs/{district.id}/lti")
    assert "No Groundwork course is linked" in page.text
    add_link(session, context, lms, resource_link_id="link-1")
    lms.down = True
    assert _sync(client, district, context).status_code == 303
    assert "could not be synced" in client.get(f"/staff/orgs/{district.id}/lti").text


def test_sync_needs_csrf_a_role_and_the_organization(
    client: TestClient,
    session: Session,
    lms: ServicePlatform,
    context: LtiContext,
    district: Organization,
) -> None:
    url = f"/staff/orgs/{district.id}/lti/contexts/{context.id}/sync"
    other = orgs.create_organization(session, name="Elsewhere", domain_names=["elsewhere.example"])
    login(client, _staff(session, other))
    assert post_form(client, url).status_code == 404
    assert (
        post_form(client, f"/staff/orgs/{other.id}/lti/contexts/{context.id}/sync").status_code
        == 404
    )
    client.cookies.clear()
    login(client, make_user(session))
    assert post_form(client, url).status_code == 403
    client.cookies.clear()
    login(client, _staff(session, district))
    assert client.post(url, data={}).status_code == 403  # no CSRF token
    assert lms.membership_requests == []


def test_empty_page(client: TestClient, session: Session, district: Organization) -> None:
    login(client, _staff(session, district))
    page = client.get(f"/staff/orgs/{district.id}/lti")
    assert page.status_code == 200
    text = soup(page).get_text(" ", strip=True)
    assert "No LMS course has launched Groundwork yet" in text
    assert "No scores yet" in text
