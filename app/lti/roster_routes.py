"""Staff pages of an organization's LMS: roster sync per LMS course, and the gradebook
outbox (scores sent, waiting or failed, with a retry).

Admins see every organization's; staff theirs. Another organization's contexts and scores
answer 404.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from app.accounts.models import Organization, User
from app.content.runtime import RegistryDep
from app.db import RowId, SessionDep
from app.deps import SettingsDep, StaffUser
from app.lti import ags, nrps
from app.lti.models import LtiPlatform, LtiResourceLink, LtiScore, ScoreStatus
from app.orgs import service as orgs
from app.templating import flash, render

router = APIRouter()
SCORES_SHOWN = 100


def _managed(session: SessionDep, staff: User, organization_id: int) -> Organization:
    org = orgs.managed_organization(session, user=staff, organization_id=organization_id)
    if org is None:
        raise HTTPException(status_code=404)
    return org


def _scores(session: Session, organization_id: int) -> list[tuple[LtiScore, LtiResourceLink, User]]:
    rows = session.exec(
        select(LtiScore, LtiResourceLink, User)
        .join(LtiResourceLink, col(LtiResourceLink.id) == col(LtiScore.resource_link_id))
        .join(LtiPlatform, col(LtiPlatform.id) == col(LtiResourceLink.platform_id))
        .join(User, col(User.id) == col(LtiScore.user_id))
        .where(LtiPlatform.organization_id == organization_id)
        .order_by(col(LtiScore.id).desc())
        .limit(SCORES_SHOWN)
    ).all()
    return [(s, link, u) for s, link, u in rows]


def _counts(session: Session, organization_id: int) -> dict[str, int]:
    statuses = session.exec(
        select(LtiScore.status)
        .join(LtiResourceLink, col(LtiResourceLink.id) == col(LtiScore.resource_link_id))
        .join(LtiPlatform, col(LtiPlatform.id) == col(LtiResourceLink.platform_id))
        .where(LtiPlatform.organization_id == organization_id)
    ).all()
    return {s.value: sum(1 for x in statuses if x == s.value) for s in ScoreStatus}


@router.get("/staff/orgs/{organization_id}/lti", name="staff_lti")
def staff_lti(
    request: Request, session: SessionDep, staff: StaffUser, organization_id: RowId
) -> Response:
    """LMS courses (rosters) and the scores sent to the LMS gradebooks."""
    org = _managed(session, staff, organization_id)
    contexts = nrps.contexts_of(session, organization_id=organization_id)
    rosters = {c.id: nrps.roster(session, context_id=c.id) for c, _p in contexts if c.id}
    return render(
        request,
        "lti/staff_lti.html",
        {
            "org": org,
            "contexts": contexts,
            "rosters": rosters,
            "scores": _scores(session, organization_id),
            "counts": _counts(session, organization_id),
        },
    )


@router.post("/staff/orgs/{organization_id}/lti/contexts/{context_id}/sync", name="staff_lti_sync")
def staff_lti_sync(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    registry: RegistryDep,
    staff: StaffUser,
    organization_id: RowId,
    context_id: RowId,
) -> Response:
    """Read the LMS course's roster now and apply it to its cohort."""
    _managed(session, staff, organization_id)
    context = nrps.context_in(session, organization_id=organization_id, context_id=context_id)
    if context is None:
        raise HTTPException(status_code=404)
    title = context.title or context.context_id
    try:
        report = nrps.sync(session, settings=settings, context=context, registry=registry)
    except nrps.SyncError as exc:
        session.rollback()
        flash(request, f"The roster of {title} could not be synced: {exc}", "error")
    else:
        parts = [
            f"{report.members} on the roster",
            f"{report.learners_enrolled} learners in the cohort",
            f"{report.instructors} instructors recorded as staff contacts",
        ]
        if report.accounts_made:
            parts.append(f"{report.accounts_made} new accounts")
        if report.skipped:
            parts.append(f"{len(report.skipped)} need attention (see the roster)")
        flash(request, f"Roster of {title} synced: " + ", ".join(parts) + ".", "success")
    url = request.url_for("staff_lti", organization_id=organization_id).path
    return RedirectResponse(f"{url}#context-{context_id}", 303)


@router.post(
    "/staff/orgs/{organization_id}/lti/scores/{score_id}/retry", name="staff_lti_score_retry"
)
def staff_lti_score_retry(
    request: Request, session: SessionDep, staff: StaffUser, organization_id: RowId, score_id: RowId
) -> Response:
    """Send a failed score again."""
    _managed(session, staff, organization_id)
    if not ags.retry(session, score_id=score_id, organization_id=organization_id):
        raise HTTPException(status_code=404)
    flash(request, "The score will be sent again within a minute.", "success")
    return RedirectResponse(
        request.url_for("staff_lti", organization_id=organization_id).path + "#scores", 303
    )
