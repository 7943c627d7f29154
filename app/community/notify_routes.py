"""The community notifications page, "mark all read", the digest period, and the unread
count in the site header (rendered on the server, so it works without JavaScript)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.community import digest, notify
from app.community.models import CommunityNotification
from app.db import RowId, SessionDep, on_request_session
from app.deps import CurrentUser, resolve_user
from app.notifications import service as notifications
from app.templating import flash, render

router = APIRouter()

# Requests whose pages have no site header: the count is not worth a query there.
_NO_HEADER = ("/api/", "/static/", "/healthz", "/unsubscribe/")


def unread_for_header(request: Request, session: Session) -> None:
    """Put the signed-in member's unread count on ``request.state`` for the header: one
    indexed COUNT, on pages only (GET/HEAD outside the API)."""
    if request.method not in ("GET", "HEAD") or request.url.path.startswith(_NO_HEADER):
        return
    user = resolve_user(request, session)
    if user is not None and user.id is not None:
        request.state.unread_notifications = notify.unread_count(session, user_id=user.id)


on_request_session(unread_for_header)


def _page(
    request: Request, session: Session, user: CurrentUser, period: str, error: str = ""
) -> Response:
    views = notify.recent(session, user=user)
    unread = sum(1 for v in views if v.unread)
    choices = {c.kind.key: c.enabled for c in notifications.choices(session, user=user)}
    return render(
        request,
        "community/notifications.html",
        {
            "views": views,
            "unread": unread,
            "period": period,
            "periods": digest.PERIODS,
            "digest_on": choices.get(notifications.COMMUNITY_DIGEST.key, True),
            "replies_on": choices.get(notifications.COMMUNITY_REPLIES.key, False),
            "verified": user.email_verified_at is not None,
            "period_error": error,
        },
    )


@router.get("/community/notifications", name="community_notifications")
def notifications_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Newest first; unread ones marked "New" until opened or marked read."""
    return _page(request, session, user, digest.period_of(session, user_id=user.id or 0))


@router.get("/community/notifications/{notice_id}", name="community_notification_open")
def open_notification(
    request: Request, session: SessionDep, user: CurrentUser, notice_id: RowId
) -> Response:
    """Open one notice: it is marked read and the thread opens at the post. Another
    member's notice, or one about a thread the member can no longer read, answers 404."""
    notice = session.get(CommunityNotification, notice_id)
    if notice is None or notice.recipient_id != user.id:
        raise HTTPException(status_code=404)
    found = notify.views(session, user=user, notices=[notice])
    if not found:
        raise HTTPException(status_code=404)
    notify.mark_read(session, user=user, notice_id=notice_id)
    session.commit()
    return RedirectResponse(notify.thread_path(found[0]), 303)


@router.post("/community/notifications/read", name="community_notifications_read")
def mark_all_read(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    marked = notify.mark_all_read(session, user=user)
    session.commit()
    if marked:
        flash(request, f"Marked {marked} notification{'' if marked == 1 else 's'} read.", "success")
    else:
        flash(request, "You had no unread notifications.", "info")
    return RedirectResponse(request.url_for("community_notifications").path, 303)


@router.post("/community/notifications/email", name="community_digest_period")
def save_period(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    period: Annotated[str, Form()] = "",
) -> Response:
    """Daily or weekly digest (whether it is sent at all is on the email settings page)."""
    if period not in digest.PERIODS:
        response = _page(
            request,
            session,
            user,
            digest.period_of(session, user_id=user.id or 0),
            error="Choose once a day or once a week.",
        )
        response.status_code = 400
        return response
    digest.set_period(session, user_id=user.id or 0, period=period)
    session.commit()
    flash(request, f"Your digest now comes {digest.PERIODS[period].lower()}.", "success")
    return RedirectResponse(request.url_for("community_notifications").path + "#email-choice", 303)
