"""The learner's certificate, the PDF, public verification and admin revocation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts.permissions import Permission, can
from app.certificates import service as certificates
from app.certificates.pdf import certificate_pdf as render_pdf
from app.config import Settings
from app.db import SessionDep
from app.deps import AdminUser, CurrentUser, SettingsDep, VisibleCourse, enroll_first
from app.learning import service as learning
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _verify_url(request: Request, settings: Settings, code: str) -> str:
    base = settings.base_url.rstrip("/")
    return base + str(request.app.url_path_for("verify_certificate", code=code))


@router.get("/courses/{slug}/certificate", name="certificate_page")
def certificate_page(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse
) -> Response:
    """The certificate, or the name to confirm, or what is left before one can be issued."""
    enrollment = learning.find_enrollment(session, user=user, course_slug=course.slug)
    if enrollment is None:
        return enroll_first(request, course, to="earn its certificate")
    page = certificates.certificate_page(session, enrollment=enrollment, course=course)
    return render(
        request,
        "certificates/certificate.html",
        {"course": course, "page": page, "name": user.display_name, "error": None},
    )


@router.post("/courses/{slug}/certificate", name="certificate_issue")
def certificate_issue(
    request: Request,
    slug: str,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    name: FormStr = "",
    confirmed: FormStr = "",
) -> Response:
    """Issue the certificate with the name the learner confirmed."""
    enrollment = learning.find_enrollment(session, user=user, course_slug=slug)
    if enrollment is None:
        return enroll_first(request, course, to="earn its certificate")
    error = None
    if confirmed != "yes":
        error = "Tick the box to confirm that your name is written as it should appear."
    else:
        try:
            certificates.issue(session, user=user, enrollment=enrollment, course=course, name=name)
        except certificates.CertificateError as exc:
            error = exc.message
    if error is None:
        flash(request, "Your certificate is ready.", "success")
        return RedirectResponse(request.url_for("certificate_page", slug=slug), 303)
    page = certificates.certificate_page(session, enrollment=enrollment, course=course)
    return render(
        request,
        "certificates/certificate.html",
        {"course": course, "page": page, "name": name, "error": error},
        status_code=400,
    )


@router.get("/certificates/{code}", name="verify_certificate")
def verify_certificate(request: Request, code: str, session: SessionDep) -> Response:
    """Public verification: name, course, hours, date and status, nothing else."""
    certificate = certificates.find(session, code=code)
    if certificate is None:
        return render(request, "certificates/not_found.html", {"code": code[:40]}, status_code=404)
    return render(request, "certificates/verify.html", {"cert": certificate})


@router.get("/certificates/{code}/pdf", name="certificate_pdf")
def certificate_pdf(
    request: Request, code: str, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    """The PDF, for its owner (and admins)."""
    certificate = certificates.find(session, code=code)
    if certificate is None or (certificate.user_id != user.id and not can(user, Permission.admin)):
        raise HTTPException(status_code=404)
    pdf = render_pdf(
        name=certificate.name,
        course_title=certificate.course_title,
        hours=certificate.hours,
        completed_at=certificate.completed_at,
        code=certificate.code,
        verify_url=_verify_url(request, settings, certificate.code),
        revoked=certificate.revoked_at is not None,
    )
    filename = f"groundwork-certificate-{certificate.code}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/admin/certificates", name="admin_certificates")
def admin_certificates(request: Request, session: SessionDep, admin: AdminUser) -> Response:
    """Find certificates by code, name or course; revoke one with a reason."""
    query = request.query_params.get("q", "")[:200]
    found = certificates.search(session, query=query)
    return render(
        request,
        "certificates/admin.html",
        {"certificates": found, "q": query, "errors": {}, "reasons": {}},
    )


@router.post("/admin/certificates/{code}/revoke", name="revoke_certificate")
def revoke_certificate(
    request: Request, code: str, session: SessionDep, admin: AdminUser, reason: FormStr = ""
) -> Response:
    """Revoke a certificate; its public page then says "revoked"."""
    try:
        certificate = certificates.revoke(session, admin=admin, code=code, reason=reason)
    except certificates.CertificateError as exc:
        found = certificates.search(session, query=code)
        return render(
            request,
            "certificates/admin.html",
            {
                "certificates": found,
                "q": code,
                "errors": {code: exc.message},
                "reasons": {code: reason},
            },
            status_code=400,
        )
    flash(request, f"Certificate {certificate.code} is revoked.", "success")
    url = request.url_for("admin_certificates").include_query_params(q=certificate.code)
    return RedirectResponse(url, 303)
