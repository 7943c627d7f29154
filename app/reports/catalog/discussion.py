"""Discussion participation for staff (issue 22): threads, replies and distinct posters per
module and per cohort, and the reflection prompts that draw discussion.

Posts count when their author is one of the learners the report describes (an active
enrollment in the course, in the staff member's scope, matching the filters), wherever the
post was made; deleted posts and posts or threads hidden by moderation do not count.
Figures about fewer than ``min_n`` posters are hidden as in every report; cohorts are
suppressed by their enrolled learners with complementary suppression, as the by-cohort
breakdown of enrollments is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app import privacy
from app.community.models import CommunityPost, CommunityThread
from app.content.models import CourseRecord
from app.content.plaintext import html_to_text
from app.learning.models import Enrollment
from app.orgs.cohorts import cohort_names
from app.reflections.spec import Reflection
from app.reports.catalog.spec import ReportSpec
from app.reports.scope import COURSE_COLUMN, ReportScope, small_group
from app.reports.tables import CellValue, Column, Hidden, Table

_COUNTS = (
    Column("threads", "Threads started", "count"),
    Column("replies", "Replies", "count"),
    Column("posters", "Distinct posters", "count"),
)


@dataclass
class _Counts:
    threads: int = 0
    replies: int = 0
    posters: int = 0
    latest: datetime | None = None

    def cells(self) -> tuple[CellValue, ...]:
        return (self.threads, self.replies, self.posters)


def _read(
    session: Session, scope: ReportScope, by: Sequence[Any]
) -> dict[tuple[Any, ...], _Counts]:
    """Counts of the described learners' visible posts, per (course id, *by)."""
    opening = col(CommunityPost.is_opening)
    keys = [col(Enrollment.course_id), *by]
    statement = (
        sa_select(
            *keys,
            func.sum(case((opening.is_(True), 1), else_=0)),
            func.sum(case((opening.is_(True), 0), else_=1)),
            func.count(func.distinct(col(CommunityPost.author_id))),
            func.max(col(CommunityPost.created_at)),
        )
        .select_from(CommunityPost)
        .join(CommunityThread, col(CommunityThread.id) == col(CommunityPost.thread_id))
        .join(CourseRecord, col(CourseRecord.slug) == col(CommunityThread.course_slug))
        .join(
            Enrollment,
            (col(Enrollment.user_id) == col(CommunityPost.author_id))
            & (col(Enrollment.course_id) == col(CourseRecord.id)),
        )
        .where(
            col(CommunityPost.deleted_at).is_(None),
            col(CommunityPost.hidden_at).is_(None),
            col(CommunityThread.deleted_at).is_(None),
            col(CommunityThread.hidden_at).is_(None),
        )
        .group_by(*keys)
    )
    found: dict[tuple[Any, ...], _Counts] = {}
    for *group, threads, replies, posters, latest in session.execute(scope.restrict(statement)):
        found[tuple(group)] = _Counts(int(threads or 0), int(replies or 0), int(posters), latest)
    return found


def _figures(scope: ReportScope, counts: _Counts) -> tuple[CellValue, ...]:
    if scope.hide_small(counts.posters):
        return (small_group(scope.min_n),) * len(_COUNTS)
    return counts.cells()


def by_module_table(session: Session, scope: ReportScope) -> Table:
    """One row per module of the chosen courses, in course order."""
    table = BY_MODULE.table()
    counts = _read(session, scope, [col(CommunityThread.module_id)])
    for course_id, course in scope.courses:
        for module in course.modules:
            found = counts.get((course_id, module.id), _Counts())
            table.rows.append((course.title, module.title, *_figures(scope, found)))
    return table


def by_cohort_table(session: Session, scope: ReportScope) -> Table:
    """One row per cohort (and "No cohort") with enrolled learners, per course."""
    table = BY_COHORT.table()
    counts = _read(session, scope, [col(Enrollment.cohort)])
    enrolled_stmt = select(
        col(Enrollment.course_id), col(Enrollment.cohort), func.count(col(Enrollment.id))
    ).group_by(col(Enrollment.course_id), col(Enrollment.cohort))
    enrolled = {
        (course_id, cohort or None): int(n)
        for course_id, cohort, n in session.exec(scope.restrict(enrolled_stmt))
    }
    names = cohort_names(session, codes=[c for _, c in enrolled if c])
    for course_id, course in scope.courses:
        groups = sorted(
            (
                (names.get(cohort, cohort) if cohort else "No cohort", cohort, n)
                for (cid, cohort), n in enrolled.items()
                if cid == course_id
            ),
            key=lambda g: g[0].casefold(),
        )
        if not groups:
            continue
        ns = [n for _, _, n in groups]
        statuses, _ = privacy.suppress(
            labels=[(label,) for label, _, _ in groups],
            ns=ns,
            outcomes=None,
            total_n=sum(ns),
            total_outcome=None,
            min_n=scope.min_n,
            coding=0,
        )
        for (label, cohort, n), status in zip(groups, statuses, strict=True):
            found = counts.get(
                (course_id, cohort), counts.get((course_id, cohort or ""), _Counts())
            )
            if status == "shown":
                table.rows.append((course.title, label, n, *found.cells()))
            else:
                hidden = (
                    small_group(scope.min_n)
                    if status == "suppressed"
                    else Hidden(privacy.COMPLEMENTARY)
                )
                table.rows.append((course.title, label, *[hidden] * (1 + len(_COUNTS))))
    return table


def prompt_label(block: Reflection) -> str:
    """How reports name a reflection prompt: its id and the start of its text."""
    text = " ".join(html_to_text(block.prompt_html).split())
    return f"{block.id}: {text if len(text) <= 100 else text[:99].rstrip() + '…'}"


def prompts_table(session: Session, scope: ReportScope) -> Table:
    """The reflection prompts of the chosen courses, the most discussed first."""
    table = PROMPTS.table()
    counts = _read(session, scope, [col(CommunityThread.prompt_id)])
    for course_id, course in scope.courses:
        rows: list[tuple[int, int, tuple[CellValue, ...]]] = []
        for position, module in enumerate(course.modules):
            for block in module.blocks:
                if not isinstance(block, Reflection):
                    continue
                found = counts.get((course_id, block.id), _Counts())
                figures = _figures(scope, found)
                latest: CellValue = found.latest if not isinstance(figures[0], Hidden) else None
                posts = found.threads + found.replies if not isinstance(figures[0], Hidden) else -1
                rows.append(
                    (
                        posts,
                        position,
                        (course.title, module.title, prompt_label(block), *figures, latest),
                    )
                )
        rows.sort(key=lambda r: (-r[0], r[1]))
        table.rows.extend(row for _, _, row in rows)
    return table


BY_MODULE = ReportSpec(
    "discussion-by-module",
    "Discussion by module",
    (COURSE_COLUMN, Column("module", "Module", row_header=True), *_COUNTS),
    (privacy.Suppression.POSTERS,),
    build=by_module_table,
    page="discussion",
    position=0,
)
BY_COHORT = ReportSpec(
    "discussion-by-cohort",
    "Discussion by cohort",
    (
        COURSE_COLUMN,
        Column("cohort", "Cohort", row_header=True),
        Column("enrolled", "Learners enrolled", "count"),
        *_COUNTS,
    ),
    (privacy.Suppression.BREAKDOWN,),
    build=by_cohort_table,
    page="discussion",
    position=1,
)
PROMPTS = ReportSpec(
    "discussion-prompts",
    "Reflection prompts that draw discussion",
    (
        COURSE_COLUMN,
        Column("module", "Module"),
        Column("prompt", "Prompt", row_header=True),
        *_COUNTS,
        Column("latest", "Latest post", "datetime"),
    ),
    (privacy.Suppression.POSTERS,),
    build=prompts_table,
    page="discussion",
    position=2,
    note=lambda _min_n: (
        "Most discussed first: threads started about each reflection prompt and their"
        " replies. Prompts nobody has discussed yet are listed last."
    ),
)
REPORTS = (BY_MODULE, BY_COHORT, PROMPTS)
