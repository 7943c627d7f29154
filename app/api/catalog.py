"""The public catalog and certificate verification, as API models."""

from __future__ import annotations

import html

import nh3

from app.api.schemas import CertificateOut, CourseDetail, CourseSummary, ModuleSummary
from app.certificates.models import Certificate
from app.content.course import Course


def plain_text(markup: str) -> str:
    """Text of an HTML fragment (the course summary is rendered Markdown)."""
    return " ".join(html.unescape(nh3.clean(markup, tags=set())).split())


def course_summary(course: Course) -> CourseSummary:
    return CourseSummary(
        slug=course.slug,
        title=course.title,
        summary=plain_text(course.summary_html),
        hours=course.hours,
        module_count=len(course.modules),
    )


def course_detail(course: Course) -> CourseDetail:
    return CourseDetail(
        **course_summary(course).model_dump(),
        outcomes=list(course.outcomes),
        modules=[
            ModuleSummary(id=m.id, title=m.title, minutes=m.minutes, position=m.position)
            for m in course.modules
        ],
    )


def certificate_out(certificate: Certificate) -> CertificateOut:
    """What public verification shows: never the revocation reason."""
    return CertificateOut(
        code=certificate.code,
        name=certificate.name,
        course_title=certificate.course_title,
        hours=certificate.hours,
        completed_at=certificate.completed_at,
        issued_at=certificate.issued_at,
        valid=certificate.revoked_at is None,
        revoked=certificate.revoked_at is not None,
        revoked_at=certificate.revoked_at,
    )
