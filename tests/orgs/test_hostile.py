"""What a hostile user tried in review: re-joining to use up a link, control characters,
dropping a hidden field to confirm everyone, and a staff account made from the CLI."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.accounts.models import User
from app.cli import app as cli
from app.db import id_of
from app.orgs import invites
from app.orgs.models import MembershipRequest
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.orgs.conftest import District


def test_a_member_rejoining_takes_no_use_of_the_link(
    client: TestClient, session: Session, district: District
) -> None:
    link = invites.create_invite(session, organization_id=id_of(district.org), max_uses=2)
    learner = make_user(session)
    login(client, learner)
    for _ in range(3):
        assert post_form(client, f"/join/{link.code}").status_code == 303
    session.commit()
    session.refresh(link)
    assert link.uses == 1
    page = soup(client.get(f"/join/{link.code}"))
    assert page.select(f"form[action='/join/{link.code}']") == []  # no button for a member


def test_control_characters_get_a_field_message_and_keep_the_form(
    client: TestClient, session: Session, district: District
) -> None:
    login(client, make_user(session, role="admin"))
    made = post_form(client, "/admin/organizations", {"name": "Lake\x00side"})
    assert made.status_code == 400
    assert "control character" in made.text
    cohort = post_form(
        client,
        f"/staff/orgs/{district.org.id}/cohorts",
        {"name": "Fall\x00", "course_slug": "journey-course"},
    )
    assert cohort.status_code == 400
    assert "control character" in cohort.text
    asked = post_form(
        client,
        "/account/organization/request",
        {"organization": str(district.other.id), "message": "hi\x00there"},
    )
    assert asked.status_code == 400
    assert "control character" in asked.text
    assert session.exec(select(MembershipRequest)).all() == []
    assert client.get("/join/abc%00def").status_code == 404


def test_confirming_everyone_needs_the_confirm_all_button(
    client: TestClient, session: Session, district: District
) -> None:
    waiting = make_user(session)
    session.add(
        MembershipRequest(
            user_id=id_of(waiting), organization_id=id_of(district.org), kind="request"
        )
    )
    session.commit()
    login(client, make_user(session, role="admin"))
    url = f"/staff/orgs/{district.org.id}/confirm"
    assert post_form(client, url, {"user_id": ""}).status_code == 404
    assert post_form(client, url, {"all": "1"}).status_code == 303
    session.commit()
    session.refresh(waiting)
    assert waiting.organization_id == district.org.id


def test_sign_up_keeps_next_when_it_refuses_the_form(client: TestClient) -> None:
    response = post_form(
        client, "/signup", {"email": "nope", "password": "x", "next": "/courses/journey-course"}
    )
    assert response.status_code == 400
    assert soup(response).select_one("input[name=next]")["value"] == "/courses/journey-course"


def test_staff_made_with_an_organization_cover_only_it(
    client: TestClient, session: Session, district: District, cli_environment: None
) -> None:
    made = CliRunner().invoke(
        cli,
        [
            "users", "create", "--email", "fac@riverside.org", "--role", "staff",
            "--organization", "Riverside USD", "--password", "a good long password",
        ],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    session.commit()
    staff = session.exec(select(User).where(User.email == "fac@riverside.org")).one()
    assert staff.staff_organization_id == district.org.id
    assert (staff.organization_id, staff.organization_proof) == (district.org.id, "admin")
