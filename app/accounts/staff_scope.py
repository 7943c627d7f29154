"""Staff scope: a staff account covers all organizations or exactly one.

Every staff queue, report and export filters learners through ``scope_condition`` so that a
partner district's facilitators see only their own district's learners. Admins see all.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col

from app.accounts.models import User
from app.accounts.permissions import Permission, can


def organization_scope(user: User) -> int | None:
    """The one organization this staff account covers; None means every organization."""
    if can(user, Permission.admin):
        return None
    return user.staff_organization_id


def scope_condition(user: User, organization_column: Any) -> Any | None:
    """A WHERE condition limiting learners' ``organization_column`` to the scope, or None."""
    scope = organization_scope(user)
    if scope is None:
        return None
    return col(organization_column) == scope


def may_see_organization(user: User, organization_id: int | None) -> bool:
    """True when a learner of ``organization_id`` is inside this staff account's scope."""
    scope = organization_scope(user)
    return scope is None or scope == organization_id
