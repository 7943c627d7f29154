"""The one permission policy: what each role may do, by named permission.

Routes ask for a permission (``deps.require(Permission.view_reports)``, or the
``StaffUser``/``OrgManagerUser``/``AuthorUser``/``AdminUser`` aliases), the API maps each
token scope to one, and services call ``can(user, ...)``. No other module lists roles: a
new role, or a role that gains a power, changes ``GRANTS`` and nothing else.
``tests/test_one_home.py`` fails when a set of roles appears anywhere else.

Permissions say *what* a user may do; the staff scope (``app/accounts/staff_scope.py``)
says *whose* data: a staff account of one organization holds ``view_reports`` but sees
only its own organization's learners.
"""

from __future__ import annotations

from enum import StrEnum

from app.accounts.models import Role, User


class Permission(StrEnum):
    view_reports = "view_reports"  # staff reports, shared reflections, enrollment exports
    manage_org = "manage_org"  # organizations, cohorts, invites, assignments, district sign-in
    issue_api_tokens = "issue_api_tokens"  # make API tokens for one's own account
    author_preview = "author_preview"  # draft courses and answer keys in previews
    facilitate = "facilitate"  # read every discussion in reach; pin, lock, hide, endorse, move
    admin = "admin"  # users, roles, every organization, other accounts' tokens and certificates


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.learner: frozenset(),
    Role.author: frozenset({Permission.author_preview}),
    Role.staff: frozenset(
        {
            Permission.view_reports,
            Permission.manage_org,
            Permission.issue_api_tokens,
            Permission.facilitate,
        }
    ),
    Role.admin: frozenset(Permission),
}


def role_can(role: Role, permission: Permission) -> bool:
    """Whether accounts of ``role`` hold ``permission``."""
    return permission in GRANTS[role]


def can(user: User | None, permission: Permission) -> bool:
    """Whether ``user`` (None: a visitor) holds ``permission``."""
    return user is not None and role_can(user.role, permission)


def roles_with(permission: Permission) -> frozenset[Role]:
    """The roles holding ``permission``, for a query (``col(User.role).in_(...)``)."""
    return frozenset(role for role, granted in GRANTS.items() if permission in granted)
