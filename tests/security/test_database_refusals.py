"""PostgreSQL refuses NUL characters (and integers past its column types) where SQLite
accepts them: the answer is a 400 page, never a 500, and the error page rendered after a
failed commit still knows who is logged in. Run with ``--postgres`` to see the refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from app.certificates.models import Certificate
from tests.helpers import login, post_form, soup
from tests.security.conftest import World


def test_nul_bytes_never_crash_and_the_error_page_knows_the_user(world: World, session) -> None:
    """PostgreSQL refuses NUL: a 400 page (still showing who is logged in); SQLite keeps it."""
    admin = world.client_for("admin")
    code = world.certificate_code
    response = post_form(admin, f"/admin/certificates/{code}/revoke", {"reason": "typo\x00"})
    assert response.status_code in (303, 400)
    if response.status_code == 400:
        page = soup(response)
        assert "NUL character" in page.get_text()
        assert world.admin.display_name in page.select_one("header").get_text()
        session.expire_all()
        cert = session.exec(select(Certificate).where(Certificate.code == code)).one()
        assert cert.revoked_at is None
    for url in ("/admin/users?q=a%00b", "/admin/certificates?q=%00", "/certificates/a%00b"):
        assert admin.get(url).status_code in (200, 400, 404), url
    staff = world.client_for("staff_a")
    assert staff.get("/staff/reflections?course=%00&prompt=a%00").status_code in (200, 400)
    with TestClient(world.app, follow_redirects=False) as visitor:  # type: ignore[arg-type]
        attempt = post_form(visitor, "/login", {"email": "a\x00@example.org", "password": "x"})
        assert attempt.status_code == 400


def test_log_in_after_the_nul_refusal_still_works(world: World) -> None:
    """The refused request left no broken transaction behind."""
    with TestClient(world.app, follow_redirects=False) as visitor:  # type: ignore[arg-type]
        post_form(visitor, "/login", {"email": "a\x00@example.org", "password": "x"})
        login(visitor, world.learner_a)
        assert visitor.get("/me").status_code == 200
