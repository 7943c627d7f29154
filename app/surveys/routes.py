"""The feedback survey page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.content.course import Course
from app.db import SessionDep
from app.deps import CurrentUser, VisibleCourse, enroll_first
from app.learning import service as learning
from app.surveys import service as surveys
from app.templating import flash, render

router = APIRouter()


def _course_with_survey(course: VisibleCourse) -> Course:
    """The course of the path, if it has a feedback survey; 404 otherwise."""
    if course.survey is None:
        raise HTTPException(status_code=404)
    return course


SurveyCourse = Annotated[Course, Depends(_course_with_survey)]


def _page(request: Request, course: Course, form: surveys.SurveyForm, status: int) -> Response:
    return render(
        request,
        "surveys/survey.html",
        {"course": course, "form": form, "scale": surveys.SCALE},
        status_code=status,
    )


@router.get("/courses/{slug}/survey", name="survey_form")
def survey_form(
    request: Request, session: SessionDep, user: CurrentUser, course: SurveyCourse
) -> Response:
    """The feedback survey, with any answers saved earlier."""
    enrollment = learning.find_enrollment(session, user=user, course_slug=course.slug)
    if enrollment is None:
        return enroll_first(request, course, to="give feedback on it")
    return _page(
        request, course, surveys.survey_form(session, enrollment=enrollment, course=course), 200
    )


async def _form_fields(request: Request) -> dict[str, str]:
    """Every text field of the posted form (the item ids come from course.yaml)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/courses/{slug}/survey", name="survey_save")
def survey_save(
    request: Request,
    slug: str,
    session: SessionDep,
    user: CurrentUser,
    course: SurveyCourse,
    fields: Annotated[dict[str, str], Depends(_form_fields)],
) -> Response:
    """Save the answers for later, or submit them (action=submit)."""
    enrollment = learning.find_enrollment(session, user=user, course_slug=slug)
    if enrollment is None:
        return enroll_first(request, course, to="give feedback on it")
    submit = fields.get("action") == "submit"
    answers = {k.removeprefix("item-"): v for k, v in fields.items() if k.startswith("item-")}
    form = surveys.save_survey(
        session,
        enrollment=enrollment,
        course=course,
        answers=answers,
        comment=fields.get("comment", ""),
        submit=submit,
    )
    if form.errors:
        return _page(request, course, form, 400)
    if submit:
        flash(request, "Thank you for your feedback.", "success")
        return RedirectResponse(request.url_for("course_page", slug=slug), 303)
    flash(request, "Your answers are saved. You can change them until you submit.", "success")
    return RedirectResponse(request.url_for("survey_form", slug=slug), 303)
