"""Plain factory functions for test data."""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

from sqlmodel import Session

from app.accounts.models import Role, User
from app.orgs.models import Cohort
from app.security.passwords import hash_password
from tests.settings_support import make_settings

DEFAULT_PASSWORD = "correct horse battery"
_seq = itertools.count(1)
# The suite's cheap argon2 cost: an app under test may use other settings, and a login
# against this hash then upgrades it (as in production after a cost change).
_SETTINGS = make_settings()


@lru_cache
def _hash(password: str) -> str:
    return hash_password(password, settings=_SETTINGS)


def make_user(session: Session, *, password: str = DEFAULT_PASSWORD, **overrides: Any) -> User:
    """A saved user; ``password`` is the plain password to log in with."""
    n = next(_seq)
    fields: dict[str, Any] = {
        "email": f"user{n}@example.org",
        "display_name": f"Test User {n}",
        "role": "learner",
        "job_role": "teacher",
        "password_hash": _hash(password),
    }
    fields.update(overrides)
    fields["role"] = Role(fields["role"])  # a typo in a test fails here, not in the database
    user = User(**fields)
    session.add(user)
    session.commit()  # ends the transaction: the test's next read sees what the app wrote
    return user


def make_cohort(
    session: Session, *, code: str, course_id: int, organization_id: int | None = None
) -> Cohort:
    """A saved cohort whose code enrollments can carry (named like its code)."""
    cohort = Cohort(organization_id=organization_id, course_id=course_id, name=code, code=code)
    session.add(cohort)
    session.commit()
    return cohort
