"""Staff reports: aggregate queries (GROUP BY in the database) and the tables built from them.

Every report selects enrollments through ``_conditions``: active enrollments of the chosen
courses, of learners inside the staff member's organization scope, matching the filters.
Each report is one function returning a ``Table``; the page and the CSV export both call it,
so their numbers cannot differ. What each figure means is written in ``docs/reports.md``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, String, and_, case, cast, func, literal, null, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.accounts.models import JOB_ROLE_LABELS, Organization, User
from app.accounts.staff_scope import may_see_organization, organization_scope, scope_condition
from app.certificates.models import Certificate
from app.content.course import Course
from app.content.models import ActivityRecord, CourseRecord
from app.datasets.suppression import suppress
from app.db import utcnow
from app.exercises.models import ExerciseAttempt
from app.learning.models import Enrollment
from app.reflections.text import html_to_text
from app.reports.csv import write_csv
from app.reports.filters import JOB_ROLE_CHOICES, FilterChoices, ReportFilters, parse_filters
from app.reports.tables import CellValue, Column, Hidden, Table
from app.surveys.models import SurveyAnswer, SurveyResponse
from app.surveys.service import AGREE_VALUES, SCALE

ACTIVE_DAYS = 30
COMMENTS_ON_SCREEN = 100
COMPLEMENTARY_TEXT = "hidden to protect a small group"

_FIGURES = (
    Column("enrolled", "Enrolled", "count"),
    Column("active", f"Active in last {ACTIVE_DAYS} days", "count"),
    Column("completed", "Completed", "count"),
    Column("completion_rate", "Completion rate (%)", "percent"),
    Column("median_percent", "Median progress (%)", "percent"),
    Column("certificates", "Certificates issued", "count"),
)
_COURSE = Column("course", "Course")
GROUPINGS: dict[str, tuple[str, str]] = {
    # report name -> (column label, what the group is)
    "by-organization": ("Organization", "organization"),
    "by-job-role": ("Job role", "job role"),
    "by-cohort": ("Cohort", "cohort"),
}
REPORTS = (
    "overview",
    *GROUPINGS,
    "exercises",
    "feedback",
    "feedback-comments",
    "enrollments",
)


class UnknownReport(Exception):
    """There is no report with that name."""


@dataclass
class _Figures:
    """Enrollment counts of one group, and its progress as a histogram of percents."""

    enrolled: int = 0
    active: int = 0
    completed: int = 0
    certificates: int = 0
    percents: Counter[int] = field(default_factory=Counter)

    def cells(self) -> tuple[CellValue, ...]:
        rate = 100 * self.completed / self.enrolled if self.enrolled else None
        return (
            self.enrolled,
            self.active,
            self.completed,
            rate,
            median(self.percents),
            self.certificates,
        )


def median(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many}; the mean of the middle two if even."""
    n = sum(histogram.values())
    if n == 0:
        return None
    wanted = [(n - 1) // 2, n // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return (found[0] + found[1]) / 2


def _small(min_n: int) -> Hidden:
    return Hidden(f"fewer than {min_n} learners")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# -- Selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """What a report covers: the courses (in display order) and the filters, for one staff."""

    staff: User
    filters: ReportFilters
    courses: list[tuple[int, Course]]  # (course row id, course)
    min_n: int

    @property
    def restricted(self) -> bool:
        """True when the whole report describes a group (a one-organization scope or filter)."""
        return self.filters.narrows_to_group or organization_scope(self.staff) is not None

    def conditions(self) -> list[Any]:
        """WHERE conditions selecting the enrollments this report describes."""
        f = self.filters
        conds: list[Any] = [
            col(Enrollment.active).is_(True),
            col(Enrollment.course_id).in_([cid for cid, _ in self.courses]),
        ]
        scope = scope_condition(self.staff, User.organization_id)
        if scope is not None:
            conds.append(scope)
        if f.organization_id is not None:
            conds.append(col(User.organization_id) == f.organization_id)
        if f.job_role:
            conds.append(col(User.job_role) == f.job_role)
        if f.cohort:
            conds.append(col(Enrollment.cohort) == f.cohort)
        if f.enrolled_from is not None:
            conds.append(col(Enrollment.enrolled_at) >= _day_start(f.enrolled_from))
        if f.enrolled_to is not None:
            end = _day_start(f.enrolled_to) + timedelta(days=1)
            conds.append(col(Enrollment.enrolled_at) < end)
        return conds

    def hide_small(self, n: int) -> bool:
        """True when a figure about ``n`` learners must be withheld in this report."""
        return self.restricted and 0 < n < self.min_n


def filter_choices(
    session: Session, *, staff: User, courses: Mapping[str, Course]
) -> FilterChoices:
    """Courses, organizations (in scope), job roles and cohorts (in scope) to filter by."""
    scope = organization_scope(staff)
    orgs_stmt = select(Organization.id, Organization.name).order_by(Organization.name)
    if scope is not None:
        orgs_stmt = orgs_stmt.where(Organization.id == scope)
    orgs = [(i, n) for i, n in session.exec(orgs_stmt).all() if i is not None]
    cohort_stmt = (
        select(Enrollment.cohort)
        .join(User, col(User.id) == col(Enrollment.user_id))
        .where(col(Enrollment.cohort).is_not(None))
        .distinct()
        .order_by(col(Enrollment.cohort))
    )
    condition = scope_condition(staff, User.organization_id)
    if condition is not None:
        cohort_stmt = cohort_stmt.where(condition)
    cohorts = [c for c in session.exec(cohort_stmt).all() if c]
    return FilterChoices(
        courses=[(c.slug, c.title) for c in sorted(courses.values(), key=lambda c: c.title)],
        organizations=orgs,
        job_roles=JOB_ROLE_CHOICES,
        cohorts=cohorts,
        scoped_to=orgs[0][1] if scope is not None and orgs else None,
    )


def _scope(
    session: Session,
    *,
    staff: User,
    filters: ReportFilters,
    courses: Mapping[str, Course],
    min_n: int,
) -> _Scope:
    wanted = [filters.course] if filters.course else list(courses)
    rows = session.exec(
        select(CourseRecord.slug, CourseRecord.id).where(col(CourseRecord.slug).in_(wanted))
    )
    ids = {slug: course_id for slug, course_id in rows if course_id is not None}
    chosen = sorted(
        ((ids[slug], courses[slug]) for slug in wanted if slug in ids and slug in courses),
        key=lambda pair: pair[1].title,
    )
    return _Scope(staff=staff, filters=filters, courses=chosen, min_n=min_n)


# -- Enrollment figures ---------------------------------------------------------------------


def _enrollment_figures(
    session: Session, scope: _Scope, groupings: list[str]
) -> dict[str, dict[tuple[int, Any], _Figures]]:
    """Figures per (course id, group) for the overview (group None) and each grouping.

    One statement: the matching enrollments are selected once (a CTE used by every branch,
    which SQLite and PostgreSQL materialise), then each grouping is a GROUP BY over it, joined
    with UNION ALL. Progress is grouped by its percent (0-100), so medians come from at most
    101 buckets per group.
    """
    since = utcnow() - timedelta(days=ACTIVE_DAYS)
    base = (
        select(  # type: ignore[call-overload]  # SQLModel types at most four columns
            col(Enrollment.course_id).label("course_id"),
            col(Enrollment.percent).label("percent"),
            case((col(Enrollment.completed_at).is_not(None), 1), else_=0).label("completed"),
            case((col(Enrollment.last_activity_at) >= since, 1), else_=0).label("active"),
            case((col(Certificate.id).is_not(None), 1), else_=0).label("certified"),
            col(User.organization_id).label("organization"),
            col(User.job_role).label("job_role"),
            col(Enrollment.cohort).label("cohort"),
        )
        .select_from(Enrollment)
        .join(User, col(User.id) == col(Enrollment.user_id))
        .outerjoin(
            Certificate,
            and_(
                col(Certificate.enrollment_id) == col(Enrollment.id),
                col(Certificate.revoked_at).is_(None),
            ),
        )
        .where(*scope.conditions())
        .cte("matching")
    )
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    # grouping -> (its integer key, its text key, the column it groups by)
    keys: dict[str, tuple[Any, Any, Any]] = {
        "overview": (no_int, no_text, None),
        "by-organization": (base.c.organization, no_text, base.c.organization),
        "by-job-role": (no_int, base.c.job_role, base.c.job_role),
        "by-cohort": (no_int, base.c.cohort, base.c.cohort),
    }
    branches = []
    for name in ["overview", *groupings]:
        int_key, text_key, group_col = keys[name]
        branches.append(
            sa_select(
                literal(name).label("grouping"),
                base.c.course_id,
                base.c.percent,
                int_key.label("int_key"),
                text_key.label("text_key"),
                func.count().label("n"),
                func.sum(base.c.completed),
                func.sum(base.c.active),
                func.sum(base.c.certified),
            ).group_by(
                base.c.course_id, base.c.percent, *([group_col] if group_col is not None else [])
            )
        )
    result: dict[str, dict[tuple[int, Any], _Figures]] = {"overview": {}}
    result.update({name: {} for name in groupings})
    for name, course_id, percent, int_key, text_key, n, completed, active, certified in (
        session.execute(union_all(*branches))  # type: ignore[deprecated]
    ):
        key = (course_id, int_key if name == "by-organization" else text_key)
        figures = result[name].get(key)
        if figures is None:
            figures = result[name][key] = _Figures()
        figures.enrolled += n
        figures.active += int(active or 0)
        figures.completed += int(completed or 0)
        figures.certificates += int(certified or 0)
        figures.percents[percent] += n
    return result


def _overview(scope: _Scope, by_course: dict[tuple[int, Any], _Figures]) -> Table:
    table = Table("overview", "Enrollment and completion by course", (_COURSE, *_FIGURES))
    for course_id, course in scope.courses:
        figures = by_course.get((course_id, None), _Figures())
        table.described += figures.enrolled
        if scope.hide_small(figures.enrolled):
            table.rows.append((course.title, *[_small(scope.min_n)] * len(_FIGURES)))
        else:
            table.rows.append((course.title, *figures.cells()))
    return table


def _group_labels(session: Session, name: str, keys: set[Any]) -> dict[Any, str]:
    if name == "by-organization":
        ids = [k for k in keys if k is not None]
        rows = session.exec(
            select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))
        )
        labels: dict[Any, str] = dict(rows.all())
        labels[None] = "No organization"
        return labels
    if name == "by-job-role":
        return {k: JOB_ROLE_LABELS.get(k, str(k)) for k in keys}
    return {k: k if k else "No cohort" for k in keys}


def _breakdown(
    session: Session, scope: _Scope, name: str, figures: dict[tuple[int, Any], _Figures]
) -> Table:
    label, _ = GROUPINGS[name]
    title = f"Enrollment and completion by {label.lower()}"
    table = Table(name, title, (_COURSE, Column("group", label), *_FIGURES))
    labels = _group_labels(session, name, {key for _, key in figures})
    for course_id, course in scope.courses:
        groups = sorted(
            ((labels[key], f) for (cid, key), f in figures.items() if cid == course_id),
            key=lambda pair: pair[0].casefold(),
        )
        if not groups:
            continue
        ns = [f.enrolled for _, f in groups]
        table.described += sum(ns)
        statuses, _ = suppress(
            labels=[(g,) for g, _ in groups],
            ns=ns,
            outcomes=None,
            total_n=sum(ns),
            total_outcome=None,
            min_n=scope.min_n,
            coding=0,
        )
        for (group_label, f), status in zip(groups, statuses, strict=True):
            if status == "shown":
                table.rows.append((course.title, group_label, *f.cells()))
            else:
                hidden = (
                    _small(scope.min_n) if status == "suppressed" else Hidden(COMPLEMENTARY_TEXT)
                )
                table.rows.append((course.title, group_label, *[hidden] * len(_FIGURES)))
    return table


def _enrollment_tables(session: Session, scope: _Scope, names: list[str]) -> dict[str, Table]:
    """The overview and breakdown tables among ``names``, from one query."""
    groupings = [name for name in names if name in GROUPINGS]
    figures = _enrollment_figures(session, scope, groupings)
    tables = {"overview": _overview(scope, figures["overview"])}
    for name in groupings:
        tables[name] = _breakdown(session, scope, name, figures[name])
    return {name: table for name, table in tables.items() if name in names}


# -- Exercises ------------------------------------------------------------------------------


def _exercises(session: Session, scope: _Scope) -> Table:
    table = Table(
        "exercises",
        "Exercises",
        (
            _COURSE,
            Column("module", "Module"),
            Column("exercise", "Exercise"),
            Column("attempted", "Learners who attempted", "count"),
            Column("first_correct", "Correct on first attempt (%)", "percent"),
            Column("eventually_correct", "Correct eventually (%)", "percent"),
            Column("mean_attempts", "Mean attempts", "decimal"),
        ),
    )
    ids = dict(
        (
            (course_id, stable_id),
            activity_id,
        )
        for activity_id, course_id, stable_id in session.exec(
            select(ActivityRecord.id, ActivityRecord.course_id, ActivityRecord.stable_id).where(
                col(ActivityRecord.course_id).in_([cid for cid, _ in scope.courses]),
                ActivityRecord.kind == "exercise",
            )
        )
    )
    # The exercises domain numbers each learner's attempts from 1 and stores nothing after a
    # correct one, so sums give learners, first-time and eventual successes without a
    # COUNT(DISTINCT) (measured about twice as fast on SQLite).
    attempt = ExerciseAttempt
    first = col(attempt.number) == 1
    right = col(attempt.correct).is_(True)
    stmt = (
        select(  # type: ignore[call-overload]
            attempt.activity_id,
            func.sum(case((first, 1), else_=0)),
            func.sum(case((and_(first, right), 1), else_=0)),
            func.sum(case((right, 1), else_=0)),
            func.count(col(attempt.id)),
        )
        .join(Enrollment, col(Enrollment.id) == col(attempt.enrollment_id))
        .join(User, col(User.id) == col(Enrollment.user_id))
        .where(*scope.conditions())
        .group_by(attempt.activity_id)
    )
    stats = {row[0]: row[1:] for row in session.exec(stmt)}
    for course_id, course in scope.courses:
        for module in course.modules:
            for block in module.blocks:
                if block.kind != "exercise":
                    continue
                label = f"{block.id}: {_short(html_to_text(block.prompt_html))}"
                learners, first, eventually, attempts = stats.get(
                    ids.get((course_id, block.id)), (0, 0, 0, 0)
                )
                if scope.hide_small(learners):
                    figures: tuple[CellValue, ...] = (_small(scope.min_n),) * 4
                elif learners == 0:
                    figures = (0, None, None, None)
                else:
                    figures = (
                        learners,
                        100 * (first or 0) / learners,
                        100 * eventually / learners,
                        attempts / learners,
                    )
                table.rows.append((course.title, module.title, label, *figures))
    return table


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- Feedback -------------------------------------------------------------------------------


def _feedback(session: Session, scope: _Scope) -> Table:
    scale = tuple(Column(f"rated_{v}", f"{v} {label} (n)", "count") for v, label in SCALE)
    table = Table(
        "feedback",
        "Feedback survey",
        (
            _COURSE,
            Column("statement", "Statement"),
            Column("responses", "Responses", "count"),
            Column("agree", "Agree or strongly agree (%)", "percent"),
            *scale,
        ),
    )
    stmt = (
        select(SurveyResponse.course_id, SurveyAnswer.item_id, SurveyAnswer.value, func.count())
        .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
        .join(Enrollment, col(Enrollment.id) == col(SurveyResponse.enrollment_id))
        .join(User, col(User.id) == col(Enrollment.user_id))
        .where(*scope.conditions(), col(SurveyResponse.submitted_at).is_not(None))
        .group_by(col(SurveyResponse.course_id), col(SurveyAnswer.item_id), col(SurveyAnswer.value))
    )
    counts: dict[tuple[int, str], Counter[int]] = {}
    for course_id, item_id, value, n in session.exec(stmt):
        counts.setdefault((course_id, item_id), Counter())[value] += n
    for course_id, course in scope.courses:
        if course.survey is None:
            continue
        for item in course.survey.items:
            dist = counts.get((course_id, item.id), Counter())
            responses = sum(dist.values())
            if scope.hide_small(responses):
                figures: tuple[CellValue, ...] = (_small(scope.min_n),) * (2 + len(SCALE))
            else:
                agree = sum(dist[v] for v in AGREE_VALUES)
                rate = 100 * agree / responses if responses else None
                figures = (responses, rate, *(dist[v] for v, _ in SCALE))
            table.rows.append((course.title, item.text, *figures))
    return table


def _comments(session: Session, scope: _Scope) -> Table:
    table = Table(
        "feedback-comments",
        "Feedback comments",
        (
            _COURSE,
            Column("learner", "Learner"),
            Column("organization", "Organization"),
            Column("submitted_at", "Submitted at", "datetime"),
            Column("comment", "Comment"),
        ),
    )
    titles = {cid: course.title for cid, course in scope.courses}
    stmt = (
        select(  # type: ignore[call-overload]
            SurveyResponse.course_id,
            User.display_name,
            User.organization_id,
            Organization.name,
            SurveyResponse.submitted_at,
            SurveyResponse.comment,
        )
        .join(Enrollment, col(Enrollment.id) == col(SurveyResponse.enrollment_id))
        .join(User, col(User.id) == col(Enrollment.user_id))
        .outerjoin(Organization, col(Organization.id) == col(User.organization_id))
        .where(
            *scope.conditions(),
            col(SurveyResponse.submitted_at).is_not(None),
            col(SurveyResponse.comment).is_not(None),
            SurveyResponse.comment != "",
        )
        .order_by(col(SurveyResponse.submitted_at).desc(), col(SurveyResponse.id))
    )
    for course_id, name, org_id, org_name, submitted_at, comment in session.exec(stmt):
        # Belt and braces: the WHERE already keeps to the scope.
        visible = may_see_organization(scope.staff, org_id)
        table.rows.append(
            (
                titles[course_id],
                name if visible else "—",
                (org_name or "") if visible else "—",
                submitted_at,
                comment,
            )
        )
    return table


# -- Enrollment-level export ----------------------------------------------------------------


def _enrollments(session: Session, scope: _Scope) -> Table:
    table = Table(
        "enrollments",
        "Enrollments",
        (
            Column("learner", "Learner name"),
            Column("email", "Email"),
            Column("organization", "Organization"),
            Column("job_role", "Job role"),
            _COURSE,
            Column("cohort", "Cohort"),
            Column("enrolled_at", "Enrolled at", "datetime"),
            Column("percent", "Progress (%)", "count"),
            Column("completed_at", "Completed at", "datetime"),
            Column("certificate", "Certificate code"),
        ),
    )
    titles = {cid: course.title for cid, course in scope.courses}
    stmt = (
        select(  # type: ignore[call-overload]
            User.display_name,
            User.email,
            Organization.name,
            User.job_role,
            Enrollment.course_id,
            Enrollment.cohort,
            Enrollment.enrolled_at,
            Enrollment.percent,
            Enrollment.completed_at,
            Certificate.code,
        )
        .select_from(Enrollment)
        .join(User, col(User.id) == col(Enrollment.user_id))
        .outerjoin(Organization, col(Organization.id) == col(User.organization_id))
        .outerjoin(
            Certificate,
            and_(
                col(Certificate.enrollment_id) == col(Enrollment.id),
                col(Certificate.revoked_at).is_(None),
            ),
        )
        .where(*scope.conditions())
        .order_by(col(Enrollment.course_id), col(User.display_name), col(Enrollment.id))
    )
    for name, email, org, job_role, course_id, cohort, enrolled, pct, done, code in session.exec(
        stmt
    ):
        table.rows.append(
            (
                name,
                email,
                org or "",
                JOB_ROLE_LABELS.get(job_role, job_role),
                titles[course_id],
                cohort or "",
                enrolled,
                pct,
                done,
                code or "",
            )
        )
    return table


# -- Public use cases -----------------------------------------------------------------------


def report_tables(
    session: Session,
    *,
    staff: User,
    names: Sequence[str],
    filters: ReportFilters,
    courses: Mapping[str, Course],
    min_n: int,
) -> dict[str, Table]:
    """The reports called ``names`` for these filters: the one source of pages and CSVs."""
    unknown = [name for name in names if name not in REPORTS]
    if unknown:
        raise UnknownReport(unknown[0])
    scope = _scope(session, staff=staff, filters=filters, courses=courses, min_n=min_n)
    builders: dict[str, Callable[[Session, _Scope], Table]] = {
        "exercises": _exercises,
        "feedback": _feedback,
        "feedback-comments": _comments,
        "enrollments": _enrollments,
    }
    enrollment_names = [n for n in names if n == "overview" or n in GROUPINGS]
    tables = _enrollment_tables(session, scope, enrollment_names) if enrollment_names else {}
    for name in names:
        if name in builders:
            tables[name] = builders[name](session, scope)
    return {name: tables[name] for name in names}


def report_table(
    session: Session,
    *,
    staff: User,
    name: str,
    filters: ReportFilters,
    courses: Mapping[str, Course],
    min_n: int,
) -> Table:
    """The one report called ``name`` (see ``report_tables``)."""
    return report_tables(
        session, staff=staff, names=[name], filters=filters, courses=courses, min_n=min_n
    )[name]


PAGES: dict[str, tuple[str, ...]] = {
    "overview": ("overview", "by-organization", "by-job-role", "by-cohort"),
    "exercises": ("exercises",),
    "feedback": ("feedback", "feedback-comments"),
}


@dataclass(frozen=True)
class ReportPage:
    """One report page: the filters as understood, what was wrong with them, the tables."""

    filters: ReportFilters
    errors: dict[str, str]
    choices: FilterChoices
    tables: dict[str, Table]
    min_n: int

    matching: int  # enrollments matching the filters, in scope

    @property
    def empty(self) -> bool:
        """True when no enrollment matches the filters (in the staff member's scope)."""
        return self.matching == 0


def _matching(session: Session, scope: _Scope) -> int:
    stmt = (
        select(func.count(col(Enrollment.id)))
        .join(User, col(User.id) == col(Enrollment.user_id))
        .where(*scope.conditions())
    )
    return int(session.exec(stmt).one())


def report_page(
    session: Session,
    *,
    staff: User,
    page: str,
    params: Mapping[str, str],
    courses: Mapping[str, Course],
    min_n: int,
) -> ReportPage:
    """The tables of one report page for these query parameters (bad values ignored, noted)."""
    choices = filter_choices(session, staff=staff, courses=courses)
    filters, errors = parse_filters(params, choices)
    tables = report_tables(
        session, staff=staff, names=PAGES[page], filters=filters, courses=courses, min_n=min_n
    )
    if "overview" in tables:
        matching = tables["overview"].described
    else:
        scope = _scope(session, staff=staff, filters=filters, courses=courses, min_n=min_n)
        matching = _matching(session, scope)
    return ReportPage(filters, errors, choices, tables, min_n, matching)


def export_csv(
    session: Session,
    *,
    staff: User,
    name: str,
    params: Mapping[str, str],
    courses: Mapping[str, Course],
    min_n: int,
) -> str:
    """The CSV of report ``name`` with the same filters and numbers as its page."""
    if name not in REPORTS:
        raise UnknownReport(name)
    choices = filter_choices(session, staff=staff, courses=courses)
    filters, _ = parse_filters(params, choices)
    table = report_table(
        session, staff=staff, name=name, filters=filters, courses=courses, min_n=min_n
    )
    return write_csv(table.csv_rows())
