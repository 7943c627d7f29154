"""The feedback reports: agreement with each survey statement, and learners' comments."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, col, select

from app import privacy
from app.accounts.models import Organization, User
from app.accounts.staff_scope import may_see_organization
from app.learning.models import Enrollment
from app.reports.catalog.spec import ReportSpec
from app.reports.figures import read as read_figures
from app.reports.scope import COURSE_COLUMN, ReportScope
from app.reports.summary_sql import Measure
from app.reports.tables import CellValue, Column, Table
from app.surveys.models import SurveyResponse
from app.surveys.service import AGREE_VALUES, SCALE


def feedback_table(session: Session, scope: ReportScope) -> Table:
    """Per survey statement: responses, agreement, and how many chose each point."""
    table = FEEDBACK.table()
    counts: dict[tuple[int, str], Counter[int]] = {}
    for _, course_id, item_id, value, n in read_figures(session, scope, [Measure.rating]):
        counts.setdefault((course_id, item_id), Counter())[value] += int(n)
    for course_id, course in scope.courses:
        if course.survey is None:
            continue
        for item in course.survey.items:
            dist = counts.get((course_id, item.id), Counter())
            responses = sum(dist.values())
            hidden = scope.withheld(responses, course_id)
            group = scope.restricted
            if hidden is not None:
                figures: tuple[CellValue, ...] = (hidden,) * (2 + len(SCALE))
            else:
                agree = sum(dist[v] for v in AGREE_VALUES)
                rate = privacy.rate_cell(agree, responses, group=group)
                scale_counts = (
                    privacy.count_cell(dist[v], responses, group=group) for v, _ in SCALE
                )
                figures = (responses, rate, *scale_counts)
            table.rows.append((course.title, item.text, *figures))
    return table


def comments_table(session: Session, scope: ReportScope) -> Table:
    """Learners' survey comments, newest first."""
    table = COMMENTS.table()
    titles = scope.titles
    stmt = (
        scope.restrict(
            select(  # type: ignore[call-overload]
                SurveyResponse.course_id,
                User.display_name,
                User.organization_id,
                Organization.name,
                SurveyResponse.submitted_at,
                SurveyResponse.comment,
            ).join(Enrollment, col(Enrollment.id) == col(SurveyResponse.enrollment_id))
        )
        .outerjoin(Organization, col(Organization.id) == col(User.organization_id))
        .where(
            col(SurveyResponse.submitted_at).is_not(None),
            col(SurveyResponse.comment).is_not(None),
            SurveyResponse.comment != "",
        )
        .order_by(col(SurveyResponse.submitted_at).desc(), col(SurveyResponse.id))
    )
    if scope.row_limit is not None:
        stmt = stmt.limit(scope.row_limit + 1)  # one more says whether there are more
    for course_id, name, org_id, org_name, submitted_at, comment in session.exec(stmt):
        if scope.row_limit is not None and len(table.rows) == scope.row_limit:
            table.more_rows = True
            break
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


FEEDBACK = ReportSpec(
    "feedback",
    "Feedback survey",
    (
        COURSE_COLUMN,
        Column("statement", "Statement", row_header=True),
        Column("responses", "Responses", "count"),
        Column("agree", "Agree or strongly agree (%)", "percent"),
        *(Column(f"rated_{v}", f"{v} {label} (n)", "count") for v, label in SCALE),
    ),
    (privacy.Suppression.VIEW,),
    build=feedback_table,
    page="feedback",
    position=0,
)
COMMENTS = ReportSpec(
    "feedback-comments",
    "Feedback comments",
    (
        COURSE_COLUMN,
        Column("learner", "Learner"),
        Column("organization", "Organization"),
        Column("submitted_at", "Submitted at", "datetime"),
        Column("comment", "Comment"),
    ),
    (privacy.Suppression.NAMED,),
    build=comments_table,
    page="feedback",
    position=1,
)
REPORTS = (FEEDBACK, COMMENTS)
