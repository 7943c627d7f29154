"""The notification settings page lists every kind of email with a checkbox; saving
turns kinds off and on, with a flash message; the form needs the CSRF token."""

from __future__ import annotations

from sqlmodel import select

from app.notifications.models import NotificationSetting
from app.notifications.service import EMAIL_KINDS
from tests.factories import make_user
from tests.helpers import login, post_form, soup


def _checked(client) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    page = soup(client.get("/account/notifications"))
    return {box["value"]: box.has_attr("checked") for box in page.select("input[name=enabled]")}


# Community kinds (issue 22): the digest is on by default, reply emails are off.
COMMUNITY_OFF = {"community_replies": False, "community_digest": False}


def test_every_kind_is_listed_with_its_default_and_can_be_turned_off(client, session):
    user = make_user(session)
    login(client, user)
    learner_kinds = {k: v for k, v in EMAIL_KINDS.items() if v.applies_to(user)}
    assert "inquiry_notice" not in learner_kinds  # for administrators only
    assert _checked(client) == {key: kind.default for key, kind in learner_kinds.items()}
    assert EMAIL_KINDS["community_replies"].default is False
    page = soup(client.get("/account/notifications"))
    for key, kind in learner_kinds.items():
        label = page.select_one(f"label[for=kind-{key}]").get_text(" ", strip=True)
        assert label == kind.label
    response = post_form(client, "/account/notifications", {"enabled": ["overdue_notice"]})
    assert response.status_code == 303
    after = client.get(response.headers["location"])
    assert "Your email choices are saved." in soup(after).get_text()
    assert _checked(client) == {"due_reminder": False, "overdue_notice": True, **COMMUNITY_OFF}
    post_form(client, "/account/notifications", {"enabled": ["due_reminder", "overdue_notice"]})
    assert _checked(client) == {"due_reminder": True, "overdue_notice": True, **COMMUNITY_OFF}
    session.commit()
    rows = session.exec(select(NotificationSetting).where(NotificationSetting.user_id == user.id))
    assert {r.kind: r.enabled for r in rows} == {
        "due_reminder": True,
        "overdue_notice": True,
        **COMMUNITY_OFF,
    }


def test_unknown_kinds_are_ignored_and_the_token_is_required(client, session):
    login(client, make_user(session))
    post_form(client, "/account/notifications", {"enabled": ["spam", "due_reminder"]})
    assert _checked(client) == {"due_reminder": True, "overdue_notice": False, **COMMUNITY_OFF}
    forged = client.post("/account/notifications", data={"csrf_token": "x"})
    assert forged.status_code == 403
    assert _checked(client) == {"due_reminder": True, "overdue_notice": False, **COMMUNITY_OFF}


def test_the_account_page_links_to_it(client, session):
    login(client, make_user(session))
    links = [a["href"] for a in soup(client.get("/account")).select("a")]
    assert "/account/notifications" in links


def test_administrators_also_choose_about_district_inquiries(client, session):
    login(client, make_user(session, role="admin"))
    assert _checked(client) == {key: kind.default for key, kind in EMAIL_KINDS.items()}
    post_form(client, "/account/notifications", {"enabled": ["due_reminder"]})
    assert _checked(client)["inquiry_notice"] is False
