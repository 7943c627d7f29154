"""Staff pages of an organization: members and who waits, invitations, cohorts.

Admins manage every organization; staff manage theirs (or all, when their scope is all).
Another organization's pages answer 404, as any row the viewer may not see does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts.models import Organization, User
from app.content.runtime import RegistryDep
from app.db import RowId, SessionDep
from app.deps import OrgManagerUser, SettingsDep
from app.orgs import cohorts, invites, members
from app.orgs import service as orgs
from app.orgs.models import PROOF_LABELS
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _managed(session: SessionDep, staff: User, organization_id: int) -> Organization:
    """The organization if this staff member manages it; 404 otherwise."""
    org = orgs.managed_organization(session, user=staff, organization_id=organization_id)
    if org is None:
        raise HTTPException(status_code=404)
    return org


def _back(request: Request, name: str, organization_id: int) -> RedirectResponse:
    return RedirectResponse(request.url_for(name, organization_id=organization_id).path, 303)


@router.get("/staff/orgs", name="staff_orgs")
def staff_orgs(request: Request, session: SessionDep, staff: OrgManagerUser) -> Response:
    """The organizations this staff member manages."""
    managed = orgs.managed_organizations(session, user=staff)
    if len(managed) == 1 and managed[0].id is not None:
        return _back(request, "staff_members", managed[0].id)
    return render(request, "orgs/staff_orgs.html", {"organizations": managed})


@router.get("/staff/orgs/{organization_id}", name="staff_members")
def staff_members(
    request: Request, session: SessionDep, staff: OrgManagerUser, organization_id: RowId
) -> Response:
    """Members (how and when each joined) and the memberships waiting for a decision."""
    org = _managed(session, staff, organization_id)
    return render(
        request,
        "orgs/members.html",
        {
            "org": org,
            "members": members.members(session, organization_id=organization_id),
            "pending": members.pending(session, organization_id=organization_id),
            "proofs": PROOF_LABELS,
        },
    )


@router.post("/staff/orgs/{organization_id}/confirm", name="staff_members_confirm")
def staff_members_confirm(
    request: Request,
    session: SessionDep,
    staff: OrgManagerUser,
    organization_id: RowId,
    user_id: FormStr = "",
    all: FormStr = "",
) -> Response:
    """Confirm one waiting person (``user_id``) or, with ``all=1``, everyone waiting."""
    _managed(session, staff, organization_id)
    wanted = [int(user_id)] if user_id.isdecimal() and len(user_id) < 10 else []
    if not wanted and all != "1":
        raise HTTPException(status_code=404)
    count = members.confirm(session, organization_id=organization_id, user_ids=wanted)
    if wanted and not count:
        raise HTTPException(status_code=404)
    flash(request, f"Confirmed {count} member{'' if count == 1 else 's'}.", "success")
    return _back(request, "staff_members", organization_id)


@router.post(
    "/staff/orgs/{organization_id}/pending/{user_id}/decline", name="staff_pending_decline"
)
def staff_pending_decline(
    request: Request,
    session: SessionDep,
    staff: OrgManagerUser,
    organization_id: RowId,
    user_id: RowId,
) -> Response:
    """Decline a waiting membership; the account stays, outside the organization."""
    _managed(session, staff, organization_id)
    if not members.decline(session, organization_id=organization_id, user_id=user_id):
        raise HTTPException(status_code=404)
    flash(request, "Declined. That person's account is unchanged, outside this organization.")
    return _back(request, "staff_members", organization_id)


@router.post("/staff/orgs/{organization_id}/members/{user_id}/remove", name="staff_member_remove")
def staff_member_remove(
    request: Request,
    session: SessionDep,
    staff: OrgManagerUser,
    organization_id: RowId,
    user_id: RowId,
) -> Response:
    """Remove a member from the organization and its cohorts; their own work stays theirs."""
    _managed(session, staff, organization_id)
    removed = members.remove(session, organization_id=organization_id, user_id=user_id)
    if removed is None:
        raise HTTPException(status_code=404)
    flash(
        request,
        f"{removed.display_name} is no longer a member. Their own work stays in their account.",
        "success",
    )
    return _back(request, "staff_members", organization_id)


def _invites_page(
    request: Request,
    session: SessionDep,
    org: Organization,
    *,
    base_url: str,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    assert org.id is not None
    return render(
        request,
        "orgs/invites.html",
        {
            "org": org,
            "base": base_url.rstrip("/"),
            "invites": invites.invites_of(session, organization_id=org.id),
            "cohorts": cohorts.cohorts_of(session, organization_id=org.id),
            "errors": errors or {},
            "form": form or {"cohort_id": "", "max_uses": "", "expires_days": "14"},
        },
        status_code=status_code,
    )


@router.get("/staff/orgs/{organization_id}/invites", name="staff_invites")
def staff_invites(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: OrgManagerUser,
    organization_id: RowId,
) -> Response:
    """Invitation links, with their state and uses, and a form to make one."""
    org = _managed(session, staff, organization_id)
    return _invites_page(request, session, org, base_url=settings.base_url)


def _optional_int(raw: str, field: str, errors: dict[str, str], message: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw.isdecimal() and len(raw) < 10:
        return int(raw)
    errors[field] = message
    return None


@router.post("/staff/orgs/{organization_id}/invites", name="staff_invite_create")
def staff_invite_create(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: OrgManagerUser,
    organization_id: RowId,
    cohort_id: FormStr = "",
    max_uses: FormStr = "",
    expires_days: FormStr = "",
) -> Response:
    """Make an invitation link (optionally for a cohort, with a use cap and an expiry)."""
    org = _managed(session, staff, organization_id)
    form = {
        "cohort_id": cohort_id[:10],
        "max_uses": max_uses[:10],
        "expires_days": expires_days[:10],
    }
    errors: dict[str, str] = {}
    cohort = _optional_int(cohort_id, "cohort_id", errors, "Choose a cohort from the list.")
    uses = _optional_int(max_uses, "max_uses", errors, "Enter a whole number of uses.")
    days = _optional_int(expires_days, "expires_days", errors, "Enter a whole number of days.")
    if not errors:
        try:
            invite = invites.create_invite(
                session,
                organization_id=organization_id,
                cohort_id=cohort,
                max_uses=uses,
                expires_days=days,
                created_by=staff,
            )
        except orgs.OrgError as exc:
            errors = exc.errors
    if errors:
        return _invites_page(
            request,
            session,
            org,
            base_url=settings.base_url,
            errors=errors,
            form=form,
            status_code=400,
        )
    flash(
        request,
        f"Invitation link {invite.id} is ready: it is the first in the table below.",
        "success",
    )
    return _back(request, "staff_invites", organization_id)


@router.post("/staff/orgs/{organization_id}/invites/{invite_id}/revoke", name="staff_invite_revoke")
def staff_invite_revoke(
    request: Request,
    session: SessionDep,
    staff: OrgManagerUser,
    organization_id: RowId,
    invite_id: RowId,
) -> Response:
    """Withdraw a link: whoever follows it from now on is told it was withdrawn."""
    _managed(session, staff, organization_id)
    if not invites.revoke(session, organization_id=organization_id, invite_id=invite_id):
        raise HTTPException(status_code=404)
    flash(request, "The link is revoked. People who already joined stay members.", "success")
    return _back(request, "staff_invites", organization_id)


def _cohorts_page(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    org: Organization,
    *,
    form: cohorts.CohortForm | None = None,
    status_code: int = 200,
) -> Response:
    assert org.id is not None
    return render(
        request,
        "orgs/cohorts.html",
        {
            "org": org,
            "cohorts": cohorts.cohorts_of(session, organization_id=org.id),
            "courses": registry.published(),
            "titles": {c.slug: c.title for c in registry.courses.values()},
            "facilitators": cohorts.facilitators(session, organization_id=org.id),
            "form": form or cohorts.CohortForm(),
        },
        status_code=status_code,
    )


@router.get("/staff/orgs/{organization_id}/cohorts", name="staff_cohorts")
def staff_cohorts(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: OrgManagerUser,
    organization_id: RowId,
) -> Response:
    """The organization's cohorts, their join links, and a form to create one."""
    return _cohorts_page(request, session, registry, _managed(session, staff, organization_id))


@router.post("/staff/orgs/{organization_id}/cohorts", name="staff_cohort_create")
def staff_cohort_create(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: OrgManagerUser,
    organization_id: RowId,
    name: FormStr = "",
    course_slug: FormStr = "",
    starts_on: FormStr = "",
    facilitator_id: FormStr = "",
) -> Response:
    """Create a cohort (with its own join link)."""
    org = _managed(session, staff, organization_id)
    form = cohorts.CohortForm(
        name=name[:200],
        course_slug=course_slug[:100],
        starts_on=starts_on[:20],
        facilitator_id=facilitator_id[:10],
    )
    try:
        cohort = cohorts.create_cohort(
            session,
            organization_id=organization_id,
            form=form,
            course_slugs=[c.slug for c in registry.published()],
            created_by=staff,
        )
    except orgs.OrgError as exc:
        form.errors = exc.errors
        return _cohorts_page(request, session, registry, org, form=form, status_code=400)
    flash(request, f"Cohort “{cohort.name}” is ready. Share its join link.", "success")
    return RedirectResponse(
        request.url_for("staff_cohort", organization_id=organization_id, cohort_id=cohort.id).path,
        303,
    )


@router.get("/staff/orgs/{organization_id}/cohorts/{cohort_id}", name="staff_cohort")
def staff_cohort(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    registry: RegistryDep,
    staff: OrgManagerUser,
    organization_id: RowId,
    cohort_id: RowId,
) -> Response:
    """One cohort: its course, facilitator, join link and who is in it."""
    org = _managed(session, staff, organization_id)
    cohort = cohorts.cohort_in(session, organization_id=organization_id, cohort_id=cohort_id)
    if cohort is None:
        raise HTTPException(status_code=404)
    row = cohorts.cohort_row(session, cohort=cohort)
    course = registry.get(row.course_slug)
    return render(
        request,
        "orgs/cohort.html",
        {
            "org": org,
            "base": settings.base_url.rstrip("/"),
            "row": row,
            "course_title": course.title if course else row.course_slug,
            "people": cohorts.cohort_members(session, cohort=cohort),
        },
    )
