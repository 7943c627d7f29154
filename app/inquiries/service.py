"""District inquiries: check and store the public form, tell the admins, confirm to the
inquirer, list them for admins and mark them answered.

Each function that writes commits at its end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, col, delete, func, select

from app.accounts.mail import send_email
from app.accounts.models import User
from app.accounts.permissions import Permission, roles_with
from app.accounts.service import EMAIL_RE, normalize_email
from app.config import Settings
from app.db import id_of, utcnow
from app.inquiries.models import (
    DISTRICT_SIZE_LABELS,
    DistrictInquiry,
    DistrictSize,
    InquiryAttempt,
    InquiryStatus,
)
from app.notifications import service as notifications

log = logging.getLogger("groundwork.inquiries")

MAX_PER_WINDOW = 5  # stored inquiries per client address, and per email address
WINDOW = timedelta(hours=1)
NAME_MAX = 200
MESSAGE_MAX = 5000
LIST_LIMIT = 200


class InquiryError(Exception):
    """A form that cannot be accepted: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class InquiryThrottled(Exception):
    """Too many inquiries from this address or for this email in the window."""


class InquiryNotFound(Exception):
    """No inquiry has that id."""


@dataclass
class InquiryForm:
    """What the inquiry form sends (as typed, so a refused form shows it again)."""

    name: str = ""
    job_title: str = ""
    district: str = ""
    district_size: str = ""
    email: str = ""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InquiryList:
    """The newest inquiries (at most ``LIST_LIMIT``), each with the name of the admin who
    answered it, and how many there are in all."""

    inquiries: list[tuple[DistrictInquiry, str | None]]
    total: int
    new: int


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _validate(form: InquiryForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    single_lines = (
        ("name", "Enter your name.", "your name"),
        ("job_title", "Enter your role, for example “Director of assessment”.", "your role"),
        ("district", "Enter the name of your district or organization.", "the district"),
    )
    for name, missing, what in single_lines:
        value = _one_line(getattr(form, name))
        if not value:
            errors[name] = missing
        elif len(value) > NAME_MAX:
            errors[name] = f"Use at most {NAME_MAX} characters for {what}."
    if form.district_size not in {s.value for s in DistrictSize}:
        errors["district_size"] = "Choose about how many students your district serves."
    email = normalize_email(form.email)
    if not EMAIL_RE.match(email) or len(email) > 320:
        errors["email"] = "Enter an email address like name@district.org, so we can reply."
    message = form.message.strip()
    if not message:
        errors["message"] = "Tell us a little about what your district is looking for."
    elif len(message) > MESSAGE_MAX:
        errors["message"] = (
            f"Use at most {MESSAGE_MAX:,} characters (this message has {len(message):,})."
        )
    # PostgreSQL cannot store a NUL character (SQLite can): refused alike on both, here,
    # where the form can still show what was typed.
    for name in ("name", "job_title", "district", "email", "message"):
        if "\x00" in getattr(form, name):
            errors[name] = "Remove the invisible NUL character from this field."
    return errors


def _throttle_keys(email: str, client_ip: str) -> list[str]:
    return [f"email:{normalize_email(email)}"[:400], f"ip:{client_ip}"[:400]]


def _is_throttled(session: Session, keys: list[str]) -> bool:
    since = utcnow() - WINDOW
    counts = session.exec(
        select(InquiryAttempt.key, func.count())
        .where(col(InquiryAttempt.key).in_(keys), col(InquiryAttempt.created_at) >= since)
        .group_by(InquiryAttempt.key)
    ).all()
    return max((n for _, n in counts), default=0) >= MAX_PER_WINDOW


def submit_inquiry(
    session: Session, *, settings: Settings, form: InquiryForm, client_ip: str, honeypot: str
) -> DistrictInquiry | None:
    """Store the inquiry, email it to every admin and confirm to the inquirer.

    Returns None, storing and sending nothing, when the hidden honeypot field was filled
    (a form-filling robot: it is shown the same thank-you page). Raises InquiryError with
    per-field messages, and InquiryThrottled past ``MAX_PER_WINDOW`` stored inquiries per
    client address or email address within ``WINDOW``.
    """
    if honeypot:
        log.info("Inquiry with the honeypot filled, from %s: dropped", client_ip)
        return None
    errors = _validate(form)
    if errors:
        raise InquiryError(errors)
    keys = _throttle_keys(form.email, client_ip)
    if _is_throttled(session, keys):
        raise InquiryThrottled()
    session.exec(delete(InquiryAttempt).where(col(InquiryAttempt.created_at) < utcnow() - WINDOW))
    session.add_all([InquiryAttempt(key=key) for key in keys])
    inquiry = DistrictInquiry(
        name=_one_line(form.name),
        job_title=_one_line(form.job_title),
        district=_one_line(form.district),
        district_size=DistrictSize(form.district_size),
        email=normalize_email(form.email),
        message=form.message.strip(),
    )
    session.add(inquiry)
    admins = [
        (user_id, email)
        for user_id, email in session.exec(
            select(User.id, User.email)
            .where(col(User.role).in_(roles_with(Permission.admin)))
            .order_by(col(User.id))
        ).all()
        if user_id is not None
    ]
    takers = notifications.wants(
        session, user_ids=[i for i, _ in admins], kind=notifications.INQUIRY_NOTICE.key
    )
    admins = [(i, email) for i, email in admins if i in takers]
    # Stored before any email: an SMTP server that answers slowly (or not at all) never
    # holds the database's write lock, and cannot lose the inquiry.
    session.commit()
    _tell_admins(session, settings=settings, inquiry=inquiry, addresses=admins)
    _confirm(session, settings=settings, inquiry=inquiry)
    session.commit()
    return inquiry


def _tell_admins(
    session: Session,
    *,
    settings: Settings,
    inquiry: DistrictInquiry,
    addresses: list[tuple[int, str]],
) -> None:
    if not addresses:
        log.warning("District inquiry %s stored, but no admin account exists to tell", inquiry.id)
    page = settings.base_url.rstrip("/") + f"/admin/inquiries#inquiry-{id_of(inquiry)}"
    body = (
        "Someone asked about bringing Groundwork to their district.\n\n"
        f"Name: {inquiry.name}\n"
        f"Role: {inquiry.job_title}\n"
        f"District: {inquiry.district}\n"
        f"Size: {DISTRICT_SIZE_LABELS[inquiry.district_size]}\n"
        f"Email: {inquiry.email}\n\n"
        f"Message:\n{inquiry.message}\n\n"
        f"Reply to {inquiry.email}, then mark the inquiry answered at:\n{page}\n"
    )
    for admin_id, address in addresses:
        url = notifications.unsubscribe_url(
            base_url=settings.base_url,
            secret=settings.secret_key,
            user_id=admin_id,
            kind=notifications.INQUIRY_NOTICE.key,
        )
        send_email(
            session,
            settings=settings,
            to=address,
            subject=f"District inquiry: {inquiry.district}"[:300],
            body=body + f"\nTo stop these emails, open {url}\n",
            headers=notifications.unsubscribe_headers(url),
        )


def _confirm(session: Session, *, settings: Settings, inquiry: DistrictInquiry) -> None:
    # Nothing the form's sender typed is repeated here: anyone can put anyone's address in
    # the form, and a confirmation that echoed the message would carry their text to it.
    send_email(
        session,
        settings=settings,
        to=inquiry.email,
        subject="We received your message about Groundwork for your district",
        body=(
            "Hello,\n\n"
            "Thank you for asking about bringing Groundwork to your district. Your message\n"
            "reached our team, and one of us will reply to this address, usually within a\n"
            "few working days.\n\n"
            "If you did not send this message, someone else typed your address: you can\n"
            "ignore this email, and we will not write again unless you answer.\n"
        ),
    )


def list_inquiries(session: Session) -> InquiryList:
    """The newest inquiries first, with the total and the number not yet answered."""
    rows = session.exec(
        select(DistrictInquiry, User.display_name)
        .outerjoin(User, col(User.id) == col(DistrictInquiry.answered_by_id))
        .order_by(col(DistrictInquiry.created_at).desc(), col(DistrictInquiry.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    counts = dict(
        session.exec(
            select(DistrictInquiry.status, func.count()).group_by(DistrictInquiry.status)
        ).all()
    )
    return InquiryList(
        inquiries=[(inquiry, answered_by) for inquiry, answered_by in rows],
        total=sum(counts.values()),
        new=counts.get(InquiryStatus.new, 0),
    )


def mark_answered(session: Session, *, admin: User, inquiry_id: int) -> DistrictInquiry:
    """Mark an inquiry answered by ``admin`` (once: a second click changes nothing)."""
    inquiry = session.get(DistrictInquiry, inquiry_id)
    if inquiry is None:
        raise InquiryNotFound()
    if inquiry.status != InquiryStatus.answered:
        inquiry.status = InquiryStatus.answered
        inquiry.answered_at = utcnow()
        inquiry.answered_by_id = id_of(admin)
        session.add(inquiry)
        session.commit()
    return inquiry
