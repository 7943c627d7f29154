"""What each report measure counts, written once as SQL over the raw rows.

``measure_rows(where, measures)`` selects (measure, course_id, organization_id, job_role,
cohort, key, value, n) for the active enrollments matching ``where``. The same statement
serves three purposes, so the rule for each figure lives here only:

- keeping the summary table current: run for one enrollment before and after a change, and
  add the difference (``app/reports/summary_tracking.py``);
- rebuilding the summary table from nothing (``groundwork reports rebuild``);
- reports filtered by enrollment date, which no summary row can answer: run live for the
  enrollments in the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import col

from app.accounts.models import User
from app.certificates.models import Certificate
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.learning.models import Enrollment, ModuleProgress
from app.surveys.models import SurveyAnswer, SurveyResponse


class Measure(StrEnum):
    """What a summary row counts (``key`` and ``value`` as noted; otherwise "" and 0)."""

    enrolled = "enrolled"
    completed = "completed"
    certified = "certified"  # an unrevoked certificate
    percent = "percent"  # value: the stored progress percent
    active_on = "active_on"  # key: the day of the last activity
    enrolled_week = "enrolled_week"  # key: the Monday of the week enrolled
    completed_week = "completed_week"  # key: the Monday of the week completed
    module_opened = "module_opened"  # key: module id (viewed or completed)
    module_completed = "module_completed"  # key: module id
    attempted = "attempted"  # value: exercise activity id
    first_correct = "first_correct"  # value: activity id
    correct = "correct"  # value: activity id
    attempts = "attempts"  # value: activity id; n counts attempts, not learners
    tries_to_correct = "tries_to_correct"  # key: the correct attempt's number; value: activity
    hinted = "hinted"  # value: activity id; learners who attempted and opened a hint
    wrong_answer = "wrong_answer"  # key: the normalised wrong answer; value: activity id
    rating = "rating"  # key: survey item id; value: the rating 1-5


class day_of(FunctionElement[str]):
    """The UTC day of a timestamp as text, YYYY-MM-DD."""

    type = String()
    inherit_cache = True


class week_of(FunctionElement[str]):
    """The Monday of a timestamp's ISO week (UTC) as text, YYYY-MM-DD."""

    type = String()
    inherit_cache = True


@compiles(day_of, "sqlite")
def _day_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(day_of, "postgresql")
def _day_pg(element: Any, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"to_char(({arg}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@compiles(week_of, "sqlite")
def _week_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # "weekday 0" moves forward to Sunday (staying on a Sunday); six days back is Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(week_of, "postgresql")
def _week_pg(element: Any, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"to_char(date_trunc('week', ({arg}) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"


COLUMNS = ("measure", "course_id", "organization_id", "job_role", "cohort", "key", "value", "n")


def _base(where: Iterable[Any]) -> Any:
    """The active enrollments matching ``where``, with their learner group (a CTE)."""
    return (
        sa_select(
            col(Enrollment.id).label("enrollment_id"),
            col(Enrollment.course_id).label("course_id"),
            func.coalesce(col(User.organization_id), 0).label("organization_id"),
            col(User.job_role).label("job_role"),
            func.coalesce(col(Enrollment.cohort), "").label("cohort"),
            col(Enrollment.percent).label("percent"),
            col(Enrollment.completed_at).label("completed_at"),
            col(Enrollment.enrolled_at).label("enrolled_at"),
            col(Enrollment.last_activity_at).label("last_activity_at"),
        )
        .select_from(Enrollment)
        .join(User, col(User.id) == col(Enrollment.user_id))
        .where(col(Enrollment.active).is_(True), *where)
        .cte("matching")
    )


_NO_KEY, _NO_VALUE = literal_column("''", String), literal_column("0", Integer)
Branches = dict[Measure, Callable[[], Any]]


class _Branch:
    """Makes the ``SELECT`` of one measure over the matching enrollments (``base``), grouped
    by learner group and by the measure's key and value."""

    def __init__(self, base: Any) -> None:
        self.base = base
        self.group = (base.c.course_id, base.c.organization_id, base.c.job_role, base.c.cohort)

    def __call__(
        self,
        measure: Measure,
        key: Any = _NO_KEY,
        value: Any = _NO_VALUE,
        *,
        joins: tuple[tuple[Any, Any], ...] = (),
        where: tuple[Any, ...] = (),
        n: Any = None,
    ) -> Any:
        stmt = sa_select(
            literal(measure.value).label("measure"),
            *self.group,
            key.label("key"),
            value.label("value"),
            (n if n is not None else func.count()).label("n"),
        ).select_from(self.base)
        for target, on in joins:
            stmt = stmt.join(target, on)
        varying = [x for x in (key, value) if x is not _NO_KEY and x is not _NO_VALUE]
        return stmt.where(*where).group_by(*self.group, *varying)


def _enrollment_branches(branch: _Branch) -> Branches:
    """Enrolled, completed, certified, progress, activity days and weeks."""
    base = branch.base
    unrevoked = and_(
        col(Certificate.enrollment_id) == base.c.enrollment_id,
        col(Certificate.revoked_at).is_(None),
    )
    return {
        Measure.enrolled: lambda: branch(Measure.enrolled),
        Measure.completed: lambda: branch(
            Measure.completed, where=(base.c.completed_at.is_not(None),)
        ),
        Measure.certified: lambda: branch(Measure.certified, joins=((Certificate, unrevoked),)),
        Measure.percent: lambda: branch(Measure.percent, value=base.c.percent),
        Measure.active_on: lambda: branch(
            Measure.active_on,
            key=day_of(base.c.last_activity_at),
            where=(base.c.last_activity_at.is_not(None),),
        ),
        Measure.enrolled_week: lambda: branch(
            Measure.enrolled_week, key=week_of(base.c.enrolled_at)
        ),
        Measure.completed_week: lambda: branch(
            Measure.completed_week,
            key=week_of(base.c.completed_at),
            where=(base.c.completed_at.is_not(None),),
        ),
    }


def _module_branches(branch: _Branch) -> Branches:
    """Modules opened and completed."""
    progress = ModuleProgress
    on_progress = ((progress, col(progress.enrollment_id) == branch.base.c.enrollment_id),)
    # Opened: viewed, or completed (an activity answered from elsewhere can complete a
    # module before a visit is recorded).
    opened = or_(
        col(progress.first_viewed_at).is_not(None), col(progress.completed_at).is_not(None)
    )
    return {
        Measure.module_opened: lambda: branch(
            Measure.module_opened, key=col(progress.module_id), joins=on_progress, where=(opened,)
        ),
        Measure.module_completed: lambda: branch(
            Measure.module_completed,
            key=col(progress.module_id),
            joins=on_progress,
            where=(col(progress.completed_at).is_not(None),),
        ),
    }


def _exercise_branches(branch: _Branch) -> Branches:
    """Exercise attempts, correct answers, tries, hints and wrong answers.

    The exercises domain numbers each learner's attempts from 1 and stores nothing after a
    correct one, so plain counts give learners (no COUNT(DISTINCT)).
    """
    attempt, state, base = ExerciseAttempt, ExerciseState, branch.base
    on_attempt = ((attempt, col(attempt.enrollment_id) == base.c.enrollment_id),)
    activity = col(attempt.activity_id)
    first = col(attempt.number) == 1
    right = col(attempt.correct).is_(True)
    attempted_it = exists().where(
        col(attempt.enrollment_id) == col(state.enrollment_id),
        col(attempt.activity_id) == col(state.activity_id),
        col(attempt.number) == 1,
    )
    return {
        Measure.attempted: lambda: branch(
            Measure.attempted, value=activity, joins=on_attempt, where=(first,)
        ),
        Measure.first_correct: lambda: branch(
            Measure.first_correct, value=activity, joins=on_attempt, where=(first, right)
        ),
        Measure.correct: lambda: branch(
            Measure.correct, value=activity, joins=on_attempt, where=(right,)
        ),
        Measure.attempts: lambda: branch(Measure.attempts, value=activity, joins=on_attempt),
        Measure.tries_to_correct: lambda: branch(
            Measure.tries_to_correct,
            key=cast(col(attempt.number), String),
            value=activity,
            joins=on_attempt,
            where=(right,),
        ),
        Measure.hinted: lambda: branch(
            Measure.hinted,
            value=col(state.activity_id),
            joins=((state, col(state.enrollment_id) == base.c.enrollment_id),),
            where=(col(state.hints_revealed) > 0, attempted_it),
        ),
        Measure.wrong_answer: lambda: branch(
            Measure.wrong_answer,
            key=col(attempt.normalized_answer),
            value=activity,
            joins=on_attempt,
            where=(col(attempt.correct).is_(False),),
            n=func.count(func.distinct(base.c.enrollment_id)),
        ),
    }


def _survey_branches(branch: _Branch) -> Branches:
    """Survey ratings per statement."""
    submitted = and_(
        col(SurveyResponse.enrollment_id) == branch.base.c.enrollment_id,
        col(SurveyResponse.submitted_at).is_not(None),
    )
    return {
        Measure.rating: lambda: branch(
            Measure.rating,
            key=col(SurveyAnswer.item_id),
            value=col(SurveyAnswer.value),
            joins=(
                (SurveyResponse, submitted),
                (SurveyAnswer, col(SurveyAnswer.response_id) == col(SurveyResponse.id)),
            ),
        ),
    }


def measure_rows(where: Iterable[Any], measures: Iterable[Measure] | None = None) -> Any:
    """One statement selecting ``COLUMNS`` for every wanted measure (all by default).

    ``where`` holds conditions on ``Enrollment`` and ``User`` (a report's scope, one
    enrollment's id, or nothing). Rows are grouped, so n is a count per (group, key, value).
    """
    branch = _Branch(_base(where))
    wanted = set(Measure) if measures is None else set(measures)
    builders = {
        **_enrollment_branches(branch),
        **_module_branches(branch),
        **_exercise_branches(branch),
        **_survey_branches(branch),
    }
    branches = [builders[m]() for m in Measure if m in wanted]
    return union_all(*branches) if len(branches) > 1 else branches[0]
