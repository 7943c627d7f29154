"""Admin user management: search, set role and staff scope."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlmodel import Session

from app.accounts.models import User
from tests.factories import make_user
from tests.helpers import login, post_form
from tests.reflections.conftest import make_org


def _fresh(session: Session, user_id: int) -> User:
    session.commit()
    user = session.get(User, user_id, populate_existing=True)
    session.commit()
    return user


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return [th.get_text() for th in BeautifulSoup(response.text, "html.parser").select("tbody th")]


def test_admin_lists_and_searches_users(client, session: Session):
    admin = make_user(session, role="admin", display_name="Ada Admin")
    make_user(session, display_name="Bea Learner", email="bea@district.org")
    make_user(session, display_name="Cy <script>", email="cy@other.org", role="staff")
    login(client, admin)
    assert _names(client.get("/admin/users")) == ["Ada Admin", "Bea Learner", "Cy <script>"]
    assert _names(client.get("/admin/users?q=DISTRICT")) == ["Bea Learner"]
    assert _names(client.get("/admin/users?role=staff")) == ["Cy <script>"]
    assert _names(client.get("/admin/users?q=%25")) == []  # "%" is a literal, not a wildcard


def test_admin_sets_role_and_scope(client, session: Session):
    admin = make_user(session, role="admin")
    org = make_org(session, "Riverside USD")
    person = make_user(session)
    login(client, admin)
    response = post_form(
        client, f"/admin/users/{person.id}", {"role": "staff", "staff_organization": str(org.id)}
    )
    assert response.status_code == 303
    changed = _fresh(session, person.id)
    assert changed.role == "staff"
    assert changed.staff_organization_id == org.id
    page = client.get("/admin/users")
    assert "is now staff" in page.text
    post_form(client, f"/admin/users/{person.id}", {"role": "staff", "staff_organization": ""})
    assert _fresh(session, person.id).staff_organization_id is None


def test_admin_changes_are_checked(client, session: Session):
    admin = make_user(session, role="admin")
    person = make_user(session)
    login(client, admin)
    post_form(client, f"/admin/users/{person.id}", {"role": "emperor"})
    assert "Choose one of the roles" in client.get("/admin/users").text
    assert _fresh(session, person.id).role == "learner"
    post_form(client, f"/admin/users/{person.id}", {"role": "staff", "staff_organization": "999"})
    assert "organization does not exist" in client.get("/admin/users").text
    post_form(client, f"/admin/users/{admin.id}", {"role": "learner"})
    assert "cannot take the admin role away from yourself" in client.get("/admin/users").text
    assert _fresh(session, admin.id).role == "admin"
    assert post_form(client, "/admin/users/99999", {"role": "staff"}).status_code == 303
    assert "does not exist" in client.get("/admin/users").text


def test_only_admins_manage_users(client, session: Session):
    staff = make_user(session, role="staff")
    login(client, staff)
    assert client.get("/admin/users").status_code == 403
    assert post_form(client, f"/admin/users/{staff.id}", {"role": "admin"}).status_code == 403
    assert _fresh(session, staff.id).role == "staff"
