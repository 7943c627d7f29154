"""The courses' call to action leads to the inquiry form: the site footer, the course page
once completed, and the certificate page."""

from __future__ import annotations

from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.learning.support import JOURNEY, complete_journey, enroll
from tests.learning.support import serve_fixture_courses as serve_fixture_courses

FORM_URL = "/bring-groundwork"


def _links_to_form(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get_text(" ", strip=True) for a in soup(response).select(f"a[href='{FORM_URL}']")]


def test_the_footer_links_to_the_form_on_every_page(client):
    for url in ("/", "/courses", "/login", FORM_URL):
        footer = soup(client.get(url)).select_one("footer.site-footer")
        assert footer.select_one(f"a[href='{FORM_URL}']"), url


def test_completing_a_course_offers_the_form_on_the_course_and_certificate_pages(client, session):
    login(client, make_user(session))
    enroll(client)
    course_url = f"/courses/{JOURNEY}"
    assert "Tell us about your district" not in _links_to_form(client.get(course_url))
    complete_journey(client)
    assert "Tell us about your district" in _links_to_form(client.get(course_url))
    certificate_url = f"{course_url}/certificate"
    issued = post_form(client, certificate_url, {"name": "Pat Doe", "confirmed": "yes"})
    assert issued.status_code == 303
    assert "Tell us about your district" in _links_to_form(client.get(certificate_url))
