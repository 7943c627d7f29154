"""Admin use cases: find users, and set a user's role and staff scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from app.accounts.models import Organization, Role, User
from app.accounts.permissions import Permission, role_can

PAGE_SIZE = 50


class AdminError(Exception):
    """A change an admin asked for that cannot be made, with the reason."""


@dataclass(frozen=True)
class UserRow:
    """One user in the admin list."""

    user: User
    organization: str
    staff_scope: str  # "All organizations" or the organization's name


@dataclass(frozen=True)
class UserPage:
    """A page of users and how many match."""

    rows: list[UserRow]
    total: int
    page: int
    pages: int


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.casefold()}%"


def list_users(session: Session, *, search: str = "", role: str = "", page: int = 1) -> UserPage:
    """Users whose name or email contains ``search`` (any case), optionally of one role."""
    stmt = select(User)
    term = " ".join(search.split())[:200]
    if term:
        pattern = _like(term)
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    wanted = Role.parse(role)
    if wanted is not None:
        stmt = stmt.where(col(User.role) == wanted)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    users = session.exec(
        stmt.order_by(col(User.display_name), col(User.id))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    names = dict(session.exec(select(Organization.id, Organization.name)).all())
    rows = [
        UserRow(
            user=u,
            organization=names.get(u.organization_id, "") if u.organization_id else "",
            staff_scope=(
                names.get(u.staff_organization_id, "?")
                if u.staff_organization_id
                else "All organizations"
            ),
        )
        for u in users
    ]
    return UserPage(rows, total, page, pages)


def organizations(session: Session) -> list[tuple[int, str]]:
    """Every organization (id, name), by name."""
    rows = session.exec(select(Organization.id, Organization.name).order_by(Organization.name))
    return [(i, n) for i, n in rows.all() if i is not None]


def set_role_and_scope(
    session: Session,
    *,
    admin: User,
    user_id: int,
    role: str,
    staff_organization_id: int | None,
) -> User:
    """Give a user a role and (for staff) the organization scope; None = all organizations."""
    user = session.get(User, user_id)
    if user is None:
        raise AdminError("That user does not exist.")
    new_role = Role.parse(role)
    if new_role is None:
        raise AdminError("Choose one of the roles in the list.")
    if user.id == admin.id and not role_can(new_role, Permission.admin):
        raise AdminError("You cannot take the admin role away from yourself.")
    if (
        staff_organization_id is not None
        and session.get(Organization, staff_organization_id) is None
    ):
        raise AdminError("That organization does not exist.")
    user.role = new_role
    user.staff_organization_id = staff_organization_id
    session.add(user)
    session.commit()
    return user
