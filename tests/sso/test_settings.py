"""Configuring district sign-in: the staff page, the CLI, the encrypted secret, https only."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import app as cli_app
from app.config import SettingsError, get_settings
from app.db import id_of
from app.orgs import service as orgs
from app.security import secret_box
from app.sso import providers
from app.sso.oidc import url_problem
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.settings_support import PRODUCTION_TEST_KEY, make_settings
from tests.sso.conftest import CLIENT_SECRET, ORG_DOMAIN, configure

pytestmark = pytest.mark.usefixtures("engine")


def _form(provider_url: str, **overrides: str) -> dict[str, str]:
    return {
        "kind": "generic",
        "issuer": provider_url,
        "client_id": "district-client",
        "client_secret": "the-very-secret-value",
        "domains": ORG_DOMAIN,
        "tenant_ids": "",
        **overrides,
    }


def test_the_secret_is_stored_encrypted_and_never_shown(
    client, session, engine, oidc_provider, district
):
    admin = make_user(session, role="admin")
    login(client, admin)
    url = f"/staff/orgs/{district.id}/sign-in"
    response = post_form(client, url, _form(oidc_provider.url))
    assert response.status_code == 303, response.text[:800]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT client_secret_encrypted FROM sso_provider")).scalar()
    assert stored
    assert "the-very-secret-value" not in stored
    plain = secret_box.decrypt(
        stored, secret_key=make_settings().secret_key, purpose=providers.SECRET_PURPOSE
    )
    assert plain == "the-very-secret-value"
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.decrypt(
            stored, secret_key=SecretStr("another key"), purpose=providers.SECRET_PURPOSE
        )
    page = client.get(url)
    assert page.status_code == 200
    assert "the-very-secret-value" not in page.text
    assert "Set, and never shown again" in page.text
    secret_field = soup(page).select_one("input#client_secret")
    assert secret_field is not None
    assert not secret_field.get("value")
    assert "/sso/callback" in page.text  # the redirect URI to register
    # Saving again with the secret left empty keeps it.
    again = post_form(client, url, _form(oidc_provider.url, client_secret="", client_id="new-id"))
    assert again.status_code == 303
    session.expire_all()
    saved = providers.provider_for(session, organization_id=id_of(district))
    assert saved is not None
    assert saved.client_id == "new-id"
    assert providers.client_secret(saved, settings=make_settings()) == "the-very-secret-value"


def test_errors_keep_what_was_typed_except_the_secret(client, session, oidc_provider, district):
    admin = make_user(session, role="admin")
    login(client, admin)
    form = _form(
        "http://idp.example.com",
        domains="not a domain!",
        kind="entra",
        tenant_ids="nope",
        client_secret="typed-secret",
    )
    response = post_form(client, f"/staff/orgs/{district.id}/sign-in", form)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("input#issuer")["value"] == "http://idp.example.com"
    assert page.select_one("input#client_id")["value"] == "district-client"
    assert "typed-secret" not in response.text
    assert page.select_one("textarea#tenant_ids").get_text() == "nope"
    summary = " ".join(page.select_one("#error-summary").get_text().split())
    assert "must use https" in summary
    assert "Not an email domain" in summary
    assert "Not a tenant id: nope" in summary


def test_scoped_staff_manage_only_their_organization(client, session, oidc_provider, district):
    other = orgs.create_organization(session, name="Hillcrest Charter")
    staff = make_user(session, role="staff", staff_organization_id=id_of(district))
    login(client, staff)
    assert client.get(f"/staff/orgs/{district.id}/sign-in").status_code == 200
    assert client.get(f"/staff/orgs/{other.id}/sign-in").status_code == 404
    form = _form(oidc_provider.url, domains="hillcrest.example.org")
    assert post_form(client, f"/staff/orgs/{other.id}/sign-in", form).status_code == 404
    assert post_form(client, f"/staff/orgs/{other.id}/sign-in/test").status_code == 404
    assert providers.provider_for(session, organization_id=id_of(other)) is None
    assert client.get("/staff/orgs/999/sign-in").status_code == 404


def test_learners_get_403(client, session, district):
    login(client, make_user(session))
    assert client.get(f"/staff/orgs/{district.id}/sign-in").status_code == 403


def test_only_the_organizations_own_verified_domains_may_sign_in(
    client, session, oidc_provider, district
):
    """Staff of one district cannot point sign-in at another district's (or a public)
    domain: only domains an administrator attached to their organization are accepted."""
    other = orgs.create_organization(
        session, name="Hillcrest Charter", domain_names=["hillcrest.example.org"]
    )
    staff = make_user(session, role="staff", staff_organization_id=id_of(district))
    login(client, staff)
    for domains in (f"{ORG_DOMAIN} hillcrest.example.org", "gmail.com"):
        form = _form(oidc_provider.url, domains=domains)
        refused = post_form(client, f"/staff/orgs/{district.id}/sign-in", form)
        assert refused.status_code == 400
        assert "Not one of this organization's verified domains" in soup(refused).get_text()
    assert providers.provider_for(session, organization_id=id_of(district)) is None
    assert orgs.domains(session, organization_id=id_of(other))[0].domain == "hillcrest.example.org"


def test_connection_test_says_what_the_provider_answered(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    login(client, make_user(session, role="admin"))
    url = f"/staff/orgs/{district.id}/sign-in"
    response = post_form(client, f"{url}/test")
    assert response.status_code == 303
    assert f"issuer {oidc_provider.url}" in client.get(url).text
    oidc_provider.stop()
    assert post_form(client, f"{url}/test").status_code == 303
    assert "The connection test failed" in client.get(url).text


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://accounts.google.com", True),
        ("http://127.0.0.1:9000", True),
        ("http://[::1]:9000", True),
        ("http://localhost:9000", True),
        ("http://idp.example.com", False),
        ("http://10.0.0.5", False),
        ("ftp://127.0.0.1", False),
        ("https://user:pw@idp.example.com", False),
        ("https://idp.example.com/?x=1", False),
    ],
)
def test_http_only_on_loopback_and_only_with_the_setting(url, allowed):
    assert (url_problem(url, allow_loopback_http=True) is None) is allowed
    if url.startswith("http://"):
        assert url_problem(url, allow_loopback_http=False) is not None


def test_http_provider_refused_without_the_setting(session, oidc_provider, district):
    form = providers.ProviderForm(
        issuer=oidc_provider.url, client_id="c", client_secret="s", domains=ORG_DOMAIN
    )
    with pytest.raises(providers.ProviderError, match="GROUNDWORK_OIDC_ALLOW_LOOPBACK_HTTP"):
        providers.save_provider(
            session, settings=make_settings(), organization_id=id_of(district), form=form
        )


def test_production_refuses_the_loopback_http_setting(monkeypatch):
    monkeypatch.setenv("GROUNDWORK_ENVIRONMENT", "production")
    monkeypatch.setenv("GROUNDWORK_SECRET_KEY", PRODUCTION_TEST_KEY)
    monkeypatch.setenv("GROUNDWORK_ARGON2_MEMORY_KIB", "19456")
    monkeypatch.setenv("GROUNDWORK_ARGON2_ROUNDS", "2")
    monkeypatch.setenv("GROUNDWORK_OIDC_ALLOW_LOOPBACK_HTTP", "true")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="GROUNDWORK_OIDC_ALLOW_LOOPBACK_HTTP"):
            get_settings()
        monkeypatch.setenv("GROUNDWORK_OIDC_ALLOW_LOOPBACK_HTTP", "false")
        get_settings.cache_clear()
        assert get_settings().oidc_allow_loopback_http is False
    finally:
        get_settings.cache_clear()


def test_cli_sets_up_district_sign_in(session: Session, oidc_provider, district, cli_environment):
    runner = CliRunner()
    args = [
        "orgs",
        "sso",
        "--org",
        "riverside unified",
        "--issuer",
        oidc_provider.url,
        "--client-id",
        "cli-client",
        "--client-secret",
        CLIENT_SECRET,
        "--domain",
        ORG_DOMAIN,
        "--domain",
        "staff.riverside.example.org",
        "--kind",
        "google",
    ]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert "/sso/callback" in result.output
    assert CLIENT_SECRET not in result.output
    session.expire_all()
    saved = providers.provider_for(session, organization_id=id_of(district))
    assert saved is not None
    assert (saved.kind, saved.client_id) == ("google", "cli-client")
    assert saved.domain_list == [ORG_DOMAIN, "staff.riverside.example.org"]
    missing = runner.invoke(cli_app, [*args[:3], "Nowhere", *args[4:]])
    assert missing.exit_code == 1
    assert "no organization called 'Nowhere'" in missing.output
