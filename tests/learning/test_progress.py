"""The one definition of progress, including content changes after a learner completed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from app.content.course import Course, MarkdownBlock, Module
from app.content.kinds import activity_kinds
from app.content.loader import load_course
from app.content.sync import sync_course
from app.db import utcnow
from app.learning import progress as progress_module
from app.learning import service as learning
from app.learning.models import Enrollment, ModuleProgress
from app.learning.progress import course_progress, refresh_progress
from app.reflections.spec import Reflection
from app.surveys.models import SurveyResponse
from tests.factories import make_user
from tests.learning.support import COURSES


def _course(slug: str) -> Course:
    loaded = load_course(COURSES / slug, content_root=COURSES)
    assert loaded.course is not None, loaded.problems
    return loaded.course


@pytest.fixture
def done(monkeypatch):  # type: ignore[no-untyped-def]
    """Stand-in activity domain: the test says which activities are done."""
    ids: set[str] = set()
    monkeypatch.setattr(progress_module.blocks, "done_activity_ids", lambda session, **_: set(ids))
    return ids


def _enrolled(session, course: Course) -> Enrollment:  # type: ignore[no-untyped-def]
    sync_course(session, course=course)
    user = make_user(session)
    return learning.enroll(session, user=user, course=course)


def _submit_survey(session, enrollment: Enrollment) -> None:  # type: ignore[no-untyped-def]
    session.add(
        SurveyResponse(
            enrollment_id=enrollment.id, course_id=enrollment.course_id, submitted_at=utcnow()
        )
    )
    session.flush()


def test_module_complete_when_required_activities_done_optional_ignored(session, done):
    course = _course("journey-course")
    enrollment = _enrolled(session, course)
    done.add("anything-else")  # optional: does not complete the module
    status = course_progress(session, enrollment=enrollment, course=course).status("practice")
    assert status.state == "in_progress"
    assert status.required_done == 0
    done.add("what-i-notice")
    status = course_progress(session, enrollment=enrollment, course=course).status("practice")
    assert status.state == "complete"
    assert status.required_total == 1


def test_percent_counts_modules_and_the_required_survey(session, done):
    course = _course("journey-course")
    enrollment = _enrolled(session, course)
    learning.mark_done(session, enrollment=enrollment, course=course, module=course.modules[0])
    assert enrollment.percent == 25
    assert enrollment.last_module_id == "welcome"
    done.add("what-i-notice")
    learning.mark_done(session, enrollment=enrollment, course=course, module=course.modules[2])
    assert enrollment.percent == 75
    assert enrollment.completed_at is None
    _submit_survey(session, enrollment)
    refresh_progress(session, enrollment=enrollment, course=course)
    assert enrollment.percent == 100
    assert enrollment.completed_at is not None


def test_a_module_added_after_completion_keeps_the_completion(session, done):
    course = _course("free-course")
    enrollment = _enrolled(session, course)
    for module in course.modules:
        learning.mark_done(session, enrollment=enrollment, course=course, module=module)
    completed_at = enrollment.completed_at
    assert completed_at is not None
    assert enrollment.percent == 100
    extra = Module(
        id="three",
        title="Module three",
        minutes=10,
        objectives=(),
        previous_ids=(),
        blocks=(MarkdownBlock(html="<p>New</p>"),),
        file="free-course/modules/03-three.md",
        position=3,
        content_hash="x",
    )
    changed = replace(course, modules=(*course.modules, extra), version="v2")
    refresh_progress(session, enrollment=enrollment, course=changed)
    assert enrollment.completed_at == completed_at  # still complete
    assert enrollment.percent == 66  # 2 of the current 3 modules


def test_a_required_activity_added_to_a_completed_module_keeps_it_complete(session, done):
    course = _course("free-course")
    enrollment = _enrolled(session, course)
    learning.mark_done(session, enrollment=enrollment, course=course, module=course.modules[0])
    first = course.modules[0]
    new_block = Reflection(id="late-reflection", prompt_html="<p>Late</p>")
    changed_first = replace(first, blocks=(*first.blocks, new_block))
    changed = replace(course, modules=(changed_first, course.modules[1]))
    status = course_progress(session, enrollment=enrollment, course=changed).status("one")
    assert status.state == "complete"


def test_a_renamed_module_keeps_its_progress(session, done):
    course = _course("journey-course")
    enrollment = _enrolled(session, course)
    # The learner marked "noticing" done before the author renamed it "practice".
    session.add(
        ModuleProgress(enrollment_id=enrollment.id, module_id="noticing", completed_at=utcnow())
    )
    session.flush()
    assert course.module("practice").previous_ids == ("noticing",)
    progress = course_progress(session, enrollment=enrollment, course=course)
    assert progress.status("practice").state == "complete"


def test_sequential_locking_names_the_module_to_finish(session, done):
    course = _course("journey-course")
    enrollment = _enrolled(session, course)
    progress = course_progress(session, enrollment=enrollment, course=course)
    assert [progress.status(m.id).locked_by for m in course.modules] == [None, "welcome", "welcome"]
    with pytest.raises(learning.ModuleLocked) as raised:
        learning.open_module(
            session, user=_user(session, enrollment), course=course, module=course.modules[2]
        )
    assert "complete “Welcome” (module 1)" in raised.value.message


def _user(session, enrollment):  # type: ignore[no-untyped-def]
    from app.accounts.models import User

    return session.get(User, enrollment.user_id)


def test_mark_done_refused_for_modules_with_required_activities(session, done):
    course = _course("journey-course")
    enrollment = _enrolled(session, course)
    learning.mark_done(session, enrollment=enrollment, course=course, module=course.modules[0])
    with pytest.raises(learning.LearningError, match="required activities"):
        learning.mark_done(session, enrollment=enrollment, course=course, module=course.modules[1])


def test_real_activity_kinds_are_asked():
    """Exercises and reflections register as activity kinds: no silent zero progress."""
    assert sorted(k.name for k in activity_kinds()) == ["exercise", "reflection"]


def test_refresh_progress_does_not_commit(session, done):
    course = _course("free-course")
    enrollment = _enrolled(session, course)
    session.add(
        ModuleProgress(enrollment_id=enrollment.id, module_id="one", marked_done_at=utcnow())
    )
    refresh_progress(session, enrollment=enrollment, course=course)
    assert enrollment.percent == 50
    session.rollback()
    session.expire_all()
    stored = session.exec(select(Enrollment)).one()
    assert stored.percent == 0


def test_recompute_course_remeasures_without_touching_activity_time(session, done):
    course = _course("free-course")
    enrollment = _enrolled(session, course)
    learning.mark_done(session, enrollment=enrollment, course=course, module=course.modules[0])
    last_active = enrollment.last_activity_at
    assert enrollment.percent == 50
    shorter = replace(course, modules=course.modules[:1])
    assert (
        progress_module.recompute_course(session, course=shorter, course_id=enrollment.course_id)
        == 1
    )
    assert enrollment.percent == 100
    assert enrollment.completed_at is not None
    assert enrollment.last_activity_at == last_active
    assert (
        progress_module.recompute_course(session, course=shorter, course_id=enrollment.course_id)
        == 0
    )


def test_syncing_a_changed_course_remeasures_stored_progress(session, done):
    course = _course("free-course")
    enrollment = _enrolled(session, course)
    learning.mark_done(session, enrollment=enrollment, course=course, module=course.modules[0])
    session.commit()
    assert enrollment.percent == 50
    sync_course(session, course=replace(course, modules=course.modules[:1], version="v2"))
    session.expire_all()
    assert session.exec(select(Enrollment)).one().percent == 100
