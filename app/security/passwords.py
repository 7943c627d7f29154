"""The only place passwords are hashed or checked (argon2id through libpass)."""

from __future__ import annotations

from functools import lru_cache

from passlib.context import CryptContext

from app.config import Settings

MIN_LENGTH = 8
MAX_LENGTH = 1024


@lru_cache(maxsize=4)
def _context(memory_kib: int, rounds: int) -> CryptContext:
    # Raising the cost makes needs_rehash() true for older hashes, which are upgraded at
    # the next login.
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__memory_cost=memory_kib,
        argon2__rounds=rounds,
        argon2__parallelism=1,
    )


def _current(settings: Settings) -> CryptContext:
    """The context for the configured cost (GROUNDWORK_ARGON2_MEMORY_KIB and _ROUNDS)."""
    return _context(settings.argon2_memory_kib, settings.argon2_rounds)


@lru_cache(maxsize=4)
def _dummy_hash(context: CryptContext) -> str:
    hashed: str = context.hash("no account has this password: 7f3a0c2e")
    return hashed


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or None. Any Unicode; never truncated."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters for your password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH:,} characters for your password."
    if "\x00" in password:
        return "Your password cannot contain a NUL character."
    return None


def hash_password(password: str, *, settings: Settings) -> str:
    """An argon2id hash of ``password`` at the cost ``settings`` give."""
    hashed: str = _current(settings).hash(password)
    return hashed


def verify_password(
    password: str, password_hash: str | None, *, settings: Settings
) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one uses other parameters than ``settings``).

    ``None`` stands for an account that does not exist: a hash of a random password is
    checked instead, so an unknown email costs the same time as a wrong password.
    """
    context = _current(settings)
    if len(password) > MAX_LENGTH:
        return False, None
    if password_hash is None:
        context.verify(password, _dummy_hash(context))
        return False, None
    matches, new_hash = context.verify_and_update(password, password_hash)
    return bool(matches), new_hash
