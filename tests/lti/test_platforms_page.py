"""Registering platforms: the staff page (list, add, remove) and the CLI."""

from __future__ import annotations

import json

from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import app as cli_app
from app.lti import platforms
from app.lti.models import LtiDeployment, LtiPlatform
from app.orgs import service as orgs
from tests.factories import make_user
from tests.helpers import login, post_form, soup

FORM = {
    "issuer": "https://lms.riverside.example.org",
    "client_id": "abc",
    "deployment_id": "d-1",
    "auth_url": "https://lms.riverside.example.org/auth",
    "token_url": "https://lms.riverside.example.org/token",
    "jwks_url": "https://lms.riverside.example.org/jwks",
}


def test_staff_register_list_and_remove(client, session: Session, district):
    staff = make_user(session, role="staff", staff_organization_id=district.id)
    login(client, staff)
    url = f"/staff/orgs/{district.id}/lms"
    assert "No platform is registered yet" in soup(client.get(url)).get_text()
    answer = post_form(client, url, FORM)
    assert answer.status_code == 303
    page = soup(client.get(url))
    assert FORM["issuer"] in page.select_one("table").get_text()
    assert "/lti/login" in page.get_text()
    assert "/lti/jwks.json" in page.get_text()
    platform = session.exec(select(LtiPlatform)).one()
    # Removing asks first: the form sits in a disclosure, behind a box to tick.
    remove = page.select_one("details.confirm-delete form")
    assert remove["action"] == f"{url}/{platform.id}/remove"
    box = remove.find("input", attrs={"name": "confirm"})
    assert box["type"] == "checkbox"
    assert box.has_attr("required")
    assert box["value"] == "yes"
    unconfirmed = post_form(client, remove["action"], {})
    assert unconfirmed.status_code == 303
    assert "Nothing was removed" in soup(client.get(url)).get_text()
    session.commit()
    assert session.exec(select(LtiPlatform)).one().id == platform.id
    removed = post_form(client, remove["action"], {"confirm": "yes"})
    assert removed.status_code == 303
    session.commit()
    assert session.exec(select(LtiPlatform)).all() == []


def test_bad_addresses_keep_what_was_typed(client, session: Session, district):
    login(client, make_user(session, role="admin"))
    form = dict(FORM, auth_url="http://lms.example.org/auth", token_url="")
    answer = post_form(client, f"/staff/orgs/{district.id}/lms", form)
    assert answer.status_code == 400
    page = soup(answer)
    assert "must use https" in page.get_text()
    assert "Enter the token address" in page.get_text()
    assert page.find("input", id="client_id")["value"] == "abc"
    assert page.find("input", id="auth_url")["value"] == "http://lms.example.org/auth"


def test_staff_of_another_organization_get_404(client, session: Session, district):
    other = orgs.create_organization(session, name="Hillside", domain_names=[])
    login(client, make_user(session, role="staff", staff_organization_id=other.id))
    assert client.get(f"/staff/orgs/{district.id}/lms").status_code == 404
    assert post_form(client, f"/staff/orgs/{district.id}/lms", FORM).status_code == 404
    assert session.exec(select(LtiPlatform)).all() == []
    form = platforms.PlatformForm(**FORM)
    theirs = platforms.add_platform(
        session, organization=district, form=form, allow_loopback_http=False
    )
    for org_id in (district.id, other.id):  # their page, or ours naming their platform
        url = f"/staff/orgs/{org_id}/lms/{theirs.id}/remove"
        for data in ({}, {"confirm": "yes"}):
            assert post_form(client, url, data).status_code == 404
    session.commit()
    assert session.exec(select(LtiPlatform)).one().id == theirs.id


def test_cli_add_platform_and_show(session: Session, district, cli_environment):
    runner = CliRunner()
    args = ["lti", "add-platform", "--org", "Riverside Unified"]
    for name, value in FORM.items():
        args += [
            "--"
            + {
                "auth_url": "auth-url",
                "token_url": "token-url",
                "jwks_url": "jwks-url",
                "client_id": "client-id",
                "deployment_id": "deployment-id",
            }.get(name, name),
            value,
        ]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert "/lti/launch" in result.output
    again = runner.invoke(cli_app, [*args[:-8], "--deployment-id", "d-2", *args[-6:]])
    assert again.exit_code == 0, again.output
    session.commit()
    deployments = {d.deployment_id for d in session.exec(select(LtiDeployment))}
    assert deployments == {"d-1", "d-2"}
    shown = runner.invoke(cli_app, ["lti", "show"])
    assert shown.exit_code == 0, shown.output
    jwk = json.loads(shown.output[shown.output.index("{") :])
    assert jwk["kty"] == "RSA"
    assert "d" not in jwk
    bad = runner.invoke(cli_app, [*args[:3], "Nobody", *args[4:]])
    assert bad.exit_code == 1
