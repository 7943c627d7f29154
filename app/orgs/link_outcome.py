"""What a page says, and where it goes, after someone used an invitation link."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

from app.orgs import invites
from app.templating import flash


def after_link(request: Request, outcome: invites.Accepted | str) -> RedirectResponse | None:
    """Flash what using a link did; where to go next (None: it could not be used)."""
    if isinstance(outcome, str):
        flash(request, outcome, "error")
        return None
    for category, message in outcome.notices:
        flash(request, message, category)
    if outcome.course_slug:
        return RedirectResponse(request.url_for("course_page", slug=outcome.course_slug).path, 303)
    return RedirectResponse(request.url_for("my_organization").path, 303)
