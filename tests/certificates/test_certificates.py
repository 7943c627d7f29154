"""Certificates: name confirmation, refusal before completion, the PDF, verification, revoke."""

from __future__ import annotations

import io

import pypdf
import pytest
from sqlmodel import select

from app.certificates.models import Certificate
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.learning.support import JOURNEY, complete_journey, complete_journey_modules, enroll

CERT_URL = f"/courses/{JOURNEY}/certificate"


def _issue(client, name: str):  # type: ignore[no-untyped-def]
    return post_form(client, CERT_URL, {"name": name, "confirmed": "yes"})


def _code(client) -> str:  # type: ignore[no-untyped-def]
    return soup(client.get(CERT_URL)).select_one(".certificate-card code").get_text(strip=True)


def _pdf_text(client, code: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/certificates/{code}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


@pytest.mark.parametrize("name", ["Nguyễn Thị Ánh", "José Ñúñez", "Zoë O'Brien-Łukasz"])
def test_unicode_names_render_in_the_pdf(client, session, name):
    login(client, make_user(session))
    enroll(client)
    complete_journey(client)
    assert _issue(client, name).status_code == 303
    code = _code(client)
    text = _pdf_text(client, code)
    assert name in text
    assert "Journey Course: Reading Data Together" in text
    assert f"Verification code: {code}" in text
    public = soup(client.get(f"/certificates/{code}"))
    assert name in public.select_one(".certificate-card").get_text()


def test_certificate_for_an_incomplete_course_is_refused_with_a_reason(client, session):
    login(client, make_user(session))
    enroll(client)
    post_form(client, f"/courses/{JOURNEY}/modules/welcome/done")
    page = soup(client.get(CERT_URL))
    reason = page.select_one(".refusal").get_text(" ", strip=True)
    assert "completed 1 of 3 modules" in reason
    assert "“Practice noticing”" in reason
    assert "feedback survey" in reason
    assert page.select_one("input[name=name]") is None
    response = _issue(client, "Someone")
    assert response.status_code == 400
    assert "completed 1 of 3 modules" in soup(response).select_one(".refusal").get_text()
    assert session.exec(select(Certificate)).first() is None


def test_the_name_must_be_confirmed_and_typing_is_kept(client, session):
    login(client, make_user(session))
    enroll(client)
    complete_journey(client)
    response = post_form(client, CERT_URL, {"name": "Zoë Q"})
    assert response.status_code == 400
    page = soup(response)
    assert "Tick the box" in page.select_one(".error-summary").get_text()
    assert page.select_one("input[name=name]")["value"] == "Zoë Q"
    response = _issue(client, "   ")
    assert response.status_code == 400
    assert "Enter your name" in soup(response).select_one(".error-summary").get_text()
    response = _issue(client, "Bad\u0000name")
    assert response.status_code == 400


def test_issuing_twice_keeps_one_certificate_and_the_first_name(client, session):
    login(client, make_user(session))
    enroll(client)
    complete_journey(client)
    _issue(client, "First Name")
    _issue(client, "Second Name")
    [certificate] = session.exec(select(Certificate)).all()
    assert certificate.name == "First Name"
    assert certificate.hours == 2.5


def test_unknown_verification_code_is_a_404_page(client):
    response = client.get("/certificates/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404
    page = soup(response)
    assert page.select_one("h1").get_text(strip=True) == "No certificate has this code"
    assert "ZZZZ-ZZZZ-ZZZZ" in page.select_one("main").get_text()
    assert client.get("/certificates/%3Cscript%3E").status_code == 404
    assert "<script>" not in client.get("/certificates/%3Cscript%3E").text.split("<main")[1]


def test_verification_is_forgiving_and_shows_nothing_else_personal(client, session):
    user = make_user(session, email="private@example.org", display_name="Display Only")
    login(client, user)
    enroll(client)
    complete_journey(client)
    _issue(client, "Printed Name")
    code = _code(client)
    client.cookies.clear()
    response = client.get(f"/certificates/{code.lower().replace('-', '')}")
    assert response.status_code == 200
    main = soup(response).select_one("main").get_text(" ", strip=True)
    assert "Printed Name" in main
    assert "2.5" in main
    assert "valid" in main
    assert "private@example.org" not in response.text
    assert "Display Only" not in response.text


def test_only_the_owner_and_admins_download_the_pdf(client, session):
    login(client, make_user(session))
    enroll(client)
    complete_journey(client)
    _issue(client, "Owner")
    code = _code(client)
    client.cookies.clear()
    login(client, make_user(session))
    assert client.get(f"/certificates/{code}/pdf").status_code == 404
    client.cookies.clear()
    login(client, make_user(session, role="admin"))
    assert client.get(f"/certificates/{code}/pdf").status_code == 200


def test_admin_revokes_with_a_reason(client, session):
    login(client, make_user(session))
    enroll(client)
    complete_journey(client)
    _issue(client, "To Be Revoked")
    code = _code(client)
    client.cookies.clear()
    learner = make_user(session)
    login(client, learner)
    assert (
        post_form(client, f"/admin/certificates/{code}/revoke", {"reason": "x"}).status_code == 403
    )
    client.cookies.clear()
    login(client, make_user(session, role="admin"))
    listing = soup(client.get("/admin/certificates", params={"q": "To Be"}))
    assert listing.select_one(f"form[action$='/admin/certificates/{code}/revoke']") is not None
    response = post_form(client, f"/admin/certificates/{code}/revoke", {"reason": "  "})
    assert response.status_code == 400
    assert "Give a reason" in soup(response).select_one(".error-summary").get_text()
    response = post_form(
        client, f"/admin/certificates/{code}/revoke", {"reason": "Issued to the wrong account"}
    )
    assert response.status_code == 303
    public = soup(client.get(f"/certificates/{code}"))
    status = public.select_one(".certificate-card").get_text(" ", strip=True)
    assert "revoked" in status
    assert "wrong account" not in status
    session.expire_all()
    certificate = session.exec(select(Certificate)).one()
    assert certificate.revoked_reason == "Issued to the wrong account"


def test_modules_done_but_survey_missing_is_refused(client, session):
    login(client, make_user(session))
    enroll(client)
    complete_journey_modules(client)
    reason = soup(client.get(CERT_URL)).select_one(".refusal").get_text(" ", strip=True)
    assert "feedback survey is not submitted" in reason
    assert "modules" not in reason
