"""Sync: rows keyed by stable ids survive renames and reordering; removed content retires."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.content.loader import load_course
from app.content.models import ActivityRecord, CourseRecord, ModuleRecord
from app.content.sync import (
    activity_record_id,
    course_record_id,
    orphaned_learner_data,
    sync_course,
)
from app.learning.models import Enrollment, ModuleProgress
from tests.factories import make_user

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "good" / "sample-course", tmp_path / "sample-course")
    return tmp_path / "sample-course"


def _load(course_dir: Path):  # type: ignore[no-untyped-def]
    result = load_course(course_dir, content_root=course_dir.parent)
    assert result.course is not None, [str(p) for p in result.problems]
    return result.course


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert old in text
    path.write_text(text.replace(old, new))


def _modules(session: Session) -> dict[str, ModuleRecord]:
    return {m.stable_id: m for m in session.exec(select(ModuleRecord))}


def _activities(session: Session) -> dict[str, ActivityRecord]:
    return {a.stable_id: a for a in session.exec(select(ActivityRecord))}


def test_first_sync_creates_rows(session: Session, course_dir: Path) -> None:
    course = _load(course_dir)
    report = sync_course(session, course=course)
    assert "course sample-course" in report.created
    record = session.exec(select(CourseRecord)).one()
    assert record.slug == "sample-course"
    assert record.content_hash == course.version
    assert record.status == "published"
    modules = _modules(session)
    assert {k: m.position for k, m in modules.items()} == {
        "welcome": 1,
        "data": 2,
        "explore-data": 3,
    }
    activities = _activities(session)
    assert set(activities) == {
        "first-thoughts",
        "optional-note",
        "data-reflection",
        "el-gap",
        "which-school",
        "literal-choice",
    }
    assert activities["el-gap"].kind == "exercise"
    assert activities["which-school"].required is False
    assert activities["el-gap"].module_id == modules["explore-data"].id
    assert activities["optional-note"].required is False
    assert activities["first-thoughts"].module_id == modules["welcome"].id
    assert activities["first-thoughts"].kind == "reflection"
    assert (
        activity_record_id(session, course_slug="sample-course", activity_id="first-thoughts")
        == activities["first-thoughts"].id
    )
    assert course_record_id(session, course_slug="sample-course") == record.id
    with pytest.raises(LookupError):
        activity_record_id(session, course_slug="sample-course", activity_id="nope")
    again = sync_course(session, course=course)
    assert again.created == []
    assert again.retired == []
    assert again.renamed == []


def test_file_rename_and_reorder_keep_rows(session: Session, course_dir: Path) -> None:
    sync_course(session, course=_load(course_dir))
    before_modules = {k: m.id for k, m in _modules(session).items()}
    before_activities = {k: a.id for k, a in _activities(session).items()}
    modules = course_dir / "modules"
    (modules / "01-welcome.md").rename(modules / "05-hello.md")
    _edit(
        course_dir / "course.yaml",
        "  - 01-welcome.md\n  - 02-data.md\n",
        "  - 02-data.md\n  - 05-hello.md\n",
    )
    _edit(modules / "02-data.md", "[welcome](01-welcome.md)", "[welcome](05-hello.md)")
    _edit(course_dir / "course.yaml", "(modules/01-welcome.md)", "(modules/05-hello.md)")
    report = sync_course(session, course=_load(course_dir))
    assert report.created == []
    assert report.retired == []
    after = _modules(session)
    assert {k: m.id for k, m in after.items()} == before_modules
    assert after["data"].position == 1
    assert after["welcome"].position == 2
    assert {k: a.id for k, a in _activities(session).items()} == before_activities


def test_id_rename_through_previous_ids_keeps_row(session: Session, course_dir: Path) -> None:
    sync_course(session, course=_load(course_dir))
    module_id = _modules(session)["data"].id
    activity_id = _activities(session)["data-reflection"].id
    path = course_dir / "modules" / "02-data.md"
    _edit(path, "id: data\n", "id: looking-at-data\nprevious_ids: [data]\n")
    _edit(
        path,
        "{reflection} data-reflection\n",
        "{reflection} noticing\nprevious_ids: [data-reflection]\n",
    )
    report = sync_course(session, course=_load(course_dir))
    assert report.renamed == [
        "module data -> looking-at-data",
        "activity data-reflection -> noticing",
    ]
    assert _modules(session)["looking-at-data"].id == module_id
    assert _activities(session)["noticing"].id == activity_id
    assert (
        activity_record_id(session, course_slug="sample-course", activity_id="noticing")
        == activity_id
    )


def test_removed_module_is_retired_and_restored(session: Session, course_dir: Path) -> None:
    sync_course(session, course=_load(course_dir))
    _edit(course_dir / "course.yaml", "  - 02-data.md\n", "")
    (course_dir / "modules" / "02-data.md").rename(course_dir / "removed.md")
    _edit(course_dir / "modules" / "01-welcome.md", "(02-data.md#looking-closer)", "(#x)")
    report = sync_course(session, course=_load(course_dir))
    assert report.retired == ["module data", "activity data-reflection"]
    modules = _modules(session)
    assert modules["data"].retired_at is not None
    assert modules["welcome"].retired_at is None
    assert _activities(session)["data-reflection"].retired_at is not None
    (course_dir / "removed.md").rename(course_dir / "modules" / "02-data.md")
    _edit(course_dir / "course.yaml", "  - 01-welcome.md\n", "  - 01-welcome.md\n  - 02-data.md\n")
    report = sync_course(session, course=_load(course_dir))
    assert report.restored == ["module data", "activity data-reflection"]
    assert _modules(session)["data"].retired_at is None


def _progress_on(session: Session, course_slug: str, module_id: str) -> None:
    user = make_user(session)
    enrollment = Enrollment(
        user_id=user.id, course_id=course_record_id(session, course_slug=course_slug)
    )
    session.add(enrollment)
    session.flush()
    session.add(ModuleProgress(enrollment_id=enrollment.id, module_id=module_id))
    session.commit()


def test_rename_without_previous_ids_is_reported(session: Session, course_dir: Path) -> None:
    sync_course(session, course=_load(course_dir))
    _progress_on(session, "sample-course", "data")
    _edit(course_dir / "modules" / "02-data.md", "id: data\n", "id: looking-at-data\n")
    problems = orphaned_learner_data(session, course=_load(course_dir))
    assert [str(p) for p in problems] == [
        "sample-course/course.yaml:0: module id 'data' is gone but 1 learner record(s) refer "
        "to it; if you renamed it to 'looking-at-data', add 'previous_ids: [data]' to its front "
        "matter so learners keep their progress"
    ]
    assert problems[0].severity == "error"
    _edit(
        course_dir / "modules" / "02-data.md",
        "id: looking-at-data\n",
        "id: looking-at-data\nprevious_ids: [data]\n",
    )
    assert orphaned_learner_data(session, course=_load(course_dir)) == []


def test_rename_already_synced_is_still_reported(session: Session, course_dir: Path) -> None:
    sync_course(session, course=_load(course_dir))
    _progress_on(session, "sample-course", "data")
    _edit(course_dir / "modules" / "02-data.md", "id: data\n", "id: looking-at-data\n")
    renamed = _load(course_dir)
    sync_course(session, course=renamed)  # e.g. the development watcher got there first
    [problem] = orphaned_learner_data(session, course=renamed)
    assert problem.severity == "warning"
    assert "module id 'data' is gone but 1 learner record(s) refer to it" in problem.message
    assert "add 'previous_ids: [data]'" in problem.message


def test_previous_ids_added_after_a_synced_rename_reclaim_the_data(
    session: Session, course_dir: Path
) -> None:
    from app.reflections.models import LearnerReflection

    sync_course(session, course=_load(course_dir))
    old_pk = _activities(session)["data-reflection"].id
    user = make_user(session)
    course_pk = course_record_id(session, course_slug="sample-course")
    session.add(
        LearnerReflection(
            user_id=user.id,
            course_id=course_pk,
            activity_id=old_pk,
            activity_stable_id="data-reflection",
            module_stable_id="data",
            module_title="Looking at data",
            prompt_html="<p>What do you notice?</p>",
        )
    )
    session.commit()
    path = course_dir / "modules" / "02-data.md"
    _edit(path, "{reflection} data-reflection\n", "{reflection} noticing\n")
    sync_course(session, course=_load(course_dir))  # synced before the author fixed it
    assert _activities(session)["data-reflection"].retired_at is not None
    _edit(
        path, "{reflection} noticing\n", "{reflection} noticing\nprevious_ids: [data-reflection]\n"
    )
    report = sync_course(session, course=_load(course_dir))
    assert report.renamed == ["activity data-reflection -> noticing"]
    activities = _activities(session)
    assert activities["noticing"].id == old_pk
    assert activities["noticing"].retired_at is None
    parked = [a for key, a in activities.items() if key.startswith("noticing~")]
    assert len(parked) == 1
    assert parked[0].retired_at is not None
    assert orphaned_learner_data(session, course=_load(course_dir)) == []


def test_a_question_replaced_on_purpose_is_listed_in_retired_ids(
    session: Session, course_dir: Path
) -> None:
    from app.reflections.models import LearnerReflection

    sync_course(session, course=_load(course_dir))
    user = make_user(session)
    session.add(
        LearnerReflection(
            user_id=user.id,
            course_id=course_record_id(session, course_slug="sample-course"),
            activity_id=_activities(session)["data-reflection"].id,
            activity_stable_id="data-reflection",
            module_stable_id="data",
            module_title="Looking at data",
            prompt_html="<p>What do you notice?</p>",
        )
    )
    session.commit()
    path = course_dir / "modules" / "02-data.md"
    _edit(path, "{reflection} data-reflection\n", "{reflection} a-different-question\n")
    [problem] = orphaned_learner_data(session, course=_load(course_dir))
    assert problem.severity == "error"  # new ids appeared: it looks like a rename
    _edit(path, "id: data\n", "id: data\nretired_ids: [data-reflection]\n")
    assert orphaned_learner_data(session, course=_load(course_dir)) == []
    report = sync_course(session, course=_load(course_dir))
    assert report.retired == ["activity data-reflection"]  # the learner's work is kept


def test_a_retired_id_still_in_use_is_an_error(course_dir: Path) -> None:
    _edit(
        course_dir / "modules" / "02-data.md",
        "id: data\n",
        "id: data\nretired_ids: [data-reflection]\n",
    )
    result = load_course(course_dir, content_root=course_dir.parent)
    assert [str(p) for p in result.errors] == [
        "sample-course/modules/02-data.md:0: retired_ids: 'data-reflection' is still the id of "
        "a directive in this course"
    ]
