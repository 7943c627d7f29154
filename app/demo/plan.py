"""What the seed knows about each bundled course, computed once before any learner is made:
modules and activities with their database ids, answer pools and attempt scripts per
exercise variant, reflection texts that pass the app's own submission check, and the
app's own progress rules (``app.learning.progress.evaluate``), memoised by the facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, select

from app.content.course import Course, Module
from app.content.models import ActivityRecord, CourseRecord
from app.demo.answers import AnswerPool, GradedAnswer, build_pools
from app.demo.catalog import CLOSINGS, MIDDLES, OPENINGS
from app.exercises.spec import ExerciseSpec, variant_for
from app.learning.models import ModuleProgress
from app.learning.progress import CourseProgress, evaluate
from app.reflections.service import submission_problem
from app.reflections.spec import Reflection as ReflectionBlock

SCRIPTS_PER_VARIANT = 48
_FLAG = datetime(2000, 1, 1, tzinfo=UTC)  # any time: progress reads only whether it is set
TEXTS_PER_REFLECTION = 24


@dataclass(frozen=True)
class Attempt:
    """One attempt of a script: the graded answer and seconds after the exercise opened."""

    answer: GradedAnswer
    number: int
    final: bool
    offset: int


@dataclass(frozen=True)
class Script:
    """How one learner works through one exercise: attempts in order and hints opened."""

    attempts: tuple[Attempt, ...]
    hints: int

    @property
    def done(self) -> bool:
        """Ends with a final attempt (correct, or the last one allowed)."""
        return bool(self.attempts) and self.attempts[-1].final


@dataclass
class ActivityPlan:
    """One activity of a module with what the seed needs to fill it."""

    stable_id: str
    kind: str  # "exercise" or "reflection"
    pk: int
    bit: int  # this activity's bit in a learner's "done" mask
    spec: ExerciseSpec | None = None
    scripts: dict[str, tuple[Script, ...]] = field(default_factory=dict)
    wrong_first: dict[str, tuple[Script, ...]] = field(default_factory=dict)
    block: ReflectionBlock | None = None
    texts: tuple[str, ...] = ()


@dataclass
class ModulePlan:
    module: Module
    index: int
    activities: list[ActivityPlan]
    needs_mark: bool


@dataclass
class CoursePlan:
    """A course ready to be filled: ids, pools, scripts and a memo of progress results."""

    course: Course
    course_id: int
    modules: list[ModulePlan]
    _templates: dict[tuple[str, bool, bool], ModuleProgress] = field(default_factory=dict)
    _memo: dict[tuple[int, int, int, bool], CourseProgress] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.course.slug

    def progress(self, *, viewed: int, marked: int, done: int, surveyed: bool) -> CourseProgress:
        """The app's progress for these facts (bit masks of modules and activities)."""
        key = (viewed, marked, done, surveyed)
        found = self._memo.get(key)
        if found is not None:
            return found
        rows: dict[str, ModuleProgress] = {}
        done_ids: set[str] = set()
        for plan in self.modules:
            bit = 1 << plan.index
            if viewed & bit or marked & bit:
                rows[plan.module.id] = self._template(
                    plan.module.id, bool(viewed & bit), bool(marked & bit)
                )
            done_ids.update(a.stable_id for a in plan.activities if done & a.bit)
        found = evaluate(self.course, rows=rows, done=done_ids, surveyed=surveyed)
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[key] = found
        return found

    def _template(self, module_id: str, viewed: bool, marked: bool) -> ModuleProgress:
        """A row with only the flags progress reads (never stored, never changed)."""
        key = (module_id, viewed, marked)
        row = self._templates.get(key)
        if row is None:
            stamp = _FLAG
            row = ModuleProgress(
                enrollment_id=0,
                module_id=module_id,
                first_viewed_at=stamp if viewed else None,
                marked_done_at=stamp if marked else None,
            )
            self._templates[key] = row
        return row


def _scripts(spec: ExerciseSpec, pool: AnswerPool, rng: random.Random) -> tuple[Script, ...]:
    """Plausible ways through one variant: most get it first time, some after a hint or
    two, a few use every attempt without getting it."""
    ease = 0.45 + 0.35 * rng.random()  # how often this exercise is right first time
    made: list[Script] = []
    for _ in range(SCRIPTS_PER_VARIANT):
        attempts: list[Attempt] = []
        offset = rng.randint(40, 400)
        hints = 1 if spec.hints_html and rng.random() < 0.08 else 0
        for number in range(1, spec.attempts + 1):
            chance = ease if number == 1 else 0.6
            correct = rng.random() < chance
            tried = {a.answer.raw for a in attempts}
            fresh = [w for w in pool.wrong if w.raw not in tried] or list(pool.wrong)
            answer = rng.choice(pool.right if correct else fresh)
            final = spec.ends_on(correct=correct, number=number)
            attempts.append(Attempt(answer, number, final, offset))
            if final:
                break
            if spec.hints_html and rng.random() < 0.45:
                hints = min(len(spec.hints_html), hints + 1)
            offset += rng.randint(20, 240)
        made.append(Script(tuple(attempts), hints))
    return tuple(made)


def _reflection_texts(block: ReflectionBlock, rng: random.Random) -> tuple[str, ...]:
    """Texts long enough for the prompt's minimum, checked by the app's own rule."""
    texts: list[str] = []
    for _ in range(TEXTS_PER_REFLECTION):
        sentences = [rng.choice(OPENINGS)]
        middles = rng.sample(MIDDLES, len(MIDDLES))
        target = max(block.min_words + 5, rng.randint(35, 90))
        while len(" ".join(sentences).split()) < target and middles:
            sentences.append(middles.pop())
        sentences.append(rng.choice(CLOSINGS))
        text = " ".join(sentences)
        problem = submission_problem(block, text)
        if problem is not None:
            raise ValueError(f"reflection {block.id}: demo text refused: {problem}")
        texts.append(text)
    return tuple(texts)


def build_plan(session: Session, course: Course, *, seed: int) -> CoursePlan:
    """Look up the synced ids of ``course`` and build its pools and scripts."""
    record = session.exec(select(CourseRecord).where(CourseRecord.slug == course.slug)).first()
    if record is None or record.id is None:
        raise LookupError(f"course {course.slug!r} is not synced to the database")
    pks = {
        stable_id: pk
        for stable_id, pk in session.exec(
            select(ActivityRecord.stable_id, ActivityRecord.id).where(
                ActivityRecord.course_id == record.id
            )
        )
    }
    modules: list[ModulePlan] = []
    bit = 0
    for index, module in enumerate(course.modules):
        activities: list[ActivityPlan] = []
        for block in module.activities:
            rng = random.Random(f"{seed}:{course.slug}:{block.id}")
            pk = pks.get(block.id)
            if pk is None:
                raise LookupError(f"activity {block.id!r} of {course.slug!r} is not synced")
            plan = ActivityPlan(stable_id=block.id, kind=block.kind, pk=pk, bit=1 << bit)
            bit += 1
            if isinstance(block, ExerciseSpec):
                plan.spec = block
                for key, pool in build_pools(block).items():
                    scripts = _scripts(block, pool, rng)
                    plan.scripts[key] = scripts
                    plan.wrong_first[key] = tuple(
                        s for s in scripts if not s.attempts[0].answer.correct
                    )
            elif isinstance(block, ReflectionBlock):
                plan.block = block
                plan.texts = _reflection_texts(block, rng)
            activities.append(plan)
        modules.append(
            ModulePlan(module, index, activities, needs_mark=not module.required_activities)
        )
    return CoursePlan(course=course, course_id=record.id, modules=modules)


def learner_variant(plan: ActivityPlan, user_id: int) -> str:
    """The variant the app gives this learner (``variant_for``: user id and exercise id)."""
    assert plan.spec is not None
    return variant_for(plan.spec, user_id)
