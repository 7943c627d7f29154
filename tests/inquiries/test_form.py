"""The public district inquiry form: stored, emailed to admins, confirmed to the inquirer;
refusals keep what was typed; CSRF, the honeypot and the throttle."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient

from app.inquiries import service as inquiries
from app.inquiries.models import DistrictSize, InquiryStatus
from app.notifications import service as notifications
from tests.factories import make_user
from tests.helpers import csrf, login, soup
from tests.inquiries.support import FORM_URL, GOOD, outbox, send, stored


def _typed_values(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the form shows in each field (the honeypot aside)."""
    form = soup(response).select_one(f"form[action='{FORM_URL}']")
    values = {
        field["name"]: field.get("value", "")
        for field in form.select("input")
        if field["name"] not in ("csrf_token", "website")
    }
    selected = form.select_one("select[name=district_size] option[selected]")
    values["district_size"] = selected["value"] if selected else ""
    values["message"] = form.select_one("textarea[name=message]").get_text()
    return values


def test_the_form_is_public_with_labelled_fields_and_a_hidden_honeypot(client):
    response = client.get(FORM_URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text() == "Bring Groundwork to your district"
    for name in ("name", "job_title", "district", "district_size", "email", "message"):
        assert page.select_one(f"label[for={name}]"), name
    options = [o["value"] for o in page.select("select[name=district_size] option")]
    assert options == ["", *[s.value for s in DistrictSize]]
    trap = page.select_one("input[name=website]")
    assert trap["tabindex"] == "-1"
    assert trap["autocomplete"] == "off"
    assert trap.find_parent(attrs={"aria-hidden": "true"})["class"] == ["honeypot"]
    assert page.select_one("input[name=csrf_token]")


def test_a_logged_in_user_finds_name_and_email_filled_in(client, session):
    user = make_user(session, display_name="Ana Ruiz", email="ana@example.org")
    login(client, user)
    values = _typed_values(client.get(FORM_URL))
    assert (values["name"], values["email"]) == ("Ana Ruiz", "ana@example.org")


def test_an_inquiry_is_stored_emailed_to_every_admin_and_confirmed(client, session):
    admins = [make_user(session, role="admin") for _ in range(2)]
    make_user(session, role="staff")
    response = send(client, email="  Rosa.Alvarez@Lakeview.example.org ")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/bring-groundwork/thanks")
    thanks = client.get(response.headers["location"])
    assert thanks.status_code == 200
    assert "your message is on its way" in soup(thanks).select_one("h1").get_text()

    [inquiry] = stored(session)
    assert (inquiry.name, inquiry.job_title, inquiry.district) == (
        "Rosa Alvarez",
        "Director of assessment",
        "Lakeview Unified",
    )
    assert inquiry.district_size == DistrictSize.from_10000
    assert inquiry.email == "rosa.alvarez@lakeview.example.org"
    assert inquiry.message == GOOD["message"]
    assert inquiry.status == InquiryStatus.new
    assert inquiry.answered_at is None
    assert inquiry.created_at.tzinfo is not None

    mails = outbox(session)
    to_admins = [m for m in mails if m.to_address != inquiry.email]
    assert sorted(m.to_address for m in to_admins) == sorted(a.email for a in admins)
    for mail in to_admins:
        assert mail.subject == "District inquiry: Lakeview Unified"
        assert GOOD["message"] in mail.body  # the whole message, newlines kept
        assert "Role: Director of assessment" in mail.body
        assert "Size: 10,000–50,000 students" in mail.body
        assert f"/admin/inquiries#inquiry-{inquiry.id}" in mail.body
    [confirmation] = [m for m in mails if m.to_address == inquiry.email]
    assert "received your message" in confirmation.subject
    # Anyone can type anyone's address: nothing they typed is carried to it.
    assert "coaches" not in confirmation.body
    assert "Rosa" not in confirmation.body


BAD_FIELDS = [
    ("name", "   ", "Enter your name."),
    ("name", "x" * 201, "at most 200 characters"),
    ("job_title", "", "Enter your role"),
    ("district", "\t", "Enter the name of your district"),
    ("district", "d" * 201, "at most 200 characters"),
    ("district_size", "", "Choose about how many students"),
    ("district_size", "huge", "Choose about how many students"),
    ("email", "rosa at lakeview", "Enter an email address"),
    ("email", "", "Enter an email address"),
    ("message", "  \n ", "Tell us a little"),
    ("message", "m" * 5001, "at most 5,000 characters (this message has 5,001)"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_FIELDS)
def test_each_refusal_names_the_field_and_keeps_what_was_typed(
    client, session, name, value, message
):
    make_user(session, role="admin")
    response = send(client, **{name: value})
    assert response.status_code == 400
    page = soup(response)
    summary = page.select_one(".error-summary")
    assert summary.select_one(f"a[href='#{name}']")
    error = page.select_one(f"#{name}-error")
    assert message in error.get_text()
    assert page.select_one(f"#{name}")["aria-invalid"] == "true"
    kept = {**GOOD, name: value}
    kept.pop("website")
    if name == "district_size" and value not in {s.value for s in DistrictSize}:
        kept["district_size"] = ""  # an unknown size cannot be shown selected
    assert _typed_values(response) == kept
    assert stored(session) == []
    assert outbox(session) == []


def test_several_refusals_at_once_are_all_listed(client, session):
    response = send(client, name="", email="nope", message="")
    assert response.status_code == 400
    links = [a["href"] for a in soup(response).select(".error-summary a")]
    assert links == ["#name", "#email", "#message"]


def test_without_a_csrf_token_nothing_is_stored(client, session):
    make_user(session, role="admin")
    csrf(client)
    for token in (None, "forged"):
        data = dict(GOOD) if token is None else {**GOOD, "csrf_token": token}
        response = client.post(FORM_URL, data=data)
        assert response.status_code == 403
        assert "form has expired" in soup(response).get_text()
    assert stored(session) == []
    assert outbox(session) == []


def test_a_filled_honeypot_looks_accepted_but_stores_and_sends_nothing(client, session):
    make_user(session, role="admin")
    response = send(client, website="https://cheap-pills.example")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/bring-groundwork/thanks")
    assert stored(session) == []
    assert outbox(session) == []


def test_the_sixth_inquiry_in_an_hour_from_one_address_waits(app, client, session):
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=True) as clock:
        for n in range(inquiries.MAX_PER_WINDOW):
            assert send(client, email=f"person{n}@example.org").status_code == 303
        refused = send(client, email="sixth@example.org", message="Still here.")
        assert refused.status_code == 429
        assert "wait an hour" in soup(refused).select_one(".error-summary").get_text()
        assert _typed_values(refused)["message"] == "Still here."
        assert len(stored(session)) == inquiries.MAX_PER_WINDOW
        # Another address is not held back by this one.
        with TestClient(app, follow_redirects=False, client=("192.0.2.9", 4000)) as other:
            assert send(other, email="other@example.org").status_code == 303
        clock.shift(timedelta(minutes=61))
        assert send(client, email="sixth@example.org").status_code == 303
    assert len(stored(session)) == inquiries.MAX_PER_WINDOW + 2


def test_the_sixth_inquiry_in_an_hour_for_one_email_waits_whatever_the_address(app, session):
    for n in range(inquiries.MAX_PER_WINDOW + 1):
        with TestClient(app, follow_redirects=False, client=(f"192.0.2.{n + 1}", 4000)) as c:
            response = send(c, email="same@example.org" if n % 2 else "SAME@example.org ")
        expected = 303 if n < inquiries.MAX_PER_WINDOW else 429
        assert response.status_code == expected, n
    assert len(stored(session)) == inquiries.MAX_PER_WINDOW


def test_refused_forms_do_not_count_towards_the_throttle(client, session):
    for _ in range(inquiries.MAX_PER_WINDOW + 2):
        assert send(client, message="").status_code == 400
        assert send(client, website="spam").status_code == 303
    assert send(client).status_code == 303
    assert len(stored(session)) == 1


@pytest.mark.parametrize("name", ["name", "job_title", "district", "email", "message"])
def test_a_nul_character_is_refused_alike_on_sqlite_and_postgresql(client, session, name):
    response = send(client, **{name: GOOD.get(name, "x") + "\x00"})
    assert response.status_code == 400
    assert "NUL" in soup(response).select_one(f"#{name}-error").get_text()
    assert stored(session) == []


def test_the_admin_notice_has_one_click_unsubscribe_that_works(client, session):
    """Not an answer to the admin's own action: RFC 8058 headers, and one POST stops it."""
    [admin, other] = [make_user(session, role="admin") for _ in range(2)]
    assert send(client).status_code == 303
    notices = [m for m in outbox(session) if m.to_address == admin.email]
    [notice] = notices
    headers = json.loads(notice.headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url in notice.body
    path = url.split("://", 1)[1].split("/", 1)[1]
    with TestClient(client.app) as stranger:  # no login, no cookie: what a mail program sends
        assert stranger.post(f"/{path}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    session.commit()
    assert notifications.wants(
        session, user_ids=[admin.id, other.id], kind=notifications.INQUIRY_NOTICE.key
    ) == {other.id}
    assert send(client, email="second@example.org").status_code == 303
    later = [m for m in outbox(session) if m.id > notice.id and m.to_address.endswith("org")]
    assert admin.email not in {m.to_address for m in later}
    assert other.email in {m.to_address for m in later}
