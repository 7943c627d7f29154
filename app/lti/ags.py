"""Assignment and Grade Services 2.0: completions become scores in the platform's gradebook.

Two steps, both run by ``groundwork worker`` beside the webhook deliveries:

1. ``collect`` reads completion events (``module.completed``, ``course.completed``) not yet
   looked at, and adds one ``LtiScore`` per resource link that reports them: a module link
   when its module is completed, a course link at every module completed (in progress) and
   when the course is (completed). Only learners who launched from the link's platform have
   a platform ``sub`` to report under; links without an AGS claim want no grades.
2. ``deliver_due`` sends each due score: the link's line item is made first through the
   platform's line items URL when the link has none, then the score is posted to
   ``<lineitem>/scores``. Failures retry with the webhooks' settings
   (GROUNDWORK_WEBHOOK_MAX_ATTEMPTS, GROUNDWORK_WEBHOOK_RETRY_BASE_SECONDS): an unreachable
   platform, a 5xx, 408 or 429 waits and tries again; any other refusal is final. Scores of
   one learner on one link go out in the order made.

The score is a share in 0..100: of the link's exercises answered correctly, or of progress,
as the link's ``score_mode`` says. A link with no exercises reports progress.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, exists, func, select

from app.config import Settings
from app.content.models import ActivityRecord, CourseRecord, ModuleRecord
from app.db import open_session, utcnow
from app.events.models import DomainEvent
from app.events.service import EventKind
from app.exercises.models import ExerciseAttempt
from app.learning.models import Enrollment
from app.lti import keys
from app.lti.models import (
    LtiPlatform,
    LtiPlatformUser,
    LtiResourceLink,
    LtiScore,
    ScoreMode,
    ScoreStatus,
)
from app.lti.roster_models import LtiEventMark
from app.lti.service_token import (
    SCOPE_LINEITEM,
    SCOPE_SCORE,
    ServiceError,
    platform_request,
    with_query,
)
from app.retry import backoff

log = logging.getLogger("groundwork.lti")
SCORE_MAXIMUM = 100.0
LINEITEM_TAG = "groundwork"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
COMPLETIONS = (EventKind.module_completed.value, EventKind.course_completed.value)
LEASE_SECONDS = 120
RETRYABLE = {408, 425, 429}
BATCH = 500


# --- collecting scores from events ---------------------------------------------------------


def wants_grades(link: LtiResourceLink) -> bool:
    return bool(link.lineitem_url or link.lineitems_url)


def _share(part: int, whole: int) -> float:
    return round(SCORE_MAXIMUM * part / whole, 2) if whole else 0.0


def _exercise_share(
    session: Session, link: LtiResourceLink, enrollment: Enrollment
) -> float | None:
    """Share of the link's exercises answered correctly; None when it has none."""
    exercises = select(ActivityRecord.id).where(
        ActivityRecord.course_id == enrollment.course_id,
        ActivityRecord.kind == "exercise",
        col(ActivityRecord.retired_at).is_(None),
    )
    if link.module_slug:
        module = aliased(ModuleRecord)
        exercises = exercises.join(module, col(module.id) == col(ActivityRecord.module_id)).where(
            module.stable_id == link.module_slug
        )
    ids = list(session.exec(exercises).all())
    if not ids:
        return None
    correct = session.exec(
        select(func.count(func.distinct(ExerciseAttempt.activity_id))).where(
            ExerciseAttempt.enrollment_id == enrollment.id,
            col(ExerciseAttempt.correct).is_(True),
            col(ExerciseAttempt.activity_id).in_(ids),
        )
    ).one()
    return _share(int(correct), len(ids))


def score_for(
    session: Session, link: LtiResourceLink, enrollment: Enrollment, *, complete: bool
) -> float:
    """The score to report for ``enrollment`` on ``link`` (0..100)."""
    if link.score_mode == ScoreMode.correct_share.value:
        found = _exercise_share(session, link, enrollment)
        if found is not None:
            return found
    if link.module_slug:
        return SCORE_MAXIMUM if complete else 0.0
    return float(min(max(enrollment.percent, 0), 100))


@dataclass(frozen=True)
class _Placement:
    link: LtiResourceLink
    complete: bool


def _placements(session: Session, event: DomainEvent, slug: str) -> list[_Placement]:
    """The links that report this event, for a learner known to their platform."""
    known = select(LtiPlatformUser.platform_id).where(LtiPlatformUser.user_id == event.user_id)
    links = session.exec(
        select(LtiResourceLink)
        .where(
            LtiResourceLink.course_slug == slug,
            col(LtiResourceLink.platform_id).in_(known),
        )
        .order_by(col(LtiResourceLink.id))
    ).all()
    module_id = str(event.data.get("module_id") or "")
    found = []
    for link in links:
        if not wants_grades(link):
            continue
        if link.module_slug is None:
            found.append(_Placement(link, event.kind == EventKind.course_completed.value))
        elif event.kind == EventKind.module_completed.value and link.module_slug == module_id:
            found.append(_Placement(link, True))
    return found


def collect(session: Session) -> int:
    """Turn completion events not yet looked at into scores; how many scores. Commits."""
    marked = exists().where(col(LtiEventMark.event_id) == col(DomainEvent.id))
    events = session.exec(
        select(DomainEvent)
        .where(col(DomainEvent.kind).in_(COMPLETIONS), ~marked)
        .order_by(col(DomainEvent.id))
        .limit(BATCH)
    ).all()
    made = 0
    for event in events:
        assert event.id is not None
        session.add(LtiEventMark(event_id=event.id))
        enrollment = session.get(Enrollment, event.enrollment_id) if event.enrollment_id else None
        course = session.get(CourseRecord, event.course_id) if event.course_id else None
        if enrollment is None or course is None or event.user_id is None:
            continue
        for placement in _placements(session, event, course.slug):
            assert placement.link.id is not None
            session.add(
                LtiScore(
                    resource_link_id=placement.link.id,
                    user_id=event.user_id,
                    score_given=score_for(
                        session, placement.link, enrollment, complete=placement.complete
                    ),
                    score_maximum=SCORE_MAXIMUM,
                    activity_progress="Completed" if placement.complete else "InProgress",
                    grading_progress="FullyGraded" if placement.complete else "Pending",
                    created_at=event.created_at,
                )
            )
            made += 1
    session.commit()
    return made


# --- sending -------------------------------------------------------------------------------


def due_scores(session: Session, *, now: datetime) -> list[int]:
    """Pending scores due now, oldest first, skipping any with an older one still pending
    for the same learner and link (their order is kept)."""
    older = aliased(LtiScore)
    earlier_pending = exists().where(
        col(older.resource_link_id) == col(LtiScore.resource_link_id),
        col(older.user_id) == col(LtiScore.user_id),
        col(older.status) == ScoreStatus.pending.value,
        col(older.id) < col(LtiScore.id),
    )
    return [
        i
        for i in session.exec(
            select(LtiScore.id)
            .where(
                LtiScore.status == ScoreStatus.pending.value,
                col(LtiScore.next_attempt_at) <= now,
                ~earlier_pending,
            )
            .order_by(col(LtiScore.id))
            .limit(BATCH)
        ).all()
        if i is not None
    ]


def _with_path(url: str, suffix: str) -> str:
    """``url`` with ``suffix`` added to its path (before any query)."""
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path.rstrip("/") + suffix, parts.query, "")
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def scopes_for(link: LtiResourceLink) -> list[str]:
    """One scope set for every AGS call on a link, so one cached token serves them all."""
    return [SCOPE_LINEITEM, SCOPE_SCORE] if link.lineitems_url else [SCOPE_SCORE]


def ensure_lineitem(
    session: Session, settings: Settings, platform: LtiPlatform, link: LtiResourceLink
) -> str:
    """The link's line item URL: the launch's, one found for the link, or one made now."""
    if link.lineitem_url:
        return link.lineitem_url
    assert link.lineitems_url is not None
    resource_id = f"{link.course_slug}/{link.module_slug}" if link.module_slug else link.course_slug
    scopes = scopes_for(link)
    listing = platform_request(
        session,
        settings,
        platform,
        method="GET",
        url=with_query(link.lineitems_url, resource_link_id=link.resource_link_id),
        scopes=scopes,
        accept=LINEITEMS_TYPE,
    )
    if listing.status_code == 200:
        for item in _items(listing.json()):
            if item.get("resourceId") == resource_id and item.get("tag") == LINEITEM_TAG:
                link.lineitem_url = str(item["id"])
                return link.lineitem_url
    made = platform_request(
        session,
        settings,
        platform,
        method="POST",
        url=link.lineitems_url,
        scopes=scopes,
        accept=LINEITEM_TYPE,
        content_type=LINEITEM_TYPE,
        json_body={
            "scoreMaximum": SCORE_MAXIMUM,
            "label": (link.title or resource_id)[:255],
            "resourceId": resource_id,
            "resourceLinkId": link.resource_link_id,
            "tag": LINEITEM_TAG,
        },
    )
    if made.status_code not in (200, 201):
        raise ServiceError(
            f"The platform refused the line item (HTTP {made.status_code}).", made.status_code
        )
    try:
        link.lineitem_url = str(made.json()["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ServiceError("The platform's line item answer had no id.") from exc
    return link.lineitem_url


def _items(body: object) -> list[dict[str, object]]:
    if isinstance(body, list):
        return [i for i in body if isinstance(i, dict)]
    if isinstance(body, dict):  # some platforms wrap the container
        for key in ("content", "lineitems", "items"):
            inner = body.get(key)
            if isinstance(inner, list):
                return [i for i in inner if isinstance(i, dict)]
    return []


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None
    final: bool = False  # a refusal that retrying will not change

    @property
    def ok(self) -> bool:
        return self.error is None


def _send(session: Session, settings: Settings, score: LtiScore, subject: str) -> Outcome:
    link = session.get(LtiResourceLink, score.resource_link_id)
    assert link is not None
    platform = session.get(LtiPlatform, link.platform_id)
    assert platform is not None
    try:
        lineitem = ensure_lineitem(session, settings, platform, link)
        session.add(link)
        answer = platform_request(
            session,
            settings,
            platform,
            method="POST",
            url=_with_path(lineitem, "/scores"),
            scopes=scopes_for(link),
            accept="application/json",
            content_type=SCORE_TYPE,
            json_body={
                "userId": subject,
                "scoreGiven": score.score_given,
                "scoreMaximum": score.score_maximum,
                "activityProgress": score.activity_progress,
                "gradingProgress": score.grading_progress,
                "timestamp": _iso(score.created_at),
            },
        )
    except ServiceError as exc:
        status = exc.status
        final = status is not None and 400 <= status < 500 and status not in RETRYABLE
        return Outcome(status, str(exc)[:500], final)
    except Exception as exc:
        log.exception("LTI score %s raised", score.id)
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= answer.status_code < 300:
        return Outcome(answer.status_code, None)
    code = answer.status_code
    final = 400 <= code < 500 and code not in RETRYABLE
    return Outcome(code, f"The platform refused the score (HTTP {code}).", final)


def _claim(session: Session, score_id: int, now: datetime) -> datetime | None:
    lease = now + timedelta(seconds=LEASE_SECONDS)
    result = session.execute(
        update(LtiScore)
        .where(
            col(LtiScore.id) == score_id,
            col(LtiScore.status) == ScoreStatus.pending.value,
            col(LtiScore.next_attempt_at) <= now,
        )
        .values(next_attempt_at=lease)
    )
    session.commit()
    return lease if result.rowcount else None  # type: ignore[attr-defined]


def deliver_one(engine: Engine, settings: Settings, score_id: int) -> Outcome | None:
    """Try one score now; None when another worker has it (or it is not due)."""
    now = utcnow()
    with open_session(write=True, engine=engine) as session:
        lease = _claim(session, score_id, now)
        if lease is None:
            return None
        score = session.get(LtiScore, score_id)
        assert score is not None
        link = session.get(LtiResourceLink, score.resource_link_id)
        assert link is not None
        subject = session.exec(
            select(LtiPlatformUser.subject).where(
                LtiPlatformUser.platform_id == link.platform_id,
                LtiPlatformUser.user_id == score.user_id,
            )
        ).first()
        keys.active_key(session, secret_key=settings.secret_key)  # made here, not mid-send
        session.commit()
    if subject is None:
        outcome = Outcome(None, "The learner is no longer known to the platform.", True)
        lineitem_url = None
    else:
        with open_session(engine=engine) as session:
            score = session.get(LtiScore, score_id)
            assert score is not None
            outcome = _send(session, settings, score, subject)
            link = session.get(LtiResourceLink, score.resource_link_id)
            lineitem_url = link.lineitem_url if link else None
            session.rollback()
    with open_session(write=True, engine=engine) as session:
        row = session.exec(
            select(LtiScore).where(col(LtiScore.id) == score_id).with_for_update()
        ).one()
        if row.status != ScoreStatus.pending.value or row.next_attempt_at != lease:
            log.warning("LTI score %s: claim lost; this attempt is not recorded", score_id)
            return None
        if lineitem_url:
            stored = session.get(LtiResourceLink, row.resource_link_id)
            if stored is not None and stored.lineitem_url != lineitem_url:
                stored.lineitem_url = lineitem_url
                session.add(stored)
        row.attempts += 1
        row.last_attempt_at = now
        row.response_status = outcome.status
        row.last_error = outcome.error
        if outcome.ok:
            row.status = ScoreStatus.sent.value
            row.sent_at = utcnow()
        elif outcome.final or row.attempts >= settings.webhook_max_attempts:
            row.status = ScoreStatus.failed.value
        else:
            row.next_attempt_at = utcnow() + backoff(
                row.attempts, settings.webhook_retry_base_seconds
            )
        session.add(row)
        session.commit()
    if not outcome.ok:
        log.warning("LTI score %s failed: %s", score_id, outcome.error)
    return outcome


def deliver_due(engine: Engine, settings: Settings, *, max_rounds: int = 20) -> int:
    """Collect new completions, then send the due scores; how many attempts were made."""
    with open_session(write=True, engine=engine) as session:
        collect(session)
    tried = 0
    for _ in range(max_rounds):
        with open_session(engine=engine) as session:
            due = due_scores(session, now=utcnow())
        if not due:
            break
        for score_id in due:
            if deliver_one(engine, settings, score_id) is not None:
                tried += 1
    return tried


def retry(session: Session, *, score_id: int, organization_id: int | None) -> bool:
    """Send a failed score again from the start (staff of its platform's organization); True
    when found. Commits."""
    statement = (
        select(LtiScore)
        .join(LtiResourceLink, col(LtiResourceLink.id) == col(LtiScore.resource_link_id))
        .join(LtiPlatform, col(LtiPlatform.id) == col(LtiResourceLink.platform_id))
        .where(col(LtiScore.id) == score_id)
    )
    if organization_id is not None:
        statement = statement.where(LtiPlatform.organization_id == organization_id)
    row = session.exec(statement).first()
    if row is None or row.status != ScoreStatus.failed.value:
        return False
    row.status = ScoreStatus.pending.value
    row.attempts = 0
    row.next_attempt_at = utcnow()
    session.add(row)
    session.commit()
    return True
