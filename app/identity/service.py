"""Email verification: links that prove an address, their throttle, and email changes.

``is_verified(user)`` is the one home of the rule "this account's email is proven"; every
other package asks it. Each function that writes commits at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from app import tokens
from app.accounts import service as accounts
from app.accounts.mail import send_email
from app.accounts.models import User
from app.config import Settings
from app.db import id_of, utcnow
from app.identity.models import EmailVerification
from app.security.passwords import verify_password

LINK_HOURS = 48
# Counted over the email_verification rows (so every worker sees them): one link a minute to
# an address, and five a day per account, sign-up and email changes included.
RESEND_SECONDS = 60
LINKS_PER_DAY = 5
ADDRESS_TAKEN = "Another account already uses this email address."


class VerificationRefused(Exception):
    """A link or a send that cannot be accepted; the message is written for the page."""

    status_code = 400


class VerificationThrottled(VerificationRefused):
    """Too many links asked for this account; the message says when to try again."""

    status_code = 429


@dataclass(frozen=True)
class Verified:
    """What following a link did: ``old_email`` is set when the account's email changed."""

    user_id: int
    email: str
    old_email: str | None


@dataclass(frozen=True)
class VerificationStatus:
    """What the account page shows: proven or not, and an email change waiting for its link."""

    verified: bool
    pending_email: str | None


def is_verified(user: User) -> bool:
    """Whether the account's current email has been proven by a followed link."""
    return user.email_verified_at is not None


def _verify_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}/verify-email/{token}"


def _check_throttle(session: Session, *, user_id: int, email: str) -> None:
    """Refuse a link to ``email`` within a minute of the last one there, or any link past
    five in a day (so a typo can be fixed at once, but nobody is flooded)."""
    # Lock the user's row (PostgreSQL) so that two sends at once are counted one after the
    # other; SQLite's write transaction already serialises them.
    session.exec(select(User.id).where(User.id == user_id).with_for_update()).one()
    now = utcnow()
    sent = session.exec(
        select(EmailVerification.created_at, EmailVerification.email)
        .where(
            EmailVerification.user_id == user_id,
            col(EmailVerification.created_at) > now - timedelta(days=1),
        )
        .order_by(col(EmailVerification.created_at).desc())
    ).all()
    last_here = next((at for at, address in sent if address == email), None)
    if last_here is not None and last_here > now - timedelta(seconds=RESEND_SECONDS):
        wait = max(RESEND_SECONDS - int((now - last_here).total_seconds()), 1)
        raise VerificationThrottled(
            f"We sent a link to {email} a moment ago. Please check that inbox (and its spam "
            f"folder), or wait {wait} second{'s' if wait > 1 else ''} before asking for another."
        )
    if len(sent) >= LINKS_PER_DAY:
        # The oldest of the day's links leaves the window a day after it was sent.
        again = (sent[LINKS_PER_DAY - 1][0] + timedelta(days=1, minutes=1)).strftime("%H:%M")
        raise VerificationThrottled(
            f"We have sent {LINKS_PER_DAY} links to this account today, the most we send in "
            f"a day. Please use one of them, or ask again after {again} UTC."
        )


def _send_link(
    session: Session, *, settings: Settings, user: User, email: str, subject: str, intro: str
) -> None:
    """Store a new link for ``email`` and mail it there (not committed)."""
    token, token_hash = tokens.new_token()
    session.add(
        EmailVerification(
            token_hash=token_hash,
            user_id=id_of(user),
            email=email,
            expires_at=utcnow() + timedelta(hours=LINK_HOURS),
        )
    )
    send_email(
        session,
        settings=settings,
        to=email,
        subject=subject,
        body=(
            f"Hello {user.display_name},\n\n{intro}\n\n"
            f"{_verify_url(settings, token)}\n\n"
            f"The link works once, for {LINK_HOURS} hours. If you did not ask for it, you can "
            "ignore this email.\n"
        ),
        secret=token,
    )


def start_verification(
    session: Session, *, settings: Settings, user: User, email: str | None = None
) -> None:
    """Email a link proving ``email`` (default: the account's own address) for ``user``.

    A link for another address is an email change: it replaces any earlier change link.
    Raises VerificationThrottled past the resend limits, and VerificationRefused when the
    account's address is already verified.
    """
    address = accounts.normalize_email(email or user.email)
    if address == user.email and is_verified(user):
        raise VerificationRefused(f"Your email address {user.email} is already verified.")
    _check_throttle(session, user_id=id_of(user), email=address)
    if address == user.email:
        subject = "Confirm your email address for Groundwork"
        intro = (
            f"Please confirm that {address} is your email address by opening this link and "
            "pressing the button on the page:"
        )
    else:
        _retire_links(session, user_id=id_of(user), keep_email=user.email)
        subject = "Confirm your new email address for Groundwork"
        intro = (
            f"You asked to change the email address of your Groundwork account to {address}. "
            "Your account keeps its current address until you open this link and press the "
            "button on the page:"
        )
    _send_link(session, settings=settings, user=user, email=address, subject=subject, intro=intro)
    session.commit()


def request_email_change(
    session: Session, *, settings: Settings, user: User, new_email: str, password: str
) -> None:
    """Send a link to ``new_email``; the account's email changes only when it is followed.

    Raises accounts.AccountError (fields ``new_email``, ``password``) or
    VerificationThrottled. Whether another account holds the address is said only after the
    password is right, and in the words the sign-up form already uses.
    """
    address = accounts.normalize_email(new_email)
    if not accounts.EMAIL_RE.match(address) or len(address) > 320:
        raise accounts.AccountError({"new_email": "Enter an email address like name@school.org."})
    if address == user.email:
        raise accounts.AccountError({"new_email": "This is already your email address."})
    session.commit()  # hold no write lock while argon2 runs (see accounts._release_write_lock)
    ok, _ = verify_password(password, user.password_hash, settings=settings)
    if not ok:
        raise accounts.AccountError({"password": "Your current password is not correct."})
    if _holder_of(session, address) is not None:
        raise accounts.AccountError({"new_email": ADDRESS_TAKEN})
    start_verification(session, settings=settings, user=user, email=address)


def _holder_of(session: Session, email: str) -> int | None:
    return session.exec(select(User.id).where(User.email == email)).first()


def _retire_links(session: Session, *, user_id: int, keep_email: str | None) -> None:
    """Mark the user's unused links as used, except those for ``keep_email``."""
    stmt = update(EmailVerification).where(
        col(EmailVerification.user_id) == user_id, col(EmailVerification.used_at).is_(None)
    )
    if keep_email is not None:
        stmt = stmt.where(col(EmailVerification.email) != keep_email)
    session.exec(stmt.values(used_at=utcnow()))


def address_of_link(session: Session, *, token: str) -> str:
    """The address a link would prove, for the confirmation page; VerificationRefused if the
    link cannot be used. Writes nothing (mail scanners open links)."""
    link, _ = _usable_link(session, token=token)
    return link.email


def _usable_link(
    session: Session, *, token: str, lock: bool = False
) -> tuple[EmailVerification, User]:
    query = (
        select(EmailVerification, User)
        .join(User, col(User.id) == col(EmailVerification.user_id))
        .where(EmailVerification.token_hash == tokens.digest(token))
    )
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise VerificationRefused(
            "This link is not one we sent. Check that you copied the whole link from the email."
        )
    link, user = row
    if link.used_at is not None:
        raise VerificationRefused(
            "This link has already been used, or a newer link replaced it. Your account page "
            "shows whether your email address is verified."
        )
    if link.expires_at <= utcnow():
        raise VerificationRefused(
            f"This link has expired: links work for {LINK_HOURS} hours. Log in and send a new "
            "one from your account page."
        )
    return link, user


def verify(session: Session, *, settings: Settings, token: str) -> Verified:
    """Follow a link: verify the account's email, or make an email change take effect and
    tell the old address. Single use; raises VerificationRefused with the reason."""
    link, user = _usable_link(session, token=token, lock=True)
    now = utcnow()
    link.used_at = now
    session.add(link)
    if link.email == user.email:
        user.email_verified_at = user.email_verified_at or now
        session.add(user)
        session.commit()
        return Verified(user_id=id_of(user), email=user.email, old_email=None)
    old_email = user.email
    user.email, user.email_verified_at = link.email, now
    session.add(user)
    try:
        # Written before the old address is told: the unique email refuses an address that
        # another account took since the link was sent.
        session.flush()
    except IntegrityError:
        session.rollback()
        raise VerificationRefused(f"{ADDRESS_TAKEN} Your email address was not changed.") from None
    _retire_links(session, user_id=id_of(user), keep_email=None)
    _tell_old_address(session, settings=settings, user=user, old_email=old_email)
    session.commit()
    return Verified(user_id=id_of(user), email=user.email, old_email=old_email)


def _tell_old_address(session: Session, *, settings: Settings, user: User, old_email: str) -> None:
    send_email(
        session,
        settings=settings,
        to=old_email,
        subject="The email address of your Groundwork account has changed",
        body=(
            f"Hello {user.display_name},\n\n"
            f"The email address of your Groundwork account changed from {old_email} to "
            f"{user.email}, confirmed through a link sent to the new address. From now on, "
            "log in with the new address.\n\n"
            "If you did not make this change, reply to this email or contact your Groundwork "
            "administrator at once.\n"
        ),
    )


def verification_status(session: Session, *, user: User) -> VerificationStatus:
    """Whether the account's email is verified, and the address of a pending change."""
    pending = session.exec(
        select(EmailVerification.email)
        .where(
            EmailVerification.user_id == id_of(user),
            EmailVerification.email != user.email,
            col(EmailVerification.used_at).is_(None),
            col(EmailVerification.expires_at) > utcnow(),
        )
        .order_by(col(EmailVerification.created_at).desc())
        .limit(1)
    ).first()
    return VerificationStatus(verified=is_verified(user), pending_email=pending)


def vouched_for(user: User) -> None:
    """Count the account's email as verified because an identity provider vouched for it
    (district sign-in said ``email_verified``); the caller commits."""
    user.email_verified_at = user.email_verified_at or utcnow()
