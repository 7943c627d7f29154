"""The whole district sign-in trip against a real provider on loopback."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import text as sql_text
from sqlmodel import Session, select

from app.accounts.models import User
from app.db import id_of, utcnow
from app.orgs import service as orgs
from app.orgs.models import Proof
from app.sso.models import SsoLoginAttempt
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import csrf, login, post_form, soup
from tests.oidc_provider import running_provider
from tests.sso.conftest import ORG_DOMAIN, configure, provider_url, query_of, sign_in, start

pytestmark = pytest.mark.usefixtures("engine")


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's words, as a reader sees them."""
    return " ".join(soup(response).get_text().split())


def _user(session: Session, email: str) -> User:
    session.expire_all()
    user = session.exec(select(User).where(User.email == email)).one()
    return user


def test_first_sign_in_creates_a_confirmed_member_and_logs_in(
    client, session, oidc_provider, district
):
    configure(session, oidc_provider, district)
    email = f"ada@{ORG_DOMAIN}"
    response = sign_in(
        client, oidc_provider, "ada", email=email, email_verified=True, name="Ada Lovelace"
    )
    assert response.status_code == 303, response.text[:800]
    assert response.headers["location"] == "/me"
    user = _user(session, email)
    assert user.display_name == "Ada Lovelace"
    assert user.organization_id == district.id
    assert user.organization_proof == Proof.sso.value
    assert user.organization_joined_at is not None
    assert user.email_verified_at is not None  # the provider vouched for the address
    page = client.get("/me")
    assert page.status_code == 200
    assert "Riverside Unified" in text(page)  # the welcome message names the organization


def test_existing_verified_account_is_linked_but_never_moved_from_another_organization(
    client, session, oidc_provider, district
):
    configure(session, oidc_provider, district)
    user = make_user(session, email=f"grace@{ORG_DOMAIN}")
    response = sign_in(client, oidc_provider, "grace", email=user.email, email_verified=True)
    assert response.status_code == 303
    linked = _user(session, user.email)
    assert linked.id == user.id
    assert (linked.organization_id, linked.organization_proof) == (district.id, "sso")

    other = orgs.create_organization(session, name="Hillcrest Charter")
    member = make_user(session, email=f"hal@{ORG_DOMAIN}")
    orgs.join(session, user=member, organization_id=id_of(other), proof=Proof.invite)
    session.commit()
    with TestClient(client.app, follow_redirects=False) as second:
        refused = sign_in(second, oidc_provider, "hal", email=member.email, email_verified=True)
    assert refused.status_code == 403
    assert "belongs to another organization" in text(refused)
    assert _user(session, member.email).organization_id == other.id


def test_a_password_someone_set_before_the_owner_stops_working(
    client, session, oidc_provider, district
):
    """Pre-registration: an unverified account made by someone else with the district
    address; when its owner signs in through the district, that password stops working."""
    configure(session, oidc_provider, district)
    squatter = make_user(session, email=f"teacher@{ORG_DOMAIN}")
    with TestClient(client.app, follow_redirects=False) as theirs:
        login(theirs, squatter)
        response = sign_in(client, oidc_provider, "t-1", email=squatter.email, email_verified=True)
        assert response.status_code == 303
        assert theirs.get("/account").status_code == 303  # their login has ended
        again = post_form(theirs, "/login", {"email": squatter.email, "password": DEFAULT_PASSWORD})
        assert again.status_code == 400


def test_sign_in_matches_the_providers_subject_not_an_editable_email(
    client, session, oidc_provider, district
):
    configure(session, oidc_provider, district)
    first = sign_in(
        client, oidc_provider, "real-sub", email=f"ann@{ORG_DOMAIN}", email_verified=True
    )
    assert first.status_code == 303
    with TestClient(client.app, follow_redirects=False) as impostor:
        other = sign_in(
            impostor, oidc_provider, "other-sub", email=f"ANN@{ORG_DOMAIN}", email_verified=False
        )
        assert other.status_code == 403
        assert "gw_session" not in impostor.cookies


def test_staff_of_another_organization_cannot_be_signed_in(
    client, session, oidc_provider, district
):
    configure(session, oidc_provider, district)
    boss = make_user(session, email=f"boss@{ORG_DOMAIN}", role="staff")  # covers every org
    response = sign_in(client, oidc_provider, "boss", email=boss.email, email_verified=True)
    assert response.status_code == 403
    assert "cannot use district sign-in" in text(response)


def test_existing_account_is_not_linked_without_email_verified(
    client, session, oidc_provider, district, caplog
):
    configure(session, oidc_provider, district)
    user = make_user(session, email=f"mallory@{ORG_DOMAIN}")
    response = sign_in(client, oidc_provider, "mallory", email=user.email, email_verified=False)
    assert response.status_code == 403
    assert "did not confirm that the address is yours" in text(response)
    assert soup(response).select_one('a[href="/login"]') is not None
    assert _user(session, user.email).organization_id is None
    assert "gw_session" not in client.cookies
    assert "email_verified is not true" in caplog.text


def test_a_district_member_signs_in_again_without_email_verified(
    client, session, oidc_provider, district
):
    """Entra sends no email_verified: the account district sign-in made is linked already."""
    configure(session, oidc_provider, district)
    email = f"ida@{ORG_DOMAIN}"
    assert sign_in(client, oidc_provider, "ida", email=email).status_code == 303
    client.cookies.clear()
    again = sign_in(client, oidc_provider, "ida", email=email)
    assert again.status_code == 303
    assert "gw_session" in client.cookies
    assert _user(session, email).email_verified_at is None  # nobody vouched for it


def test_admin_accounts_cannot_use_district_sign_in(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    admin = make_user(session, email=f"root@{ORG_DOMAIN}", role="admin")
    response = sign_in(client, oidc_provider, "root", email=admin.email, email_verified=True)
    assert response.status_code == 403
    assert "cannot use district sign-in" in text(response)


@pytest.mark.parametrize(
    ("kind", "claims", "expected"),
    [
        ("google", {"hd": "elsewhere.example.com"}, "not one of your district's Google"),
        ("google", {}, "not one of your district's Google"),  # a personal Gmail has no hd
        ("entra", {"tid": "99999999-9999-9999-9999-999999999999"}, "another organization"),
        ("entra", {}, "another organization"),
    ],
    ids=["forged-hd", "missing-hd", "forged-tid", "missing-tid"],
)
def test_forged_hd_or_tid_is_refused(
    client, session, oidc_provider, district, caplog, kind, claims, expected
):
    tenant = "0a1b2c3d-1111-2222-3333-444455556666"
    configure(session, oidc_provider, district, kind=kind, tenant_ids=tenant)
    email = f"eve@{ORG_DOMAIN}"
    response = sign_in(client, oidc_provider, "eve", email=email, email_verified=True, **claims)
    assert response.status_code == 403
    assert expected in text(response)
    assert session.exec(select(User).where(User.email == email)).first() is None
    assert "District sign-in refused: " in caplog.text


def test_google_and_entra_accounts_of_the_district_get_in(client, session, oidc_provider, district):
    configure(session, oidc_provider, district, kind="google")
    response = sign_in(
        client, oidc_provider, "g", email=f"g@{ORG_DOMAIN}", email_verified=True, hd=ORG_DOMAIN
    )
    assert response.status_code == 303
    tenant = "0a1b2c3d-1111-2222-3333-444455556666"
    configure(session, oidc_provider, district, kind="entra", tenant_ids=tenant)
    client.cookies.clear()
    response = sign_in(client, oidc_provider, "m", email=f"m@{ORG_DOMAIN}", tid=tenant)
    assert response.status_code == 303


def test_an_email_outside_the_allowed_domains_is_refused(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    authorize_url = start(client, f"someone@{ORG_DOMAIN}")
    # At the provider, the person signs in with an address of another domain.
    oidc_provider.set_user("x", email="someone@gmail.example.com", email_verified=True)
    response = client.get(oidc_provider.authorize(authorize_url, "x"))
    assert response.status_code == 403
    assert "Addresses at gmail.example.com cannot use" in text(response)


def test_bad_state_replayed_state_and_replayed_code(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    email = f"ann@{ORG_DOMAIN}"
    oidc_provider.set_user("ann", email=email, email_verified=True)
    callback = oidc_provider.authorize(start(client, email), "ann")
    params = query_of(callback)
    forged = client.get(f"/sso/callback?code={params['code']}&state=not-our-state")
    assert forged.status_code == 400
    assert "Please start signing in again" in text(forged)
    assert client.get("/sso/callback").status_code == 400  # no state at all
    assert client.get(callback).status_code == 303  # the real one works once
    client.cookies.delete("gw_session")
    replayed = client.get(callback)
    assert replayed.status_code == 400
    assert "gw_session" not in client.cookies
    # The code again, with a fresh attempt's state: the provider refuses a used code.
    fresh = query_of(start(client, email))
    again = client.get(f"/sso/callback?code={params['code']}&state={fresh['state']}")
    assert again.status_code == 400
    assert "gw_session" not in client.cookies


def test_a_callback_from_another_browser_is_refused(client, app, session, oidc_provider, district):
    """Someone who hands their own callback link to another person cannot sign them in."""
    configure(session, oidc_provider, district)
    email = f"attacker@{ORG_DOMAIN}"
    oidc_provider.set_user("attacker", email=email, email_verified=True)
    callback = oidc_provider.authorize(start(client, email), "attacker")
    with TestClient(app, follow_redirects=False) as victim:
        response = victim.get(callback)
    assert response.status_code == 400
    assert "gw_session" not in response.headers.get("set-cookie", "")


def test_an_expired_attempt_is_refused(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    email = f"late@{ORG_DOMAIN}"
    oidc_provider.set_user("late", email=email, email_verified=True)
    callback = oidc_provider.authorize(start(client, email), "late")
    with time_machine.travel(utcnow() + timedelta(minutes=11)):
        response = client.get(callback)
    assert response.status_code == 400


def test_provider_error_parameter_gets_a_clear_page(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    state = query_of(start(client, f"bo@{ORG_DOMAIN}"))["state"]
    response = client.get(f"/sso/callback?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "you chose not to continue" in text(response)


def test_nonce_mismatch_is_refused(client, session, oidc_provider, district, caplog):
    """The provider's token carries the nonce of the authorization request it answers:
    a code obtained for one attempt cannot complete another."""
    configure(session, oidc_provider, district)
    email = f"nia@{ORG_DOMAIN}"
    oidc_provider.set_user("nia", email=email, email_verified=True)
    first = start(client, email)
    second = query_of(start(client, email))
    callback = query_of(oidc_provider.authorize(first, "nia"))
    response = client.get(f"/sso/callback?code={callback['code']}&state={second['state']}")
    assert response.status_code == 400
    assert "could not be trusted" in text(response)
    assert "nonce" in caplog.text


def test_provider_down_gets_a_clear_page_not_a_500(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    email = f"dee@{ORG_DOMAIN}"
    oidc_provider.set_user("dee", email=email, email_verified=True)
    callback = oidc_provider.authorize(start(client, email), "dee")
    oidc_provider.stop()
    response = client.get(callback)
    assert response.status_code == 502
    assert "could not reach your district's sign-in service" in text(response)
    assert soup(response).select_one('a[href="/login"]') is not None
    again = client.post("/sso/start", data={"sso_email": email, "csrf_token": csrf(client)})
    assert again.status_code == 502


def test_pkce_challenge_is_s256_of_the_stored_verifier(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    params = query_of(start(client, f"pk@{ORG_DOMAIN}"))
    assert params["code_challenge_method"] == "S256"
    session.expire_all()
    attempt = session.exec(select(SsoLoginAttempt)).one()
    digest = hashlib.sha256(attempt.code_verifier.encode("ascii")).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(attempt.code_verifier) <= 128
    assert params["nonce"] == attempt.nonce
    assert params["state"] not in attempt.state_hash  # only its hash is stored
    assert attempt.state_hash == hashlib.sha256(params["state"].encode()).hexdigest()
    assert params["redirect_uri"].endswith("/sso/callback")


def test_sign_in_from_the_district_list_and_an_unknown_domain(
    client, session, oidc_provider, district
):
    configure(session, oidc_provider, district)
    page = soup(client.get("/login"))
    options = page.select("select#organization option")
    assert [o.get_text() for o in options] == ["Riverside Unified"]
    response = client.get(f"/sso/start?organization={district.id}")
    assert provider_url(response).startswith(oidc_provider.url)
    refresh = soup(response).select_one('meta[http-equiv="refresh"]')
    assert refresh is not None
    assert provider_url(response) in str(refresh["content"])
    assert client.get("/sso/start?organization=999").status_code == 400
    unknown = client.post(
        "/sso/start", data={"sso_email": "x@nowhere.example", "csrf_token": csrf(client)}
    )
    assert unknown.status_code == 400
    field = soup(unknown).select_one("input#sso_email")
    assert field is not None
    assert field["value"] == "x@nowhere.example"
    assert "No district sign-in is set up for addresses at nowhere.example" in text(unknown)


def test_login_page_without_providers_offers_no_district_sign_in(client):
    assert "district-sign-in" not in client.get("/login").text


def test_next_path_survives_the_trip(client, session, oidc_provider, district):
    configure(session, oidc_provider, district)
    email = f"nx@{ORG_DOMAIN}"
    oidc_provider.set_user("nx", email=email, email_verified=True)
    response = client.get(
        f"/sso/start?organization={district.id}&next=/courses/data-for-liberation"
    )
    callback = oidc_provider.authorize(provider_url(response), "nx")
    assert client.get(callback).headers["location"] == "/courses/data-for-liberation"


def test_a_member_of_the_district_keeps_their_proof_and_join_date(
    client, session, oidc_provider, district
):
    configure(session, oidc_provider, district)
    user = make_user(session, email=f"kay@{ORG_DOMAIN}")
    orgs.join(session, user=user, organization_id=id_of(district), proof=Proof.invite)
    session.commit()
    joined = _user(session, user.email).organization_joined_at
    response = sign_in(client, oidc_provider, "kay", email=user.email, email_verified=True)
    assert response.status_code == 303
    same = _user(session, user.email)
    assert (same.organization_proof, same.organization_joined_at) == ("invite", joined)


def test_an_expired_id_token_is_refused(client, session, district, caplog):
    with running_provider(access_token_max_age=timedelta(minutes=-10)) as provider:
        configure(session, provider, district)
        response = sign_in(client, provider, "old", email=f"old@{ORG_DOMAIN}", email_verified=True)
    assert response.status_code == 400
    assert "could not be trusted" in text(response)
    assert "ID token rejected" in caplog.text
    assert "exp" in caplog.text


def test_an_unreadable_client_secret_gets_a_clear_page(
    client, session, engine, oidc_provider, district
):
    """After GROUNDWORK_SECRET_KEY changed, the stored secret cannot be decrypted."""
    configure(session, oidc_provider, district)
    with engine.begin() as conn:
        conn.execute(sql_text("UPDATE sso_provider SET client_secret_encrypted = 'garbage'"))
    response = sign_in(client, oidc_provider, "k", email=f"k@{ORG_DOMAIN}", email_verified=True)
    assert response.status_code == 502
    assert "the client secret must be entered again" in text(response)
