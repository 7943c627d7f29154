"""Staff confirm, decline and remove members; learners join by verified domain or ask;
another organization's staff see nothing of it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import id_of, utcnow
from app.learning.models import Enrollment
from app.orgs import invites
from app.orgs import service as orgs
from app.orgs.models import MembershipRequest
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.orgs.conftest import District


def test_an_unverified_address_cannot_join_by_domain_and_is_told_why(
    client: TestClient, session: Session, district: District
) -> None:
    learner = make_user(session, email="kim@riverside.org")
    login(client, learner)
    page = client.get("/account/organization")
    assert "not verified yet" in page.text
    assert "Riverside USD" in page.text
    refused = post_form(client, "/account/organization/domain")
    assert refused.status_code == 400
    assert "Verify your email address first" in refused.text
    session.commit()
    session.refresh(learner)
    assert learner.organization_id is None

    learner.email_verified_at = utcnow()
    session.add(learner)
    session.commit()
    assert post_form(client, "/account/organization/domain").status_code == 303
    session.commit()
    session.refresh(learner)
    assert (learner.organization_id, learner.organization_proof) == (district.org.id, "domain")
    assert "verified email domain" in client.get("/account").text


def test_a_domain_nobody_attached_joins_nothing(
    client: TestClient, session: Session, district: District
) -> None:
    learner = make_user(session, email="lee@elsewhere.org", email_verified_at=utcnow())
    login(client, learner)
    refused = post_form(client, "/account/organization/domain")
    assert refused.status_code == 400
    assert "No organization has attached" in refused.text


def test_a_request_waits_until_staff_confirm_it(
    app, client: TestClient, session: Session, district: District
) -> None:  # type: ignore[no-untyped-def]
    learner = make_user(session)
    login(client, learner)
    bad = post_form(
        client, "/account/organization/request", {"organization": "x", "message": "Hi there"}
    )
    assert bad.status_code == 400
    assert soup(bad).select_one("#message").get_text() == "Hi there"  # kept as typed
    sent = post_form(
        client,
        "/account/organization/request",
        {"organization": str(district.org.id), "message": "I teach 7th grade math"},
    )
    assert sent.status_code == 303
    session.commit()
    session.refresh(learner)
    assert learner.organization_id is None  # not a member until staff say so

    other_staff = make_user(session, role="staff", staff_organization_id=district.other.id)
    staff = make_user(session, role="staff", staff_organization_id=district.org.id)
    with TestClient(app, follow_redirects=False) as outsider:
        login(outsider, other_staff)
        assert outsider.get(f"/staff/orgs/{district.org.id}").status_code == 404
        confirm = post_form(
            outsider, f"/staff/orgs/{district.org.id}/confirm", {"user_id": str(learner.id)}
        )
        assert confirm.status_code == 404
    with TestClient(app, follow_redirects=False) as facilitator:
        login(facilitator, staff)
        page = facilitator.get(f"/staff/orgs/{district.org.id}")
        assert "I teach 7th grade math" in page.text
        confirmed = post_form(
            facilitator, f"/staff/orgs/{district.org.id}/confirm", {"user_id": str(learner.id)}
        )
        assert confirmed.status_code == 303
    session.commit()
    session.refresh(learner)
    assert (learner.organization_id, learner.organization_proof) == (district.org.id, "approval")
    assert session.exec(select(MembershipRequest)).all() == []


def test_confirm_all_and_decline(client: TestClient, session: Session, district: District) -> None:
    waiting = [make_user(session) for _ in range(3)]
    for user in waiting:
        session.add(
            MembershipRequest(
                user_id=id_of(user), organization_id=id_of(district.org), kind="self_declared"
            )
        )
    session.commit()
    login(client, make_user(session, role="admin"))
    url = f"/staff/orgs/{district.org.id}"
    declined = post_form(client, f"{url}/pending/{waiting[0].id}/decline")
    assert declined.status_code == 303
    assert post_form(client, f"{url}/confirm", {"all": "1"}).status_code == 303
    session.commit()
    for user in waiting:
        session.refresh(user)
    assert [u.organization_id for u in waiting] == [None, district.org.id, district.org.id]
    assert post_form(client, f"{url}/pending/{waiting[0].id}/decline").status_code == 404


def test_removing_a_member_takes_them_out_of_its_cohorts_and_keeps_their_work(
    client: TestClient, session: Session, district: District
) -> None:
    learner = make_user(session)
    invites.accept(
        session,
        user=learner,
        code=district.cohort_link,
        registry=client.app.state.registry,  # type: ignore[attr-defined]
    )
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).one()
    assert enrollment.cohort == district.cohort.code
    login(client, make_user(session, role="staff", staff_organization_id=district.org.id))
    page = client.get(f"/staff/orgs/{district.org.id}/cohorts/{district.cohort.id}")
    assert learner.display_name in page.text
    removed = post_form(client, f"/staff/orgs/{district.org.id}/members/{learner.id}/remove")
    assert removed.status_code == 303
    session.commit()
    session.refresh(learner)
    session.refresh(enrollment)
    assert learner.organization_id is None
    assert enrollment.cohort is None
    assert enrollment.active
    other = post_form(client, f"/staff/orgs/{district.other.id}/members/{learner.id}/remove")
    assert other.status_code == 404


def test_admins_create_organizations_and_forms_keep_what_was_typed(
    client: TestClient, session: Session, district: District
) -> None:
    login(client, make_user(session, role="admin"))
    bad = post_form(
        client, "/admin/organizations", {"name": "Lakeside", "domains": "lakeside.org not-a-domain"}
    )
    assert bad.status_code == 400
    page = soup(bad)
    assert page.select_one("#name")["value"] == "Lakeside"
    assert "not-a-domain" in page.select_one("#domains")["value"]
    taken = post_form(
        client, "/admin/organizations", {"name": "Lakeside", "domains": "riverside.org"}
    )
    assert taken.status_code == 400
    assert "Already attached" in taken.text
    made = post_form(
        client, "/admin/organizations", {"name": "Lakeside", "domains": "lakeside.org"}
    )
    assert made.status_code == 303
    lakeside = orgs.organization_named(session, name="lakeside")
    assert lakeside is not None
    assert [d.domain for d in orgs.domains(session, organization_id=id_of(lakeside))] == [
        "lakeside.org"
    ]
    dup = post_form(client, "/admin/organizations", {"name": " LAKESIDE "})
    assert dup.status_code == 400
    assert "already exists" in dup.text


def test_cohort_form_refuses_bad_input_and_keeps_it(
    client: TestClient, session: Session, district: District
) -> None:
    login(client, make_user(session, role="staff", staff_organization_id=district.org.id))
    url = f"/staff/orgs/{district.org.id}/cohorts"
    bad = post_form(
        client,
        url,
        {"name": "Fall <b>2027</b>", "course_slug": "nope", "starts_on": "next week"},
    )
    assert bad.status_code == 400
    page = soup(bad)
    assert page.select_one("#name")["value"] == "Fall <b>2027</b>"
    assert page.select_one("#starts_on")["value"] == "next week"
    assert "<b>2027</b>" not in bad.text  # escaped
    made = post_form(
        client,
        url,
        {"name": "Fall 2027", "course_slug": "journey-course", "starts_on": "2027-09-01"},
    )
    assert made.status_code == 303
    cohort_page = client.get(made.headers["location"])
    assert "Fall 2027" in cohort_page.text
    assert soup(cohort_page).select_one("#join-link")["value"].startswith("http")
