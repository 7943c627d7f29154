"""Launches from the independent platform: login, launch, account, cohort, landing."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.accounts.models import User
from app.db import utcnow
from app.learning.models import Enrollment
from app.lti import service
from app.lti.models import LtiContext, LtiPlatformUser, LtiResourceLink
from app.orgs.models import Cohort
from tests.factories import make_user
from tests.helpers import post_form, soup
from tests.lti.conftest import COURSE, MODULE, course_spec, launch


def test_launch_signs_in_enrolls_and_lands_on_the_module(
    client, platform, session: Session, district
):
    answer = launch(client, platform, course_spec())
    assert answer.status_code == 303, answer.text[:800]
    enter = answer.headers["location"]
    assert enter.startswith("/lti/enter/")
    landed = client.get(enter, follow_redirects=False)
    assert landed.status_code == 303
    assert landed.headers["location"] == f"/courses/{COURSE}/modules/{MODULE}"
    module = client.get(landed.headers["location"])
    assert module.status_code == 200
    session.commit()
    user = session.exec(select(User).where(User.email == "pat@riverside.example.org")).one()
    assert user.organization_id == district.id
    assert user.organization_proof == "lti"
    assert user.display_name == "Pat Learner"
    link = session.exec(select(LtiPlatformUser)).one()
    assert (link.subject, link.user_id) == ("learner-1", user.id)
    context = session.exec(select(LtiContext)).one()
    cohort = session.exec(select(Cohort).where(Cohort.code == context.cohort_code)).one()
    assert cohort.name == "PD: Data Literacy, Spring"
    assert cohort.organization_id == district.id
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user.id)).one()
    assert enrollment.cohort == cohort.code
    assert enrollment.active
    resource = session.exec(select(LtiResourceLink)).one()
    assert (resource.course_slug, resource.module_slug) == (COURSE, MODULE)


def test_second_launch_reuses_account_and_cohort(client, platform, session: Session):
    for _ in range(2):
        answer = launch(client, platform, course_spec())
        assert answer.status_code == 303
        client.get(answer.headers["location"])
    session.commit()
    assert len(session.exec(select(User)).all()) == 1
    assert len(session.exec(select(Cohort)).all()) == 1


def test_course_link_without_module_lands_on_course_page(client, platform):
    answer = launch(client, platform, course_spec(custom={"course": COURSE}, resource_link_id="l2"))
    landed = client.get(answer.headers["location"], follow_redirects=False)
    assert landed.headers["location"] == f"/courses/{COURSE}"


def test_link_naming_no_course_is_refused_clearly(client, platform):
    answer = launch(client, platform, course_spec(custom={"course": "no-such-course"}))
    assert answer.status_code == 404
    assert "does not name a Groundwork course" in soup(answer).get_text()


def test_launch_with_no_cookies_offers_a_new_window(client, platform, session: Session):
    """The iframe keeps no cookie: the ticket page offers a new window, which signs in."""
    answer = launch(client, platform, course_spec())
    enter = answer.headers["location"]
    client.cookies.clear()
    page = client.get(enter, follow_redirects=False)
    assert page.status_code == 200
    button = soup(page).find(id="open-in-new-window")
    assert button is not None
    assert button.get_text(strip=True) == "Open Groundwork in a new window"
    assert button["target"] == "_blank"
    policy = page.headers["content-security-policy"]
    assert f"frame-ancestors {platform.url}" in policy
    assert "x-frame-options" not in page.headers
    client.cookies.clear()
    # The new window names whose account this is; the link alone signs nobody in.
    shown = client.get(button["href"], follow_redirects=False)
    assert shown.status_code == 200
    assert "Continue as Pat Learner" in shown.text
    assert "gw_session" not in shown.headers.get("set-cookie", "")
    action = soup(shown).find("form")["action"]
    # Continuing without the page's CSRF token is refused, and spends nothing.
    assert client.post(action, follow_redirects=False).status_code == 403
    opened = post_form(client, action, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/courses/{COURSE}/modules/{MODULE}"
    assert client.get(opened.headers["location"]).status_code == 200
    # The ticket is spent: a second window (or someone who copied it) gets nothing.
    client.cookies.clear()
    assert client.get(button["href"], follow_redirects=False).status_code == 410
    assert post_form(client, action, follow_redirects=False).status_code == 410


def test_existing_verified_account_in_district_is_linked(client, platform, session: Session):
    user = make_user(session, email="pat@riverside.example.org", email_verified_at=utcnow())
    answer = launch(client, platform, course_spec())
    assert answer.status_code == 303
    session.commit()
    assert session.exec(select(LtiPlatformUser)).one().user_id == user.id


def test_existing_unverified_account_is_not_taken_over(client, platform, session: Session):
    make_user(session, email="pat@riverside.example.org")
    answer = launch(client, platform, course_spec())
    assert answer.status_code == 403
    assert "already exists" in soup(answer).get_text()
    assert session.exec(select(LtiPlatformUser)).all() == []


def test_admins_and_authors_are_never_opened(client, platform, session: Session):
    for role in ("admin", "author"):
        make_user(session, email=f"{role}@riverside.example.org", role=role)
    for role in ("admin", "author"):
        spec = course_spec(sub=f"{role}-sub", email=f"{role}@riverside.example.org")
        answer = launch(client, platform, spec)
        assert answer.status_code == 403, role


def test_an_email_outside_the_district_never_opens_or_claims_an_account(
    client, platform, session: Session
):
    """A platform's word about an address counts only at the district's verified domains:
    a verified account elsewhere stays untouched, and a new account gets a synthetic address
    (whose owner could otherwise reset its password and share it with the launcher)."""
    victim = make_user(session, email="victim@mail.example", email_verified_at=utcnow())
    answer = launch(client, platform, course_spec(sub="s-1", email="victim@mail.example"))
    assert answer.status_code == 303, answer.text[:500]
    answer = launch(client, platform, course_spec(sub="s-2", email="nobody-yet@mail.example"))
    assert answer.status_code == 303, answer.text[:500]
    session.commit()
    links = session.exec(select(LtiPlatformUser)).all()
    assert victim.id not in {link.user_id for link in links}
    emails = {session.get(User, link.user_id).email for link in links}
    assert len(emails) == 2
    assert all(email.endswith("@lti.invalid") for email in emails)
    assert session.exec(select(User).where(User.email == "nobody-yet@mail.example")).all() == []


def test_a_unique_key_race_on_first_launch_is_retried_not_a_500(
    client, platform, session: Session, monkeypatch
):
    """Thirty learners launching a new LMS course at once race to make its context, link
    and cohort; the loser's insert fails on a unique key, and its launch tries once more."""
    real = service.land
    calls: list[int] = []

    def racing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key (a racing launch)"))
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "land", racing)
    answer = launch(client, platform, course_spec())
    assert answer.status_code == 303, answer.text[:500]
    assert len(calls) == 2
    assert client.get(answer.headers["location"], follow_redirects=False).status_code == 303
