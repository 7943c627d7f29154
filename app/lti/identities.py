"""Which Groundwork account an LMS user (``iss`` + ``sub``) is: the one rule that the launch
(app/lti/service.py) and the roster sync (app/lti/nrps.py) both follow.

- A user linked before is that account, unless it is one that an LMS may not open
  (``sso.protected_account``: administrators, authors, other districts' staff, members of
  another organization).
- Otherwise the platform's word about an email address counts only at a domain that the
  platform's organization has verified. There an existing account is linked when Groundwork
  has verified its address, and a new account gets the address, already vouched for.
- Anywhere else the new account gets a synthetic address (``lti-…@lti.invalid``) and the
  claimed address is not used: a platform cannot claim somebody else's account, or make an
  account at an address whose owner could later reset its password and share it with
  whoever launches as that ``sub``.
"""

from __future__ import annotations

from sqlmodel import Session, select

from app import tokens
from app.accounts import service as accounts
from app.accounts.models import User
from app.accounts.permissions import Permission, can
from app.config import Settings
from app.db import id_of
from app.identity import service as identity
from app.lti.models import LtiPlatform, LtiPlatformUser
from app.orgs import service as orgs
from app.sso import service as sso


class NotLinked(Exception):
    """The LMS user cannot be this account. ``reason``: "role" (an account an LMS never
    opens), "member" (a member of another organization), "staff" (a staff account, which a
    roster never links), "unproven" (an account at that address whose ownership is not
    proven for this district)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def synthetic_email(platform: LtiPlatform, subject: str) -> str:
    return f"lti-{id_of(platform)}-{tokens.digest(subject)[:24]}@lti.invalid"


def domain_vouched(session: Session, platform: LtiPlatform, email: str) -> bool:
    """The email's domain is one the platform's organization has verified."""
    found = orgs.organization_for_domain(session, email=email)
    return found is not None and found.id == platform.organization_id


def _check(user: User, platform: LtiPlatform, *, roster: bool) -> None:
    problem = sso.protected_account(user, organization_id=platform.organization_id)
    if problem:
        raise NotLinked(problem)
    if roster and (can(user, Permission.view_reports) or can(user, Permission.author_preview)):
        raise NotLinked("staff")


def linked(session: Session, platform: LtiPlatform, subject: str) -> LtiPlatformUser | None:
    return session.exec(
        select(LtiPlatformUser).where(
            LtiPlatformUser.platform_id == id_of(platform), LtiPlatformUser.subject == subject
        )
    ).first()


def account_for(
    session: Session,
    *,
    settings: Settings,
    platform: LtiPlatform,
    subject: str,
    claimed_email: str,
    name: str,
    roster: bool = False,
) -> tuple[User, bool]:
    """The account for this LMS user, linking or making it (not committed); (account, made
    now). Raises NotLinked. ``roster``: a roster sync, which never links staff accounts."""
    link = linked(session, platform, subject)
    if link is not None:
        found = session.get(User, link.user_id)
        if found is None:  # pragma: no cover - a foreign key
            raise NotLinked("role")
        _check(found, platform, roster=roster)
        return found, False
    email = accounts.normalize_email(claimed_email)
    vouched = bool(accounts.EMAIL_RE.match(email)) and domain_vouched(session, platform, email)
    if not vouched:
        email = synthetic_email(platform, subject)
    user = accounts.user_by_email(session, email=email)
    made = user is None
    if user is None:
        user = accounts.create_passwordless_user(
            session, settings=settings, email=email, display_name=name.strip()
        )
        session.flush()
        if vouched:
            identity.vouched_for(user)
    else:
        _check(user, platform, roster=roster)
        if not (vouched and identity.is_verified(user)):
            raise NotLinked("unproven")
    session.add(LtiPlatformUser(platform_id=id_of(platform), subject=subject, user_id=id_of(user)))
    return user, made
