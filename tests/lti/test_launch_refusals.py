"""Launches that must fail: forged, misaddressed, replayed, expired, unknown deployment;
and a platform key rotation that must not break launching."""

from __future__ import annotations

import json
from datetime import timedelta

from joserfc import jwt
from joserfc.jwk import RSAKey
from joserfc.jws import extract_compact
from sqlmodel import Session, select

from app.db import utcnow
from app.lti.models import LtiPlatform, LtiPlatformUser
from tests.helpers import post_form, soup
from tests.lti.conftest import course_spec, id_token_post, launch, path_of


def _refused(answer, status: int = 400) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text[:500]
    assert "could not be completed" in soup(answer).get_text()
    assert "location" not in answer.headers


def test_forged_signature_is_refused(client, platform, session: Session):
    fields = id_token_post(client, platform, course_spec())
    token = extract_compact(fields["id_token"].encode())
    claims = json.loads(token.payload)
    # Same claims, same kid, another key: only the signature gives it away.
    impostor = RSAKey.generate_key(2048, parameters={"kid": token.headers()["kid"]})
    fields["id_token"] = jwt.encode(token.headers(), claims, impostor)
    _refused(client.post("/lti/launch", data=fields, follow_redirects=False))
    assert session.exec(select(LtiPlatformUser)).all() == []


def test_unknown_kid_is_refused_after_one_refetch(client, platform):
    fields = id_token_post(client, platform, course_spec())
    token = extract_compact(fields["id_token"].encode())
    stranger = RSAKey.generate_key(2048, parameters={"kid": "not-the-platforms"})
    fields["id_token"] = jwt.encode(
        {"alg": "RS256", "kid": "not-the-platforms"}, json.loads(token.payload), stranger
    )
    _refused(client.post("/lti/launch", data=fields, follow_redirects=False))


def test_wrong_audience_is_refused(client, platform):
    _refused(launch(client, platform, course_spec(audience="another-tool")))


def test_replayed_launch_is_refused(client, platform):
    fields = id_token_post(client, platform, course_spec())
    first = client.post("/lti/launch", data=fields, follow_redirects=False)
    assert first.status_code == 303
    _refused(client.post("/lti/launch", data=fields, follow_redirects=False))


def test_replayed_token_with_a_fresh_state_is_refused(client, platform):
    """A captured id_token posted with someone else's new state: its nonce is not that
    login's, and it was used already."""
    fields = id_token_post(client, platform, course_spec())
    assert client.post("/lti/launch", data=fields, follow_redirects=False).status_code == 303
    fresh = id_token_post(client, platform, course_spec())
    fresh["id_token"] = fields["id_token"]
    _refused(client.post("/lti/launch", data=fresh, follow_redirects=False))


def test_expired_token_is_refused(client, platform):
    _refused(launch(client, platform, course_spec(expiration=-120)))


def test_unknown_deployment_is_refused(client, platform):
    _refused(launch(client, platform, course_spec(deployment_id="not-registered")), 403)


def test_unknown_issuer_login_is_refused(client, platform):
    answer = client.get(
        "/lti/login?iss=https://lms.example.com&login_hint=x&target_link_uri=/",
        follow_redirects=False,
    )
    assert answer.status_code == 404
    assert "not registered" in soup(answer).get_text()


def test_launch_without_state_or_token_is_refused(client, platform):
    _refused(client.post("/lti/launch", data={}, follow_redirects=False))
    _refused(client.post("/lti/launch", data={"state": "x", "id_token": "a.b.c"}))


def test_platform_key_rotation_keeps_launching(client, platform, session: Session):
    assert launch(client, platform, course_spec()).status_code == 303
    session.commit()
    cached = session.exec(select(LtiPlatform)).one().jwks_cache
    platform.rotate_key()
    second = launch(client, platform, course_spec(resource_link_id="l2"))
    assert second.status_code == 303, second.text[:500]
    session.commit()
    refetched = session.exec(select(LtiPlatform)).one().jwks_cache
    assert refetched != cached
    assert platform.registration.kid in refetched  # type: ignore[operator]


def test_launch_with_no_cookies_at_all(client, platform):
    """No cookie survives any step (a browser that blocks them all): login initiation,
    launch and the ticket page still work, and the new window signs in."""
    hint_fields = None
    client.cookies.clear()
    hint = platform.add_launch(course_spec())
    answer = client.get(path_of(platform.login_initiation_url(hint)), follow_redirects=False)
    assert answer.status_code == 303
    assert "set-cookie" not in {
        k.lower() for k in answer.headers if "gw_lti" in answer.headers.get(k, "")
    }
    client.cookies.clear()
    import httpx

    from tests.lti.platform import form_of

    _action, hint_fields = form_of(httpx.get(answer.headers["location"]).text)
    launched = client.post("/lti/launch", data=hint_fields, follow_redirects=False)
    assert launched.status_code == 303
    client.cookies.clear()
    page = client.get(launched.headers["location"])
    link = soup(page).find(id="open-in-new-window")
    assert link is not None
    client.cookies.clear()
    shown = client.get(link["href"], follow_redirects=False)
    assert shown.status_code == 200
    opened = post_form(client, soup(shown).find("form")["action"], follow_redirects=False)
    assert opened.status_code == 303
    assert "/modules/" in opened.headers["location"]


def test_a_day_old_key_set_is_fetched_again(client, platform, session: Session):
    """A key the platform has withdrawn stops being trusted within a day, even when every
    launch names a key id that is still in the cache."""
    assert launch(client, platform, course_spec()).status_code == 303
    session.commit()
    row = session.exec(select(LtiPlatform)).one()
    day_ago = utcnow() - timedelta(hours=25)
    row.jwks_fetched_at = day_ago
    session.add(row)
    session.commit()
    assert launch(client, platform, course_spec(resource_link_id="l2")).status_code == 303
    session.expire_all()
    fetched = session.exec(select(LtiPlatform)).one().jwks_fetched_at
    assert fetched is not None
    assert fetched > day_ago + timedelta(hours=24)


def test_a_nonce_sent_inside_a_list_is_refused(client, platform):
    """The nonce must be exactly the string the tool sent, signed by the platform's own key."""
    fields = id_token_post(client, platform, course_spec())
    token = extract_compact(fields["id_token"].encode())
    claims = json.loads(token.payload)
    claims["nonce"] = [claims["nonce"]]
    key = RSAKey.import_key(
        platform.registration.get_platform_private_key(),
        parameters={"kid": platform.registration.kid},
    )
    fields["id_token"] = jwt.encode(token.headers(), claims, key)
    _refused(client.post("/lti/launch", data=fields, follow_redirects=False))
