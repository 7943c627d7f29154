"""Deep Linking 2.0: an instructor picks from the catalog; the platform receives a signed
ltiResourceLink (checked by the platform's own library against the tool's JWKS)."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from app.lti import deep_linking
from app.lti.launch import CLAIM, DL_CLAIM, Launch, LaunchRefused
from app.lti.models import LtiDeepLink, LtiPlatform
from tests.helpers import soup
from tests.lti.conftest import COURSE, MODULE, launch
from tests.lti.platform import INSTRUCTOR, LaunchSpec


def _picker(client, platform):  # type: ignore[no-untyped-def]
    spec = LaunchSpec(sub="teacher-1", roles=[INSTRUCTOR], deep_linking=True, email=None)
    answer = launch(client, platform, spec)
    assert answer.status_code == 303, answer.text[:500]
    assert answer.headers["location"].startswith("/lti/deep-link/")
    return answer.headers["location"]


def test_instructor_picks_a_module_and_the_platform_gets_a_graded_link(client, platform):
    url = _picker(client, platform)
    client.cookies.clear()  # the picker needs no cookie (third-party iframe)
    page = client.get(url)
    assert page.status_code == 200
    choices = {i["value"] for i in soup(page).select("input[name=item]")}
    assert COURSE in choices
    assert f"{COURSE}/{MODULE}" in choices
    answer = client.post(
        url, data={"item": f"{COURSE}/{MODULE}", "graded": "yes", "score_mode": "correct_share"}
    )
    assert answer.status_code == 200, answer.text[:500]
    form = soup(answer).find("form", id="lti-return")
    assert form["action"] == f"{platform.url}/deep-link-return"
    assert f"form-action 'self' {platform.url}" in answer.headers["content-security-policy"]
    jwt = form.find("input", attrs={"name": "JWT"})["value"]
    received = httpx.post(form["action"], data={"JWT": jwt})
    assert received.status_code == 200, received.text[:500]
    [item] = platform.received_items
    assert item["type"] == "ltiResourceLink"
    assert item["url"].endswith("/lti/launch")
    assert item["custom"] == {"course": COURSE, "module": MODULE, "score_mode": "correct_share"}
    assert item["lineItem"]["scoreMaximum"] == 1
    # Single use: the same picker cannot answer twice.
    assert client.post(url, data={"item": COURSE}).status_code == 410


def test_whole_course_without_grade(client, platform):
    url = _picker(client, platform)
    answer = client.post(url, data={"item": COURSE})
    form = soup(answer).find("form", id="lti-return")
    httpx.post(form["action"], data={"JWT": form.find("input")["value"]})
    [item] = platform.received_items
    assert item["custom"] == {"course": COURSE}
    assert "lineItem" not in item


def test_bad_pick_re_renders_with_a_message(client, platform):
    url = _picker(client, platform)
    answer = client.post(url, data={"item": "nope/nothing", "graded": "yes"})
    assert answer.status_code == 400
    page = soup(answer)
    assert "Choose a course or a module" in page.get_text()
    assert page.find("input", attrs={"name": "graded"}).has_attr("checked")


def test_learners_cannot_deep_link(client, platform, session: Session):
    spec = LaunchSpec(deep_linking=True)
    answer = launch(client, platform, spec)
    assert answer.status_code == 403
    assert "Only instructors" in soup(answer).get_text()


def test_a_plain_http_return_url_is_refused(session, settings) -> None:  # type: ignore[no-untyped-def]
    """The return URL becomes the picker form's action: plain http off this computer is
    refused before anything is kept."""
    platform = LtiPlatform(
        id=1,
        organization_id=1,
        issuer="https://lms.example.org",
        client_id="c",
        auth_login_url="https://lms.example.org/auth",
        token_url="https://lms.example.org/token",
        jwks_url="https://lms.example.org/jwks",
    )
    claims = {
        CLAIM + "roles": [INSTRUCTOR],
        DL_CLAIM + "deep_linking_settings": {
            "deep_link_return_url": "http://lms.example.org/return",
            "accept_types": ["ltiResourceLink"],
        },
    }
    with pytest.raises(LaunchRefused):
        deep_linking.start(session, settings=settings, launch=Launch(platform, claims))
    assert session.exec(select(LtiDeepLink)).all() == []
