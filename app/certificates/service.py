"""Certificates: eligibility, issue (with the learner's confirmed name), verify, revoke."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from app import tokens
from app.accounts.models import User
from app.certificates.models import Certificate
from app.content.course import Course
from app.db import id_of, utcnow
from app.events import service as events
from app.learning.models import Enrollment
from app.learning.progress import course_progress

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read aloud and type.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NAME_MAX = 200
REASON_MAX = 1000


class CertificateError(Exception):
    """A certificate action that cannot be done, with a message for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CertificateRefused(CertificateError):
    """The course is not complete yet; the message says what is left."""


def new_code() -> str:
    """A random verification code such as ``7KQ2-M9XD-4HRT`` (60 bits)."""
    raw = tokens.random_code(CODE_ALPHABET, 12)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    """Upper-case, strip spaces; read O as 0 and I/L as 1 the way Crockford base32 does."""
    cleaned = "".join(code.split()).upper().replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) == 12 and "-" not in cleaned:
        cleaned = f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"
    return cleaned


def clean_name(name: str) -> str:
    """The name as it will be printed; raises CertificateError when it cannot be."""
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    if not name:
        raise CertificateError("Enter your name as it should appear on the certificate.")
    if len(name) > NAME_MAX:
        raise CertificateError(f"Your name can be at most {NAME_MAX} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name):
        raise CertificateError("Your name contains characters that cannot be printed.")
    return name


def for_enrollment(session: Session, *, enrollment: Enrollment) -> Certificate | None:
    """The certificate issued for this enrollment (valid or revoked), if any."""
    return session.exec(
        select(Certificate).where(Certificate.enrollment_id == enrollment.id)
    ).first()


def refusal(session: Session, *, enrollment: Enrollment, course: Course) -> str | None:
    """Why a certificate cannot be issued yet, or None when it can."""
    if enrollment.completed_at is not None:
        return None
    progress = course_progress(session, enrollment=enrollment, course=course)
    left = [
        m.title
        for m in course.modules
        if (s := progress.status(m.id)) is not None and s.state != "complete"
    ]
    parts: list[str] = []
    if left:
        shown = ", ".join(f"“{t}”" for t in left[:3]) + (" and more" if len(left) > 3 else "")
        parts.append(
            f"you have completed {progress.completed_modules} of {progress.total_modules} "
            f"modules (still to do: {shown})"
        )
    if progress.survey_required and not progress.survey_submitted:
        parts.append("the feedback survey is not submitted yet")
    if not parts:  # complete by the rules but not yet recorded: record it on the next event
        parts.append("your completion has not been recorded yet; open the course once more")
    return "The certificate is issued when the course is complete: " + "; ".join(parts) + "."


def issue(
    session: Session, *, user: User, enrollment: Enrollment, course: Course, name: str
) -> Certificate:
    """Issue the certificate with the name the learner confirmed (idempotent). Commits."""
    existing = for_enrollment(session, enrollment=enrollment)
    if existing is not None:
        return existing
    reason = refusal(session, enrollment=enrollment, course=course)
    if reason is not None:
        raise CertificateRefused(reason)
    assert enrollment.completed_at is not None
    assert user.id is not None
    printed = clean_name(name)
    for _ in range(5):
        certificate = Certificate(
            code=new_code(),
            enrollment_id=id_of(enrollment),
            user_id=user.id,
            course_id=enrollment.course_id,
            name=printed,
            course_title=course.title[:300],
            hours=course.hours,
            completed_at=enrollment.completed_at,
        )
        session.add(certificate)
        enrollment.updated_at = utcnow()  # the API's updated_since shows the new code
        try:
            events.record(
                session,
                kind=events.EventKind.certificate_issued,
                enrollment=enrollment,
                data={"certificate_code": certificate.code, "hours": certificate.hours},
            )
            session.commit()
            return certificate
        except IntegrityError:
            session.rollback()
            existing = for_enrollment(session, enrollment=enrollment)
            if existing is not None:  # a double submit issued it first
                return existing
    raise CertificateError("Could not create a unique verification code; please try again.")


def find(session: Session, *, code: str) -> Certificate | None:
    """The certificate with this verification code (forgiving of case and spaces)."""
    cleaned = normalize_code(code)
    if len(cleaned) > 32:
        return None
    return session.exec(select(Certificate).where(Certificate.code == cleaned)).first()


def valid_codes(session: Session, *, user: User) -> dict[int, str]:
    """Enrollment id -> code of each of the user's certificates that is not revoked."""
    rows = session.exec(
        select(Certificate.enrollment_id, Certificate.code).where(
            Certificate.user_id == user.id, col(Certificate.revoked_at).is_(None)
        )
    )
    return dict(rows.all())


def of_user(session: Session, *, user: User) -> list[Certificate]:
    """The user's certificates, newest first."""
    return list(
        session.exec(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(col(Certificate.issued_at).desc())
        )
    )


def revoke(session: Session, *, admin: User, code: str, reason: str) -> Certificate:
    """Revoke a certificate with a reason (kept for the record, never shown publicly). Commits."""
    certificate = find(session, code=code)
    if certificate is None:
        raise CertificateError("No certificate has that code.")
    reason = " ".join(reason.split())
    if not reason:
        raise CertificateError("Give a reason for revoking the certificate.")
    if len(reason) > REASON_MAX:
        raise CertificateError(f"The reason can be at most {REASON_MAX} characters.")
    if certificate.revoked_at is not None:
        raise CertificateError("This certificate is already revoked.")
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = admin.id
    session.add(certificate)
    session.execute(  # the API's updated_since shows the code gone
        update(Enrollment)
        .where(col(Enrollment.id) == certificate.enrollment_id)
        .values(updated_at=utcnow())
    )
    subject = events.EnrollmentRef(
        certificate.enrollment_id, certificate.user_id, certificate.course_id
    )
    events.record(
        session,
        kind=events.EventKind.certificate_revoked,
        enrollment=subject,
        data={"certificate_code": certificate.code},
    )
    session.commit()
    return certificate


def search(session: Session, *, query: str = "", limit: int = 50) -> list[Certificate]:
    """Certificates for the admin list: newest first, filtered by code or name."""
    statement = select(Certificate).order_by(col(Certificate.issued_at).desc()).limit(limit)
    query = query.strip()
    if query:
        statement = statement.where(
            or_(
                Certificate.code == normalize_code(query),
                col(Certificate.name).ilike(f"%{query}%"),
                col(Certificate.course_title).ilike(f"%{query}%"),
            )
        )
    return list(session.exec(statement))


@dataclass(frozen=True)
class CertificatePage:
    """The learner's certificate page for one course."""

    enrollment: Enrollment
    certificate: Certificate | None
    refusal: str | None


def certificate_page(
    session: Session, *, enrollment: Enrollment, course: Course
) -> CertificatePage:
    """The certificate if issued; else whether it can be issued now and why not."""
    certificate = for_enrollment(session, enrollment=enrollment)
    reason = None if certificate else refusal(session, enrollment=enrollment, course=course)
    return CertificatePage(enrollment=enrollment, certificate=certificate, refusal=reason)
