"""The data explorer's own page (works without JS), its htmx result fragment and CSV export."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.accounts.models import Role, User
from app.content.course import Course
from app.content.registry import RegistryDep
from app.datasets.explore import ExploreSpec, build_view, parse_form, result_csv
from app.datasets.loader import Dataset
from app.db import SessionDep
from app.deps import CurrentUser
from app.learning import service as learning
from app.templating import render

router = APIRouter()


def _explore_context(
    session: SessionDep, registry: RegistryDep, slug: str, explore_id: str, user: User
) -> tuple[Course, ExploreSpec, Dataset, bool]:
    """Enrolled learners, and authors/admins in preview; 404 for anyone else."""
    course = registry.get(slug)
    if course is None or not learning.can_see(course, user):
        raise HTTPException(status_code=404)
    preview = user.role in (Role.author, Role.admin)
    if not preview and learning.find_enrollment(session, user=user, course_slug=slug) is None:
        raise HTTPException(status_code=404)
    found = course.block(explore_id)
    if found is None or getattr(found[1], "kind", None) != "explore":
        raise HTTPException(status_code=404)
    explore: ExploreSpec = found[1]  # type: ignore[assignment]
    dataset = course.datasets.get(explore.dataset)
    if dataset is None:
        raise HTTPException(status_code=404)
    return course, explore, dataset, preview


@router.get("/courses/{slug}/explore/{explore_id}", name="explore_page")
def explore_page(
    request: Request,
    slug: str,
    explore_id: str,
    session: SessionDep,
    registry: RegistryDep,
    user: CurrentUser,
) -> Response:
    """The explorer as a page; with HX-Request only the result region."""
    course, explore, dataset, preview = _explore_context(session, registry, slug, explore_id, user)
    query, errors = parse_form(explore, dataset, dict(request.query_params))
    view = build_view(explore, dataset, query, errors)
    module = course.block(explore_id)[0]  # type: ignore[index]
    context = {
        "block": explore,
        "state": view,
        "course": course,
        "module": module,
        "preview": preview,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "datasets/_explore_result.html", context)
    return render(request, "datasets/explore_page.html", context)


@router.get("/courses/{slug}/explore/{explore_id}/view.csv", name="explore_csv")
def explore_csv(
    request: Request,
    slug: str,
    explore_id: str,
    session: SessionDep,
    registry: RegistryDep,
    user: CurrentUser,
) -> Response:
    """The current view as CSV: the same numbers as the table."""
    course, explore, dataset, _ = _explore_context(session, registry, slug, explore_id, user)
    query, _ = parse_form(explore, dataset, dict(request.query_params))
    view = build_view(explore, dataset, query)
    text = result_csv(view.result, dataset_title=dataset.title, source=dataset.schema.source)
    filename = f"{course.slug}-{explore_id}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
