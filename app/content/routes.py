"""Author pages (content status, previews) and course assets."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from app.content import service as content
from app.content.access import may_preview
from app.content.blocks import render_blocks
from app.content.runtime import RegistryDep
from app.content.time_estimate import hours_basis
from app.db import SessionDep
from app.deps import AuthorUser, OptionalUser
from app.templating import render

router = APIRouter()

ASSET_HEADERS = {
    # An SVG opened on its own must not run script: no scripts, no plugins, sandboxed.
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; sandbox",
    "Cache-Control": "public, max-age=3600",
}


@router.get("/author/content", name="author_content")
def author_content(request: Request, registry: RegistryDep, user: AuthorUser) -> Response:
    """Each course folder with its version, load time, errors and warnings."""
    return render(
        request,
        "content/status.html",
        {"rows": content.status_rows(registry), "registry": registry},
    )


@router.get("/author/preview/{slug}", name="author_preview_course")
def author_preview_course(
    request: Request, slug: str, registry: RegistryDep, user: AuthorUser
) -> Response:
    """A course overview as learners will see it (drafts too), without enrolling."""
    try:
        course = content.preview_course(registry, slug=slug)
    except content.ContentNotFound:
        raise HTTPException(status_code=404) from None
    return render(
        request,
        "learning/course.html",
        {
            "course": course,
            "minutes": course.minutes,
            "hours_basis": hours_basis(),
            "preview": True,
            "status": registry.statuses.get(slug),
        },
    )


@router.get("/author/preview/{slug}/{module_id}", name="author_preview_module")
def author_preview_module(
    request: Request,
    slug: str,
    module_id: str,
    registry: RegistryDep,
    session: SessionDep,
    user: AuthorUser,
) -> Response:
    """A module exactly as learners see it, with exercise answer keys shown."""
    try:
        course, module = content.preview_module(registry, slug=slug, module_id=module_id)
    except content.ContentNotFound:
        raise HTTPException(status_code=404) from None
    return render(
        request,
        "learning/module.html",
        {
            "course": course,
            "module": module,
            "current": module.id,
            "blocks_html": render_blocks(
                request,
                course=course,
                module=module,
                states=content.preview_states(session, user=user, course=course, module=module),
                preview=True,
            ),
            "preview": True,
            "previous": course.previous_module(module.id),
            "next": course.next_module(module.id),
            "status": registry.statuses.get(slug),
        },
    )


@router.get("/courses/{slug}/assets/{path:path}", name="course_asset")
def course_asset(slug: str, path: str, registry: RegistryDep, user: OptionalUser) -> Response:
    """An image or file from a course's assets/ folder (draft courses: authors only)."""
    try:
        file, media_type = content.asset_file(
            registry, slug=slug, path=path, may_preview=may_preview(user)
        )
    except content.ContentNotFound:
        raise HTTPException(status_code=404) from None
    return FileResponse(file, media_type=media_type, headers=ASSET_HEADERS)
