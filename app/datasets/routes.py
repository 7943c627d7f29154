"""The data explorer's own page (works without JS), its htmx result fragment and CSV export."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.accounts.models import User
from app.content.access import may_preview
from app.content.course import Course, Module
from app.datasets.explore import ExploreSpec, build_view, parse_form, result_csv
from app.datasets.loader import Dataset
from app.db import SessionDep, run_db
from app.deps import CurrentUser, VisibleCourse
from app.learning import service as learning
from app.spreadsheets import csv_response
from app.templating import render

router = APIRouter()


def _explore_context(
    session: SessionDep, course: Course, explore_id: str, user: User
) -> tuple[Module, ExploreSpec, Dataset, bool]:
    """(module, explorer, dataset, preview) for enrolled learners, and for authors and
    admins in preview; 404 for anyone else."""
    preview = may_preview(user)
    if (
        not preview
        and learning.find_enrollment(session, user=user, course_slug=course.slug) is None
    ):
        raise HTTPException(status_code=404)
    found = course.block_of(explore_id, ExploreSpec)
    if found is None:
        raise HTTPException(status_code=404)
    module, explore = found
    dataset = course.datasets.get(explore.dataset)
    if dataset is None:
        raise HTTPException(status_code=404)
    return module, explore, dataset, preview


@router.get("/courses/{slug}/explore/{explore_id}", name="explore_page")
async def explore_page(
    request: Request,
    explore_id: str,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
) -> Response:
    """The explorer as a page; with HX-Request only the result region."""
    module, explore, dataset, preview = await run_db(
        request, _explore_context, session, course, explore_id, user
    )
    query, errors = parse_form(explore, dataset, dict(request.query_params))
    view = build_view(explore, dataset, query, errors)
    context = {
        "block": explore,
        "state": view,
        "course": course,
        "module": module,
        "preview": preview,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "datasets/_explore_swap.html", context)
    return render(request, "datasets/explore_page.html", context)


@router.get("/courses/{slug}/explore/{explore_id}/view.csv", name="explore_csv")
def explore_csv(
    request: Request,
    explore_id: str,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
) -> Response:
    """The current view as CSV: the same numbers as the table."""
    _, explore, dataset, _ = _explore_context(session, course, explore_id, user)
    query, _ = parse_form(explore, dataset, dict(request.query_params))
    view = build_view(explore, dataset, query)
    text = result_csv(view.result, dataset_title=dataset.title, source=dataset.schema.source)
    return csv_response(text, filename=f"{course.slug}-{explore_id}.csv")
