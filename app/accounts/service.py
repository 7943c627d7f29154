"""Account use cases: sign-up, login with throttling, password reset and change, roles.

Each function that writes commits at its end, unless its docstring says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select

from app import tokens
from app.accounts import sessions, throttle
from app.accounts.credential_hooks import credentials_changed
from app.accounts.mail import send_email
from app.accounts.models import (
    JobRole,
    LoginFailure,
    PasswordResetToken,
    Role,
    User,
)
from app.config import Settings
from app.db import id_of, utcnow
from app.security.passwords import hash_password, password_problem, verify_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOGIN_FAILED = "That email and password do not match an account. Check both and try again."


class AccountError(Exception):
    """A form that cannot be accepted: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class LoginThrottled(Exception):
    """Too many failed logins for this account or address."""

    def __init__(self, minutes: int):
        super().__init__(f"throttled for {minutes} min")
        self.minutes = minutes


@dataclass
class SignUp:
    """What the sign-up form sends."""

    email: str = ""
    password: str = ""
    display_name: str = ""
    job_role: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _validate_signup(form: SignUp) -> dict[str, str]:
    errors: dict[str, str] = {}
    email = normalize_email(form.email)
    if not EMAIL_RE.match(email) or len(email) > 320:
        errors["email"] = "Enter an email address like name@school.org."
    problem = password_problem(form.password)
    if problem:
        errors["password"] = problem
    name = " ".join(form.display_name.split())
    if not name:
        errors["display_name"] = "Enter the name you would like to be called."
    elif len(name) > 200:
        errors["display_name"] = "Use at most 200 characters for your name."
    if form.job_role not in {r.value for r in JobRole}:
        errors["job_role"] = "Choose the role that best describes your work."
    return errors


def _release_write_lock(session: Session) -> None:
    """End the (read-only so far) transaction before hashing a password.

    A POST's session takes SQLite's write lock at its first statement (BEGIN IMMEDIATE).
    argon2 costs about 50 ms of CPU, and every writer in every worker would queue behind
    it: under a burst of sign-ups the queue outgrew the busy timeout ("database is
    locked"). Nothing has been added yet, so this commits nothing; the writes that follow
    start a new transaction.
    """
    session.commit()


def sign_up(session: Session, *, settings: Settings, form: SignUp) -> User:
    """Create a learner account; raises AccountError with per-field messages."""
    errors = _validate_signup(form)
    email = normalize_email(form.email)
    if "email" not in errors and _user_by_email(session, email) is not None:
        errors["email"] = (
            "An account with this email already exists. Log in or reset your password."
        )
    if errors:
        raise AccountError(errors)
    _release_write_lock(session)
    password_hash = hash_password(form.password, settings=settings)
    user = User(
        email=email,
        display_name=" ".join(form.display_name.split()),
        password_hash=password_hash,
        job_role=JobRole(form.job_role).value,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountError(
            {"email": "An account with this email already exists. Log in or reset your password."}
        ) from None
    return user


def _user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def _throttle_keys(email: str, client_ip: str) -> list[str]:
    return [f"email:{normalize_email(email)}"[:400], f"ip:{client_ip}"[:400]]


def _recent_failures(session: Session, keys: list[str], settings: Settings) -> int:
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    counts = session.exec(
        select(LoginFailure.key, func.count())
        .where(col(LoginFailure.key).in_(keys), col(LoginFailure.created_at) >= since)
        .group_by(LoginFailure.key)
    ).all()
    return max((n for _, n in counts), default=0)


def log_in(
    session: Session, *, settings: Settings, email: str, password: str, client_ip: str
) -> tuple[User, str]:
    """Check the credentials and start a session: (user, cookie token).

    Raises LoginThrottled past the failure limit (per account and per address, counted in
    the database so every worker sees them) and AccountError with one generic message for an
    unknown email or a wrong password alike.
    """
    keys = _throttle_keys(email, client_ip)
    if _recent_failures(session, keys, settings) >= settings.login_max_failures:
        raise LoginThrottled(settings.login_window_minutes)
    user = _user_by_email(session, email)
    _release_write_lock(session)
    ok, new_hash = verify_password(
        password, user.password_hash if user else None, settings=settings
    )
    if user is None or not ok:
        now = utcnow()
        for key in keys:
            throttle.record_failure(session, key=key, now=now, settings=settings)
        session.commit()
        raise AccountError({"form": LOGIN_FAILED})
    if new_hash:
        user.password_hash = new_hash
        session.add(user)
    session.exec(delete(LoginFailure).where(col(LoginFailure.key) == keys[0]))
    token = sessions.start_session(session, user=user, days=settings.session_days)
    session.commit()
    return user, token


def log_out(session: Session, *, token: str) -> None:
    """End the login behind ``token``."""
    sessions.end_session(session, token=token)
    session.commit()


def request_password_reset(session: Session, *, settings: Settings, email: str) -> None:
    """Email a single-use reset link when the account exists; silent otherwise."""
    user = _user_by_email(session, email)
    if user is None:
        return
    token, token_hash = tokens.new_token()
    minutes = settings.reset_token_minutes
    reset_url_base = settings.base_url.rstrip("/") + "/password/reset"
    session.add(
        PasswordResetToken(
            token_hash=token_hash,
            user_id=id_of(user),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    send_email(
        session,
        settings=settings,
        to=user.email,
        subject="Reset your Groundwork password",
        body=(
            f"Hello {user.display_name},\n\n"
            "Someone (we hope you) asked to reset the password of your Groundwork account.\n"
            f"Choose a new password here within {minutes} minutes:\n\n"
            f"{reset_url_base}/{token}\n\n"
            "The link works once. If you did not ask for it, you can ignore this email.\n"
        ),
        secret=token,
    )
    session.commit()


def _valid_reset(session: Session, token: str) -> tuple[PasswordResetToken, User] | None:
    row = session.exec(
        select(PasswordResetToken, User)
        .join(User, col(User.id) == col(PasswordResetToken.user_id))
        .where(PasswordResetToken.token_hash == tokens.digest(token))
    ).first()
    if row is None:
        return None
    reset, user = row
    if reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    if reset.created_at < user.password_changed_at:
        return None  # the password changed since the link was sent
    return reset, user


def reset_token_is_valid(session: Session, *, token: str) -> bool:
    return _valid_reset(session, token) is not None


def reset_password(session: Session, *, settings: Settings, token: str, password: str) -> User:
    """Set a new password from a reset link; ends every session and API token of the user."""
    # Hashed before the link is looked up, so the write lock is not held while hashing;
    # checking the link and using it stay one transaction (a link works once, even when
    # the form is sent twice at the same moment).
    problem = password_problem(password)
    password_hash = hash_password(password, settings=settings) if problem is None else ""
    found = _valid_reset(session, token)
    if found is None:
        raise AccountError({"form": "This reset link has expired or was already used."})
    if problem is not None:
        raise AccountError({"password": problem})
    reset, user = found
    now = utcnow()
    reset.used_at = now
    user.password_hash = password_hash
    user.password_changed_at = now
    session.add_all([reset, user])
    sessions.end_other_sessions(session, user_id=id_of(user), keep_token=None)
    credentials_changed(session, user_id=id_of(user))  # e.g. revokes the user's API tokens
    session.commit()
    return user


def change_password(
    session: Session, *, settings: Settings, user: User, current: str, new: str, keep_token: str
) -> None:
    """Change the password after checking the current one; ends the user's other sessions
    and revokes their API tokens."""
    _release_write_lock(session)
    ok, _ = verify_password(current, user.password_hash, settings=settings)
    if not ok:
        raise AccountError({"current_password": "Your current password is not correct."})
    problem = password_problem(new)
    if problem:
        raise AccountError({"new_password": problem})
    password_hash = hash_password(new, settings=settings)
    db_user = session.get(User, user.id)
    assert db_user is not None
    db_user.password_hash = password_hash
    db_user.password_changed_at = utcnow()
    session.add(db_user)
    sessions.end_other_sessions(session, user_id=id_of(db_user), keep_token=keep_token)
    credentials_changed(session, user_id=id_of(db_user))  # e.g. revokes the user's API tokens
    session.commit()


def create_user(
    session: Session,
    *,
    settings: Settings,
    email: str,
    password: str,
    display_name: str,
    role: Role = Role.learner,
) -> User:
    """Create an account with any role (the CLI's way to make the first admin)."""
    form = SignUp(
        email=email,
        password=password,
        display_name=display_name,
        job_role=JobRole.other.value,
    )
    user = sign_up(session, settings=settings, form=form)
    if role != Role.learner:
        user.role = role
        session.add(user)
        session.commit()
    return user


def set_role(session: Session, *, email: str, role: Role) -> User:
    """Give the account ``email`` the role ``role``."""
    user = _user_by_email(session, email)
    if user is None:
        raise AccountError({"email": f"No account has the email {normalize_email(email)}."})
    user.role = role
    session.add(user)
    session.commit()
    return user


def user_by_email(session: Session, *, email: str) -> User | None:
    """The account with this email (case ignored), if any."""
    return _user_by_email(session, email)


def create_passwordless_user(
    session: Session, *, settings: Settings, email: str, display_name: str
) -> User:
    """A learner account whose password nobody knows, for an identity vouched for elsewhere
    (district sign-in); the caller commits. The learner can choose a password later with
    "Forgot your password?"."""
    _release_write_lock(session)
    name = " ".join(display_name.split())[:200] or normalize_email(email).partition("@")[0]
    user = User(
        email=normalize_email(email),
        display_name=name,
        password_hash=hash_password(tokens.random_token(), settings=settings),
        job_role=JobRole.other.value,
    )
    session.add(user)
    return user


def lock_out_password(session: Session, *, settings: Settings, user: User) -> None:
    """Give the account a password nobody knows and end its logins ("Forgot your password?"
    sets a new one); the caller commits."""
    user.password_hash = hash_password(tokens.random_token(), settings=settings)
    user.password_changed_at = utcnow()
    session.add(user)
    sessions.end_other_sessions(session, user_id=id_of(user), keep_token=None)
    credentials_changed(session, user_id=id_of(user))


def start_login(session: Session, *, settings: Settings, user: User) -> str:
    """Log ``user`` in without a password (their identity was checked elsewhere); returns
    the cookie token. Commits."""
    token = sessions.start_session(session, user=user, days=settings.session_days)
    session.commit()
    return token
