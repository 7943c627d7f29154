"""Loaded courses -> ``course``/``module``/``activity`` rows keyed by stable ids.

Rows are found by the authors' ids (and, for renamed ones, by ``previous_ids``), never by
file names or positions, so progress survives renames and reordering. Content that
disappears is retired (``retired_at`` set), never deleted, so learners' data stays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from sqlalchemy import Engine, func, inspect
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlmodel import Session, col, select

from app.content.course import Course
from app.content.kinds import content_listeners
from app.content.models import ActivityRecord, CourseRecord, ModuleRecord
from app.content.problems import Problem
from app.db import metadata, open_session, utcnow, write_session

log = logging.getLogger("groundwork.content")
R = TypeVar("R", ModuleRecord, ActivityRecord)


@dataclass
class SyncReport:
    """What one sync changed, for logs and tests."""

    created: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


def _by_stable_id(rows: list[R]) -> dict[str, R]:
    return {row.stable_id: row for row in rows}


def _match(
    session: Session,
    existing: dict[str, R],
    new_id: str,
    previous_ids: tuple[str, ...],
    claimed: set[int],
) -> tuple[R | None, str | None]:
    """The row for ``new_id``: its own, else the row of one of its previous ids.

    When both exist (a rename was synced before ``previous_ids`` was added), the row with
    more learner data wins; the other is parked under a spare id and retired, so the
    learners' work follows the id the author meant.
    """
    candidates: list[tuple[R, str | None]] = []
    own = existing.get(new_id)
    if own is not None and own.id not in claimed:
        candidates.append((own, None))
    for old in previous_ids:
        row = existing.get(old)
        if row is not None and row.id not in claimed:
            candidates.append((row, old))
    if not candidates:
        return None, None
    if len(candidates) == 1:
        return candidates[0]
    table = "module" if isinstance(candidates[0][0], ModuleRecord) else "activity"
    counts = [_dependent_counts(session, table, [row.id]) if row.id else 0 for row, _ in candidates]
    best = max(range(len(candidates)), key=lambda i: (counts[i], candidates[i][1] is not None))
    chosen, chosen_old = candidates[best]
    if own is not None and chosen is not own:
        own.stable_id = f"{new_id}~{own.id}"[-100:]
        own.retired_at = own.retired_at or utcnow()
        session.flush()
    return chosen, chosen_old


def sync_course(session: Session, *, course: Course) -> SyncReport:
    """Create or update the rows for ``course``; retire rows for removed content. Commits."""
    report = SyncReport()
    now = utcnow()
    record = session.exec(select(CourseRecord).where(CourseRecord.slug == course.slug)).first()
    if record is None:
        record = CourseRecord(
            slug=course.slug, title=course.title, status=course.status, content_hash=course.version
        )
        session.add(record)
        report.created.append(f"course {course.slug}")
    changed = record.content_hash != course.version
    record.title = course.title[:300]
    record.status = course.status
    record.content_hash = course.version
    record.synced_at = now
    record.retired_at = None
    session.flush()
    assert record.id is not None

    module_rows = _sync_modules(session, course=course, course_id=record.id, report=report)
    _sync_activities(
        session, course=course, course_id=record.id, module_rows=module_rows, report=report
    )
    if changed:
        # Stored progress (what reports read) is re-measured against the current modules.
        for listener in content_listeners():
            listener.course_changed(session, course=course, course_id=record.id)
    session.commit()
    return report


def _sync_modules(
    session: Session, *, course: Course, course_id: int, report: SyncReport
) -> dict[str, ModuleRecord]:
    now = utcnow()
    modules = list(session.exec(select(ModuleRecord).where(ModuleRecord.course_id == course_id)))
    existing = _by_stable_id(modules)
    claimed: set[int] = set()
    module_rows: dict[str, ModuleRecord] = {}
    for module in course.modules:
        row, old = _match(session, existing, module.id, module.previous_ids, claimed)
        if row is None:
            row = ModuleRecord(
                course_id=course_id,
                stable_id=module.id,
                title=module.title,
                content_hash=module.content_hash,
            )
            session.add(row)
            report.created.append(f"module {module.id}")
        elif old is not None:
            report.renamed.append(f"module {old} -> {module.id}")
        if row.retired_at is not None:
            report.restored.append(f"module {module.id}")
        row.stable_id = module.id
        row.title = module.title[:300]
        row.position = module.position
        row.content_hash = module.content_hash
        row.retired_at = None
        session.flush()
        assert row.id is not None
        claimed.add(row.id)
        module_rows[module.id] = row
    for stale in modules:
        if stale.id not in claimed and stale.retired_at is None:
            stale.retired_at = now
            report.retired.append(f"module {stale.stable_id}")
    return module_rows


def _sync_activities(
    session: Session,
    *,
    course: Course,
    course_id: int,
    module_rows: dict[str, ModuleRecord],
    report: SyncReport,
) -> None:
    now = utcnow()
    activities = list(
        session.exec(select(ActivityRecord).where(ActivityRecord.course_id == course_id))
    )
    existing = _by_stable_id(activities)
    claimed: set[int] = set()
    for module in course.modules:
        module_pk = module_rows[module.id].id
        assert module_pk is not None
        for block in module.activities:
            previous = course.activity_previous_ids.get(block.id, ())
            row, old = _match(session, existing, block.id, previous, claimed)
            # Exercises hash their computed answer keys too (a data change is a content change).
            body_hash = getattr(block, "content_hash", "") or course.activity_hashes.get(
                block.id, ""
            )
            if row is None:
                row = ActivityRecord(
                    course_id=course_id,
                    module_id=module_pk,
                    stable_id=block.id,
                    kind=block.kind,
                    content_hash=body_hash,
                )
                session.add(row)
                report.created.append(f"activity {block.id}")
            elif old is not None:
                report.renamed.append(f"activity {old} -> {block.id}")
            if row.retired_at is not None:
                report.restored.append(f"activity {block.id}")
            row.stable_id = block.id
            row.module_id = module_pk
            row.kind = block.kind
            row.required = bool(getattr(block, "required", True))
            row.content_hash = body_hash
            row.retired_at = None
            session.flush()
            assert row.id is not None
            claimed.add(row.id)
    for stale in activities:
        if stale.id not in claimed and stale.retired_at is None:
            stale.retired_at = now
            report.retired.append(f"activity {stale.stable_id}")


def sync_courses(engine: Engine, courses: list[Course]) -> dict[str, SyncReport]:
    """Sync every course, each in its own transaction; a failure is logged, not raised."""
    reports: dict[str, SyncReport] = {}
    for course in courses:
        for attempt in (1, 2):
            try:
                with write_session(engine) as session:
                    reports[course.slug] = sync_course(session, course=course)
                break
            except IntegrityError:
                # Another worker synced the same course at the same moment: try once more.
                if attempt == 2:
                    log.exception("Could not sync course %s", course.slug)
            except (OperationalError, ProgrammingError):
                log.exception(
                    "Could not sync course %s: is the database migrated ('groundwork db upgrade')?",
                    course.slug,
                )
                return reports
        report = reports.get(course.slug)
        if report and (report.created or report.renamed or report.retired or report.restored):
            log.info("Synced %s: %s", course.slug, report)
    return reports


def activity_record_id(session: Session, *, course_slug: str, activity_id: str) -> int:
    """The ``activity.id`` for a course's reflection or exercise (stable across renames).

    Raises LookupError when the activity has never been synced.
    """
    found = session.exec(
        select(ActivityRecord.id)
        .join(CourseRecord, col(CourseRecord.id) == ActivityRecord.course_id)
        .where(CourseRecord.slug == course_slug, ActivityRecord.stable_id == activity_id)
    ).first()
    if found is None:
        raise LookupError(f"activity {activity_id!r} of course {course_slug!r} is not synced")
    return found


def course_record_id(session: Session, *, course_slug: str) -> int:
    """The ``course.id`` for a slug. Raises LookupError when the course has never been synced."""
    found = session.exec(select(CourseRecord.id).where(CourseRecord.slug == course_slug)).first()
    if found is None:
        raise LookupError(f"course {course_slug!r} is not synced")
    return found


def _dependent_counts(session: Session, table_name: str, ids: list[int]) -> int:
    """Rows in other tables that point at these ``module``/``activity`` row ids."""
    total = 0
    for table in metadata.sorted_tables:
        if table.name in ("module", "activity"):
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and fk.column.name == "id":
                total += session.execute(
                    select(func.count()).select_from(table).where(fk.parent.in_(ids))
                ).scalar_one()
    return total


def _module_progress_count(session: Session, course_id: int, module_id: str) -> int:
    return sum(
        listener.module_data_count(session, course_id=course_id, module_id=module_id)
        for listener in content_listeners()
    )


def orphaned_learner_data(session: Session, *, course: Course) -> list[Problem]:
    """Ids that vanished from the files while learners have data for them.

    When new ids appeared at the same time it looks like a rename without ``previous_ids``
    (an error: the learners' progress would not follow); otherwise a removal (a warning:
    the data is kept, retired).
    """
    record = session.exec(select(CourseRecord).where(CourseRecord.slug == course.slug)).first()
    if record is None or record.id is None:
        return []
    problems: list[Problem] = []
    course_file = f"{course.slug}/course.yaml"
    known_modules = {m.id for m in course.modules} | {
        p for m in course.modules for p in m.previous_ids
    }
    module_rows = session.exec(
        select(ModuleRecord).where(ModuleRecord.course_id == record.id)
    ).all()
    stored_modules = {row.stable_id for row in module_rows}
    new_modules = [m for m in course.modules if m.id not in stored_modules]
    # Retired rows count too: in development the watcher may have synced (and retired) first.
    for row in module_rows:
        if row.stable_id in known_modules or row.id is None:
            continue
        count = _dependent_counts(session, "module", [row.id]) + _module_progress_count(
            session, record.id, row.stable_id
        )
        if count:
            problems.append(
                _vanished("module", row.stable_id, count, course_file, [m.id for m in new_modules])
            )
    activity_ids = {a.id for m in course.modules for a in m.activities}
    known_activities = (
        activity_ids
        | {p for olds in course.activity_previous_ids.values() for p in olds}
        | {r for m in course.modules for r in m.retired_ids}  # removed on purpose
    )
    activity_rows = session.exec(
        select(ActivityRecord).where(ActivityRecord.course_id == record.id)
    ).all()
    stored_activities = {row.stable_id for row in activity_rows}
    new_activities = sorted(activity_ids - stored_activities)
    for activity in activity_rows:
        if activity.stable_id in known_activities or activity.id is None:
            continue
        count = _dependent_counts(session, "activity", [activity.id])
        if count:
            problems.append(
                _vanished("activity", activity.stable_id, count, course_file, new_activities)
            )
    return problems


def _vanished(kind: str, old: str, count: int, file: str, new_ids: list[str]) -> Problem:
    severity: Literal["error", "warning"] = "error" if new_ids else "warning"
    where = "front matter" if kind == "module" else "directive body"
    message = f"{kind} id '{old}' is gone but {count} learner record(s) refer to it; "
    if new_ids:
        message += (
            f"if you renamed it to '{new_ids[0]}', add 'previous_ids: [{old}]' to its {where} "
            "so learners keep their progress"
        )
    else:
        message += (
            f"the data is kept (retired). If you renamed it, add 'previous_ids: [{old}]' to the "
            f"new {kind}'s {where}; if you removed it on purpose, nothing needs doing"
        )
    return Problem(file, 0, message, severity)


def stored_versions(engine: Engine) -> dict[str, str]:
    """Each course's content version as last synced to the database, by slug (one cheap
    SELECT): how an instance learns that another one, or ``groundwork content sync``, has
    synced newer content than it serves."""
    with open_session(engine=engine) as session:
        rows = session.exec(
            select(CourseRecord.slug, CourseRecord.content_hash).where(
                col(CourseRecord.retired_at).is_(None)
            )
        ).all()
    return dict(rows)


def database_ready(engine: Engine) -> bool:
    """True when the content tables exist (the database was migrated)."""
    try:
        return inspect(engine).has_table("activity")
    except (OperationalError, ProgrammingError):
        return False
