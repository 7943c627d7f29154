"""Building xAPI 1.0.3 statements from domain events: pure functions, no database.

The catalogue (docs/xapi.md) lists each statement with an example. Verbs are cmi5's (which
are ADL's) where they fit and ADL's otherwise. Actors are accounts on the platform's base
URL with an opaque name, never an email unless the LRS's organization opted in. Nothing a
learner wrote is in a statement except the graded form of an exercise answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.events.service import EventKind

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, str] = {
    "registered": ADL + "registered",
    "launched": ADL + "launched",
    "initialized": ADL + "initialized",
    "progressed": ADL + "progressed",
    "answered": ADL + "answered",
    "completed": ADL + "completed",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "earned": "http://id.tincanapi.com/verb/earned",
    "commented": ADL + "commented",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "question": "http://adlnet.gov/expapi/activities/question",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
}
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
PLATFORM = "Groundwork"


@dataclass(frozen=True)
class Score:
    """Exercises answered correctly out of those in a module or course."""

    correct: int
    total: int

    @property
    def scaled(self) -> float:
        return round(self.correct / self.total, 4) if self.total else 0.0


@dataclass(frozen=True)
class EventFacts:
    """What a statement needs to know about one domain event, read by the dispatcher."""

    event_id: int
    kind: str
    happened_at: datetime
    enrollment_id: int | None
    actor_name: str  # opaque and stable (app.xapi.service.actor_name)
    email: str | None  # only when the LRS's organization opted in
    course_slug: str
    course_title: str
    data: dict[str, Any] = field(default_factory=dict)
    module_title: str | None = None
    score: Score | None = None  # for module and course completion
    mastery_score: float = 0.8


def activity_base(base_url: str) -> str:
    """The one IRI base of every activity id: the platform's course pages."""
    return base_url.rstrip("/") + "/courses/"


def course_iri(base_url: str, slug: str) -> str:
    return activity_base(base_url) + slug


def module_iri(base_url: str, slug: str, module_id: str) -> str:
    return f"{course_iri(base_url, slug)}/modules/{module_id}"


def item_iri(base_url: str, slug: str, module_id: str, activity_id: str) -> str:
    """An exercise or reflection inside a module."""
    return f"{module_iri(base_url, slug, module_id)}/activities/{activity_id}"


def registration(base_url: str, enrollment_id: int) -> str:
    """The enrollment's ``context.registration``: a UUID derived from it, stable for as long
    as the base URL is."""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url.rstrip('/')}/enrollments/{enrollment_id}")
    )


def _timestamp(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _actor(facts: EventFacts, base_url: str) -> dict[str, Any]:
    if facts.email:
        return {"objectType": "Agent", "mbox": f"mailto:{facts.email}"}
    return {
        "objectType": "Agent",
        "account": {"homePage": base_url.rstrip("/"), "name": facts.actor_name},
    }


def _activity(iri: str, kind: str, title: str | None = None) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind]}
    if title:
        definition["name"] = {"en-US": title}
    return {"objectType": "Activity", "id": iri, "definition": definition}


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {"en-US": name}}


@dataclass(frozen=True)
class _Target:
    object: dict[str, Any]
    parents: list[dict[str, Any]]


def _module_target(facts: EventFacts, base_url: str, module_id: str) -> _Target:
    course = _activity(course_iri(base_url, facts.course_slug), "course", facts.course_title)
    module = _activity(
        module_iri(base_url, facts.course_slug, module_id), "module", facts.module_title
    )
    return _Target(module, [course])


def _course_target(facts: EventFacts, base_url: str) -> _Target:
    course = _activity(course_iri(base_url, facts.course_slug), "course", facts.course_title)
    return _Target(course, [])


def _item_target(facts: EventFacts, base_url: str) -> _Target:
    module_id = str(facts.data.get("module_id", ""))
    item = _activity(
        item_iri(base_url, facts.course_slug, module_id, str(facts.data.get("activity_id", ""))),
        "question",
    )
    module = _module_target(facts, base_url, module_id)
    return _Target(item, [module.object, *module.parents])


def _score_result(score: Score, *, success: bool) -> dict[str, Any]:
    return {
        "success": success,
        "completion": True,
        "score": {"scaled": score.scaled, "raw": score.correct, "min": 0, "max": score.total},
    }


def _plan(facts: EventFacts, base_url: str) -> list[tuple[str, _Target, dict[str, Any] | None]]:
    """(verb, target, result) of each statement an event makes; none for kinds not sent."""
    kind = facts.kind
    if kind == EventKind.enrollment_created:
        return [("registered", _course_target(facts, base_url), None)]
    if kind == EventKind.launched:
        module_id = facts.data.get("module_id")
        target = (
            _module_target(facts, base_url, str(module_id))
            if module_id
            else _course_target(facts, base_url)
        )
        return [("launched", target, None), ("initialized", target, None)]
    if kind == EventKind.progress_changed:
        percent = max(0, min(100, int(facts.data.get("percent", 0))))
        result: dict[str, Any] = {"extensions": {PROGRESS_EXTENSION: percent}}
        return [("progressed", _course_target(facts, base_url), result)]
    if kind == EventKind.exercise_answered:
        answer: dict[str, Any] = {
            "success": bool(facts.data.get("correct")),
            "response": str(facts.data.get("response", ""))[:500],
            "score": {"scaled": max(-1.0, min(1.0, float(facts.data.get("score", 0.0))))},
        }
        return [("answered", _item_target(facts, base_url), answer)]
    if kind in (EventKind.module_completed, EventKind.course_completed):
        target = (
            _module_target(facts, base_url, str(facts.data.get("module_id", "")))
            if kind == EventKind.module_completed
            else _course_target(facts, base_url)
        )
        plan: list[tuple[str, _Target, dict[str, Any] | None]] = [
            ("completed", target, {"completion": True})
        ]
        if facts.score is not None and facts.score.total:
            success = facts.score.scaled >= facts.mastery_score
            verb = "passed" if success else "failed"
            plan.append((verb, target, _score_result(facts.score, success=success)))
        return plan
    if kind == EventKind.certificate_issued:
        course = _course_target(facts, base_url)
        certificate = _activity(
            course_iri(base_url, facts.course_slug) + "/certificate",
            "certificate",
            f"Certificate: {facts.course_title}",
        )
        return [("earned", _Target(certificate, [course.object]), None)]
    if kind == EventKind.reflection_shared:
        return [("commented", _item_target(facts, base_url), None)]
    return []


def build(facts: EventFacts, *, base_url: str) -> list[dict[str, Any]]:
    """The statements one event makes (empty for kinds not sent). Each gets a new random
    id: the dispatcher builds an event's statements once per LRS and keeps them, so a
    retry sends the same id and the LRS can drop a duplicate."""
    statements = []
    for verb, target, result in _plan(facts, base_url):
        context: dict[str, Any] = {"platform": PLATFORM}
        if facts.enrollment_id is not None:
            context["registration"] = registration(base_url, facts.enrollment_id)
        if target.parents:
            context["contextActivities"] = {
                "parent": [target.parents[0]],
                "grouping": target.parents[1:] or [target.parents[0]],
            }
            if len(target.parents) == 1:
                del context["contextActivities"]["grouping"]
        statement: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "actor": _actor(facts, base_url),
            "verb": _verb(verb),
            "object": target.object,
            "context": context,
            "timestamp": _timestamp(facts.happened_at),
        }
        if result is not None:
            statement["result"] = result
        statements.append(statement)
    return statements
