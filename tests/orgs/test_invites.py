"""Joining an organization through an invitation link: each way in and each refusal."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.accounts.models import User
from app.cli import app as cli
from app.content.models import CourseRecord
from app.db import id_of, utcnow
from app.learning.models import Enrollment
from app.orgs import invites
from app.orgs.models import Invite
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login, post_form, soup
from tests.learning.support import JOURNEY
from tests.orgs.conftest import District


def _sign_up(client: TestClient, email: str, invite: str = "") -> None:
    form = {
        "email": email,
        "password": DEFAULT_PASSWORD,
        "display_name": email.split("@")[0].title(),
        "job_role": "teacher",
        "invite": invite,
    }
    response = post_form(client, "/signup", form)
    assert response.status_code == 303, response.text[:400]


def _user(session: Session, email: str) -> User:
    session.commit()  # a fresh snapshot: see what the app wrote since
    return session.exec(select(User).where(User.email == email)).one()


def _enrollment(session: Session, user: User) -> Enrollment | None:
    record = session.exec(select(CourseRecord).where(CourseRecord.slug == JOURNEY)).one()
    return session.exec(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == record.id)
    ).first()


def test_sign_up_offers_no_free_text_organization(client: TestClient) -> None:
    page = soup(client.get("/signup"))
    assert page.select("form [name=organization]") == []
    assert page.select("form [name=job_role]")


def test_the_cli_link_joins_organization_and_cohort_until_its_last_use(
    app, client: TestClient, session: Session, district: District, cli_environment: None
) -> None:  # type: ignore[no-untyped-def]
    printed = CliRunner().invoke(
        cli,
        ["orgs", "invite", "--org", "riverside usd", "--cohort", "Spring 2027", "--max-uses", "1"],
    )
    assert printed.exit_code == 0, printed.output
    url = printed.output.strip()
    assert "/join/" in url
    code = url.rsplit("/join/", 1)[1]

    # A new learner follows the link, signs up, and lands in the cohort's course.
    landing = client.get(f"/join/{code}")
    assert landing.status_code == 200
    assert "Join Riverside USD" in landing.text
    assert "Spring 2027" in landing.text
    _sign_up(client, "ana@example.org", invite=code)
    ana = _user(session, "ana@example.org")
    assert ana.organization_id == district.org.id
    assert ana.organization_proof == "invite"
    assert ana.organization_joined_at is not None
    enrollment = _enrollment(session, ana)
    assert enrollment is not None
    assert enrollment.cohort == district.cohort.code
    facts = soup(client.get("/account")).select_one(".facts").get_text(" ", strip=True)
    assert "Riverside USD (invitation link)" in facts
    assert "Spring 2027" in facts

    # The link was for one person: the next one gets a clear page, and is not a member.
    with TestClient(app, follow_redirects=False) as second:
        refused = second.get(f"/join/{code}")
        assert refused.status_code == 410
        assert "used as many times as it allows" in refused.text
        _sign_up(second, "ben@example.org", invite=code)
    ben = _user(session, "ben@example.org")
    assert ben.organization_id is None
    assert _enrollment(session, ben) is None


def test_expired_and_revoked_links_are_refused_with_a_clear_page(
    client: TestClient, session: Session, district: District
) -> None:
    expired = invites.create_invite(session, organization_id=id_of(district.org), expires_days=1)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    session.add(expired)
    session.commit()
    page = client.get(f"/join/{expired.code}")
    assert page.status_code == 410
    assert "has expired" in page.text

    revoked = invites.create_invite(session, organization_id=id_of(district.org))
    assert invites.revoke(session, organization_id=id_of(district.org), invite_id=id_of(revoked))
    page = client.get(f"/join/{revoked.code}")
    assert page.status_code == 410
    assert "withdrawn" in page.text

    learner = make_user(session)
    login(client, learner)
    for code in (expired.code, revoked.code):
        assert post_form(client, f"/join/{code}").status_code == 303
    session.commit()
    session.refresh(learner)
    assert learner.organization_id is None
    assert client.get("/join/no-such-code").status_code == 404


def test_an_existing_user_is_asked_to_confirm_and_moves_organization(
    client: TestClient, session: Session, district: District
) -> None:
    learner = make_user(session)
    link = invites.create_invite(session, organization_id=id_of(district.other))
    login(client, learner)
    page = soup(client.get(f"/join/{link.code}"))
    button = page.select_one(f"form[action='/join/{link.code}'] button")
    assert button is not None
    assert "Join Hillcrest" in button.text
    session.commit()
    session.refresh(learner)
    assert learner.organization_id is None  # a GET joins nobody

    assert post_form(client, f"/join/{link.code}").status_code == 303
    session.commit()
    session.refresh(learner)
    assert (learner.organization_id, learner.organization_proof) == (district.other.id, "invite")

    # Then the cohort link of another organization: confirming moves them, and says so first.
    page = client.get(f"/join/{district.cohort_link}")
    assert "ends that membership" in page.text
    assert post_form(client, f"/join/{district.cohort_link}").status_code == 303
    session.commit()
    session.refresh(learner)
    assert learner.organization_id == district.org.id
    enrollment = _enrollment(session, learner)
    assert enrollment is not None
    assert enrollment.cohort == district.cohort.code


def test_the_last_use_goes_to_one_person_only(
    client: TestClient, session: Session, district: District
) -> None:
    link = invites.create_invite(session, organization_id=id_of(district.org), max_uses=1)
    first, second = make_user(session), make_user(session)
    registry = client.app.state.registry  # type: ignore[attr-defined]
    invites.accept(session, user=first, code=link.code, registry=registry)
    outcome = invites.use_link(session, user=second, code=link.code, registry=registry)
    assert isinstance(outcome, str)
    assert "used as many times" in outcome
    stored = session.get(Invite, link.id)
    assert stored is not None
    assert stored.uses == 1
    session.commit()
    session.refresh(second)
    assert second.organization_id is None


def test_invitation_form_errors_keep_what_was_typed(
    client: TestClient, session: Session, district: District
) -> None:
    staff = make_user(session, role="staff", staff_organization_id=district.org.id)
    login(client, staff)
    url = f"/staff/orgs/{district.org.id}/invites"
    response = post_form(client, url, {"max_uses": "lots", "expires_days": "9999"})
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("#max_uses")["value"] == "lots"
    assert page.select_one("#expires_days")["value"] == "9999"
    assert "whole number" in response.text
    assert "between 1 and 365" not in response.text

    other_cohort = post_form(client, url, {"cohort_id": "999"})
    assert other_cohort.status_code == 400

    made = post_form(client, url, {"cohort_id": str(district.cohort.id), "max_uses": "30"})
    assert made.status_code == 303
    rows = invites.invites_of(session, organization_id=id_of(district.org))
    assert any(v.invite.max_uses == 30 and v.cohort for v in rows)
