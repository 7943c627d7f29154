"""Exercise attempts and hints: htmx fragments, or 303 back to the module page without JS."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts.models import User
from app.content.course import Course
from app.db import SessionDep
from app.deps import CurrentUser, VisibleCourse
from app.exercises import service as exercises
from app.exercises.state import ExerciseBlockState
from app.learning import service as learning
from app.learning.models import Enrollment
from app.templating import flash, render

router = APIRouter()


def _enrollment_or_404(session: SessionDep, user: User, course: Course) -> Enrollment:
    """The user's active enrollment in the course; 404 for anyone else."""
    enrollment = learning.find_enrollment(session, user=user, course_slug=course.slug)
    if enrollment is None:
        raise HTTPException(status_code=404)
    return enrollment


LOCKED = "This module is not open yet: complete the earlier modules first."


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _fragment(
    request: Request,
    course: Course,
    activity_id: str,
    state: ExerciseBlockState,
    swap: str,
) -> Response:
    """The parts of the exercise that changed, for htmx to swap into the page (see the
    template); ``swap`` says what happened: "attempt" or "hint"."""
    module, spec = exercises.exercise_block(course, activity_id)
    context = {
        "block": spec,
        "course": course,
        "module": module,
        "state": state,
        "preview": False,
        "swap": swap,
    }
    return render(request, "exercises/_exercise.html", context)


def _back(request: Request, course: Course, activity_id: str) -> RedirectResponse:
    module, _ = exercises.exercise_block(course, activity_id)
    url = request.url_for("module_page", slug=course.slug, module_id=module.id)
    return RedirectResponse(f"{url}#{activity_id}", 303)


@router.post("/courses/{slug}/exercises/{activity_id}/attempts", name="exercise_attempt")
def submit_attempt(
    request: Request,
    activity_id: str,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    answer: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    submission_key: Annotated[str, Form()] = "",
) -> Response:
    """Grade one answer; store it once per submission key."""
    enrollment = _enrollment_or_404(session, user, course)
    try:
        _, spec = exercises.exercise_block(course, activity_id)
    except exercises.ExerciseNotFound:
        raise HTTPException(status_code=404) from None
    given: str | list[str] = answer if spec.type == "multi" else (answer[0] if answer else "")
    try:
        outcome = exercises.submit_attempt(
            session,
            user=user,
            enrollment=enrollment,
            course=course,
            activity_id=activity_id,
            answer=given,
            submission_key=submission_key,
        )
    except exercises.ExerciseLocked:
        raise HTTPException(status_code=403, detail=LOCKED) from None
    if _is_htmx(request):
        return _fragment(request, course, activity_id, outcome.state, swap="attempt")
    if not outcome.result.counts_as_attempt:
        # Without JavaScript, show the exercise on its own page with what they typed.
        module, spec = exercises.exercise_block(course, activity_id)
        return render(
            request,
            "exercises/exercise_page.html",
            {
                "block": spec,
                "course": course,
                "module": module,
                "state": outcome.state,
                "preview": False,
            },
            status_code=400,
        )
    category = "success" if outcome.result.correct else "info"
    flash(request, outcome.result.message, category)
    return _back(request, course, activity_id)


@router.post("/courses/{slug}/exercises/{activity_id}/hint", name="exercise_hint")
def reveal_hint(
    request: Request,
    activity_id: str,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
) -> Response:
    """Open the next hint."""
    enrollment = _enrollment_or_404(session, user, course)
    try:
        state = exercises.reveal_hint(
            session, user=user, enrollment=enrollment, course=course, activity_id=activity_id
        )
    except exercises.ExerciseNotFound:
        raise HTTPException(status_code=404) from None
    except exercises.ExerciseLocked:
        raise HTTPException(status_code=403, detail=LOCKED) from None
    if _is_htmx(request):
        return _fragment(request, course, activity_id, state, swap="hint")
    return _back(request, course, activity_id)
