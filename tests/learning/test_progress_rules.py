"""The progress rules (docs/progress.md) on the pure evaluation, no database: each rule at
its edge, written against the survivors of mutation testing (docs/testing.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.content.course import Course, MarkdownBlock, Module, Survey, SurveyItem
from app.learning.models import ModuleProgress
from app.learning.progress import _evaluate, evaluate, row_for
from app.reflections.spec import Reflection

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
SURVEY = Survey(items=(SurveyItem(id="useful", text="Useful"),), comment_prompt="Anything else?")


def _module(mid: str, *blocks: object, previous: tuple[str, ...] = ()) -> Module:
    return Module(
        id=mid,
        title=mid.title(),
        minutes=5,
        objectives=(),
        previous_ids=previous,
        blocks=(MarkdownBlock(html="<p>Read</p>"), *blocks),  # type: ignore[arg-type]
        file=f"c/modules/{mid}.md",
        position=1,
        content_hash=mid,
    )


def _reflection(rid: str, *, required: bool = True) -> Reflection:
    return Reflection(id=rid, prompt_html="<p>?</p>", required=required)


def _course(
    *modules: Module,
    sequential: bool = False,
    survey: Survey | None = None,
    require_survey: bool = False,
) -> Course:
    return Course(
        slug="c",
        title="C",
        summary_html="",
        description_html="",
        outcomes=(),
        status="published",
        hours=1.0,
        sequencing="sequential" if sequential else "free",
        modules=modules,
        survey=survey,
        require_survey=require_survey,
        version="v1",
        datasets={},
        root=Path("c"),
    )


def _row(mid: str, **times: datetime) -> ModuleProgress:
    return ModuleProgress(enrollment_id=1, module_id=mid, **times)


# A: two required reflections and an optional one; B: nothing to answer (marked done).
COURSE = _course(
    _module("a", _reflection("r1"), _reflection("r2"), _reflection("extra", required=False)),
    _module("b"),
    _module("c", _reflection("r3")),
)


def test_a_module_counts_its_required_activities_only() -> None:
    progress = evaluate(COURSE, rows={}, done={"r1", "extra"}, surveyed=False)
    a = progress.status("a")
    assert a is not None
    assert a.module_id == "a"
    assert (a.state, a.required_total, a.required_done) == ("in_progress", 2, 1)
    assert (a.needs_mark, a.marked_done, a.viewed, a.locked_by) == (False, False, False, None)
    assert a.label == "In progress"
    done = evaluate(COURSE, rows={}, done={"r1", "r2"}, surveyed=False).status("a")
    assert done is not None
    assert done.state == "complete"
    assert done.required_done == 2


def test_an_optional_activity_alone_starts_a_module() -> None:
    progress = evaluate(COURSE, rows={}, done={"extra"}, surveyed=False)
    assert [progress.status(m).state for m in ("a", "b", "c")] == [  # type: ignore[union-attr]
        "in_progress",
        "not_started",
        "not_started",
    ]
    assert progress.status("a").required_done == 0  # type: ignore[union-attr]


def test_a_module_without_required_activities_is_complete_when_marked() -> None:
    rows = {"b": _row("b", first_viewed_at=NOW)}
    viewed = evaluate(COURSE, rows=rows, done=set(), surveyed=False)
    b = viewed.status("b")
    assert b is not None
    assert (b.state, b.needs_mark, b.viewed, b.marked_done) == ("in_progress", True, True, False)
    assert b.required_total == 0
    assert b.label == "In progress"
    marked = evaluate(COURSE, rows={"b": _row("b", marked_done_at=NOW)}, done=set(), surveyed=False)
    b = marked.status("b")
    assert b is not None
    assert (b.state, b.marked_done, b.viewed) == ("complete", True, False)
    assert b.label == "Complete"
    assert marked.completed_modules == 1
    assert marked.percent == 33


def test_not_started_until_viewed_or_answered() -> None:
    progress = evaluate(COURSE, rows={}, done=set(), surveyed=False)
    c = progress.status("c")
    assert c is not None
    assert (c.state, c.label, c.viewed) == ("not_started", "Not started", False)
    assert progress.status("nope") is None
    assert (progress.completed_modules, progress.total_modules, progress.percent) == (0, 3, 0)
    assert not progress.complete


def test_a_stored_completion_is_sticky_and_not_new() -> None:
    rows = {"a": _row("a", completed_at=NOW)}
    progress, newly = _evaluate(COURSE, rows, set(), False)
    assert progress.status("a").state == "complete"  # type: ignore[union-attr]
    assert newly == []


def test_only_modules_completed_by_these_facts_are_new() -> None:
    rows = {"a": _row("a", completed_at=NOW), "b": _row("b", marked_done_at=NOW)}
    _, newly = _evaluate(COURSE, rows, {"r1", "r2", "r3"}, False)
    assert newly == ["b", "c"]
    _, newly = _evaluate(COURSE, {}, {"r3"}, False)
    assert newly == ["c"]


def test_a_renamed_module_finds_its_row_through_previous_ids() -> None:
    renamed = _module("new", previous=("older", "old"))
    rows = {"old": _row("old", completed_at=NOW), "other": _row("other")}
    assert row_for(rows, renamed) is rows["old"]
    both = {"older": _row("older"), "old": _row("old")}
    assert row_for(both, renamed) is both["older"]  # the first previous id wins
    own = {"new": _row("new"), "old": _row("old")}
    assert row_for(own, renamed) is own["new"]  # its own id before any previous one
    assert row_for({"other": _row("other")}, renamed) is None
    progress = evaluate(_course(renamed), rows=rows, done=set(), surveyed=False)
    assert progress.complete
    assert progress.percent == 100


def test_sequential_courses_lock_after_the_first_unfinished_module() -> None:
    course = _course(*COURSE.modules, sequential=True)
    progress = evaluate(course, rows={}, done={"r1", "r2"}, surveyed=False)
    assert [progress.status(m).locked_by for m in ("a", "b", "c")] == [  # type: ignore[union-attr]
        None,
        None,
        "b",
    ]
    assert progress.status("c").locked
    assert not progress.status("b").locked
    # A module completed out of order (content changed) is not locked.
    progress = evaluate(course, rows={}, done={"r3"}, surveyed=False)
    assert [progress.status(m).locked_by for m in ("a", "b", "c")] == [  # type: ignore[union-attr]
        None,
        "a",
        None,
    ]
    free = evaluate(COURSE, rows={}, done=set(), surveyed=False)
    assert all(not s.locked for s in free.modules.values())


def test_the_required_survey_is_one_more_step() -> None:
    course = _course(*COURSE.modules, survey=SURVEY, require_survey=True)
    every = {"r1", "r2", "r3"}
    marked = {"b": _row("b", marked_done_at=NOW)}
    waiting = evaluate(course, rows=marked, done=every, surveyed=False)
    assert (waiting.percent, waiting.complete, waiting.survey_required) == (75, False, True)
    assert waiting.awaiting_survey
    assert not waiting.survey_submitted
    done = evaluate(course, rows=marked, done=every, surveyed=True)
    assert (done.percent, done.complete, done.awaiting_survey) == (100, True, False)
    assert done.survey_submitted
    early = evaluate(course, rows={}, done=every, surveyed=True)
    assert (early.percent, early.complete, early.awaiting_survey) == (75, False, False)


@pytest.mark.parametrize(
    ("survey", "require"), [(SURVEY, False), (None, True)], ids=["not-required", "no-survey"]
)
def test_a_survey_not_required_or_absent_is_no_step(survey: Survey | None, require: bool) -> None:
    course = _course(*COURSE.modules, survey=survey, require_survey=require)
    marked = {"b": _row("b", marked_done_at=NOW)}
    progress = evaluate(course, rows=marked, done={"r1", "r2", "r3"}, surveyed=False)
    assert (progress.percent, progress.complete, progress.survey_required) == (100, True, False)
    assert not progress.awaiting_survey


def test_a_course_without_modules_is_at_zero_percent() -> None:
    progress = evaluate(_course(), rows={}, done=set(), surveyed=False)
    assert (progress.percent, progress.total_modules, progress.modules) == (0, 0, {})


@given(
    done=st.sets(st.sampled_from(["r1", "r2", "r3", "extra"])),
    marked=st.booleans(),
    surveyed=st.booleans(),
    require_survey=st.booleans(),
)
def test_percent_is_the_floor_of_the_steps_done(
    done: set[str], marked: bool, surveyed: bool, require_survey: bool
) -> None:
    """Percent = floor(100 * steps done / steps); complete exactly when every step is done."""
    course = _course(*COURSE.modules, survey=SURVEY, require_survey=require_survey)
    rows = {"b": _row("b", marked_done_at=NOW)} if marked else {}
    progress = evaluate(course, rows=rows, done=frozenset(done), surveyed=surveyed)
    modules_done = int({"r1", "r2"} <= done) + int(marked) + int("r3" in done)
    steps, steps_done = 3, modules_done
    if require_survey:
        steps, steps_done = 4, modules_done + int(surveyed)
    assert progress.completed_modules == modules_done
    assert progress.percent == 100 * steps_done // steps
    assert progress.complete == (steps_done == steps)
    assert list(progress.modules) == ["a", "b", "c"]
