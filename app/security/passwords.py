"""The only place passwords are hashed or checked (argon2id through libpass)."""

from __future__ import annotations

from passlib.context import CryptContext

MIN_LENGTH = 8
MAX_LENGTH = 1024

# OWASP's argon2id minimum: 19 MiB, two passes, one lane. Raising these makes
# needs_rehash() true for older hashes, which are upgraded at the next login.
_context = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19456,
    argon2__rounds=2,
    argon2__parallelism=1,
)


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or None. Any Unicode; never truncated."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters for your password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH:,} characters for your password."
    if "\x00" in password:
        return "Your password cannot contain a NUL character."
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _context.hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one uses outdated parameters)."""
    if len(password) > MAX_LENGTH:
        return False, None
    return _context.verify_and_update(password, password_hash)


# A hash of a random password to verify against when the account does not exist, so an
# unknown email costs the same time as a wrong password.
DUMMY_HASH = hash_password("no account has this password: 7f3a0c2e")
