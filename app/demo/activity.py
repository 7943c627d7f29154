"""One learner's work in one course, simulated module by module and written as row tuples.

A learner opens module 1 (most do), works through its activities in order, and either
completes the module or stops part-way; after a completed module most go on to the next.
That gives the drop-off curve. Nothing happens after the anchor time (recent learners
have done less). Which modules are complete, the percent and the completion time come from
the app's own progress rules (``CoursePlan.progress``), never from the simulation.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from app.certificates.service import CODE_ALPHABET
from app.content.course import Module
from app.demo.catalog import SURVEY_COMMENTS
from app.demo.plan import ActivityPlan, CoursePlan, Script, learner_variant
from app.demo.writer import Rows, Stamp

OPENS_FIRST_MODULE = 0.9
COMPLETES_MODULE = 0.88
GOES_ON = 0.8
SUBMITS_SURVEY = 0.88
CLAIMS_CERTIFICATE = 0.8
SHARES_REFLECTION = 0.25
REVISES_REFLECTION = 0.08
UNENROLLS = 0.04
HOUR = 3600
DAY = 86_400


@dataclass
class EnrollmentFacts:
    """What the caller learns about an enrollment it asked for (for reports and tests)."""

    percent: int
    complete: bool
    last_activity: int


class ActivityMaker:
    """Writes enrollments with their progress, attempts, reflections, surveys, certificates."""

    def __init__(
        self,
        rng: random.Random,
        rows: Rows,
        stamp: Callable[[int], Stamp],
        *,
        anchor: int,
        first_reflection_id: int,
        first_response_id: int,
    ):
        self.rng = rng
        self.rows = rows
        self.stamp = stamp
        self.anchor = anchor
        self.reflection_id = first_reflection_id
        self.response_id = first_response_id
        self.codes: set[str] = set()

    def enrollment(
        self,
        plan: CoursePlan,
        *,
        enrollment_id: int,
        user_id: int,
        name: str,
        cohort: str | None,
        start: int,
    ) -> EnrollmentFacts:
        """Simulate and write one enrollment that began at ``start`` (seconds since 1970)."""
        rng, stamp, anchor = self.rng, self.stamp, self.anchor
        t = start
        viewed = marked = done = 0
        last_module: str | None = None
        last_activity = start
        module_rows: list[tuple[int, str, int, int, int | None]] = []
        finished_at: dict[int, int] = {}  # module index -> when its last required part was done
        going = rng.random() < OPENS_FIRST_MODULE
        for module in plan.modules:
            if not going:
                break
            t += rng.randint(5 * 60, 4 * DAY) if module.index else rng.randint(60, 2 * HOUR)
            if t + HOUR > anchor:
                break
            first_view = t
            viewed |= 1 << module.index
            last_module = module.module.id
            completes = rng.random() < COMPLETES_MODULE
            stop = (
                len(module.activities) if completes else rng.randrange(len(module.activities) + 1)
            )
            mark_at: int | None = None
            latest_required = t
            for position, activity in enumerate(module.activities):
                t += rng.randint(3 * 60, 20 * 60)
                if t + HOUR > anchor or position > stop:
                    break
                partial = position == stop
                if activity.spec is not None:
                    end, did = self._exercise(activity, enrollment_id, user_id, t, partial)
                else:
                    end, did = self._reflection(plan, module.module, activity, user_id, t, partial)
                t = end
                if did:
                    done |= activity.bit
                    latest_required = max(latest_required, end)
            if module.needs_mark and completes and t + HOUR <= anchor:
                t += rng.randint(60, 15 * 60)
                mark_at = t
                marked |= 1 << module.index
                latest_required = t
            t = min(t, anchor)
            finished_at[module.index] = latest_required
            module_rows.append((module.index, module.module.id, first_view, t, mark_at))
            last_activity = max(last_activity, t)
            going = completes and rng.random() < GOES_ON
        surveyed_at: int | None = None
        survey = plan.course.survey
        progress = plan.progress(viewed=viewed, marked=marked, done=done, surveyed=False)
        if (
            survey is not None
            and progress.completed_modules == progress.total_modules
            and rng.random() < SUBMITS_SURVEY
        ):
            surveyed_at = t + rng.randint(60, 2 * DAY)
            if surveyed_at <= anchor:
                self._survey(plan, enrollment_id, surveyed_at, [item.id for item in survey.items])
                progress = plan.progress(viewed=viewed, marked=marked, done=done, surveyed=True)
                last_activity = max(last_activity, surveyed_at)
            else:
                surveyed_at = None
        completed_at: int | None = None
        if progress.complete:
            times = [finished_at[i] for i in finished_at]
            completed_at = max([*times, surveyed_at or 0])
        for index, module_id, first_view, last_view, mark_at in module_rows:
            status = progress.modules[module_id]
            complete_at = finished_at[index] if status.state == "complete" else None
            self.rows.by_table["module_progress"].append(
                (
                    enrollment_id,
                    module_id,
                    stamp(first_view),
                    stamp(last_view),
                    stamp(mark_at) if mark_at is not None else None,
                    stamp(complete_at) if complete_at is not None else None,
                )
            )
        updated = last_activity
        if completed_at is not None and rng.random() < CLAIMS_CERTIFICATE:
            issued = min(completed_at + rng.randint(60, 3 * DAY), anchor)
            self._certificate(plan, enrollment_id, user_id, name, completed_at, issued)
            updated = max(updated, issued)
        unenrolled_at: int | None = None
        if completed_at is None and rng.random() < UNENROLLS:
            unenrolled_at = min(last_activity + rng.randint(HOUR, 30 * DAY), anchor)
            updated = max(updated, unenrolled_at)
        self.rows.by_table["enrollment"].append(
            (
                enrollment_id,
                user_id,
                plan.course_id,
                cohort,
                unenrolled_at is None,
                stamp(start),
                stamp(unenrolled_at) if unenrolled_at is not None else None,
                progress.percent,
                stamp(completed_at) if completed_at is not None else None,
                last_module,
                stamp(last_activity),
                stamp(updated),
            )
        )
        return EnrollmentFacts(progress.percent, progress.complete, last_activity)

    def _exercise(
        self, activity: ActivityPlan, enrollment_id: int, user_id: int, t: int, partial: bool
    ) -> tuple[int, bool]:
        """Write the attempts and state of one exercise; (time after it, whether it is done)."""
        spec = activity.spec
        assert spec is not None
        variant = (
            learner_variant(activity, user_id) if len(spec.variants) > 1 else spec.variants[0].key
        )
        script: Script
        if partial:  # stopped here: one wrong answer (when allowed more), or just looked
            wrong = activity.wrong_first[variant]
            if spec.attempts < 2 or not wrong or self.rng.random() < 0.5:
                return t, False
            script = wrong[int(self.rng.random() * len(wrong))]
            attempts = script.attempts[:1]
        else:
            scripts = activity.scripts[variant]
            script = scripts[int(self.rng.random() * len(scripts))]
            attempts = script.attempts
        stamp = self.stamp
        out = self.rows.by_table["exercise_attempt"]
        end = t
        for attempt in attempts:
            end = t + attempt.offset
            answer = attempt.answer
            out.append(
                (
                    enrollment_id,
                    activity.pk,
                    spec.content_hash,
                    variant,
                    answer.raw,
                    answer.normalized,
                    answer.score,
                    answer.correct,
                    attempt.number,
                    attempt.final,
                    f"demo-{enrollment_id}-{activity.pk}-{attempt.number}",
                    stamp(end),
                )
            )
        hints = script.hints if not partial else min(script.hints, 1)
        self.rows.by_table["exercise_state"].append(
            (enrollment_id, activity.pk, variant, hints, stamp(end))
        )
        return end, attempts[-1].final

    def _reflection(
        self,
        plan: CoursePlan,
        module: Module,
        activity: ActivityPlan,
        user_id: int,
        t: int,
        partial: bool,
    ) -> tuple[int, bool]:
        """Write one reflection (submitted, or a draft where the learner stopped)."""
        block = activity.block
        assert block is not None
        rng, stamp = self.rng, self.stamp
        if partial and rng.random() < 0.5:
            return t, False
        text = activity.texts[int(rng.random() * len(activity.texts))]
        reflection_id = self.reflection_id
        self.reflection_id += 1
        module_id = module.id
        title = module.title[:300]
        created = t
        end = t + rng.randint(5 * 60, 40 * 60)
        if partial:
            draft = " ".join(text.split()[: max(5, len(text.split()) // 3)])
            self.rows.by_table["reflection"].append(
                (
                    reflection_id, user_id, plan.course_id, activity.pk, activity.stable_id,
                    module_id, title, block.prompt_html, draft, stamp(end), False, None, 0,
                    None, None, stamp(created),
                )
            )  # fmt: skip
            return end, False
        shared = rng.random() < SHARES_REFLECTION
        revisions = [(1, text, end)]
        if rng.random() < REVISES_REFLECTION:
            later = min(end + rng.randint(HOUR, 5 * DAY), self.anchor)
            other = activity.texts[rng.randrange(len(activity.texts))]
            if other != text and later > end:
                revisions.append((2, other, later))
        for number, body, at in revisions:
            self.rows.by_table["reflection_revision"].append(
                (reflection_id, number, body, stamp(at))
            )
        self.rows.by_table["reflection"].append(
            (
                reflection_id, user_id, plan.course_id, activity.pk, activity.stable_id,
                module_id, title, block.prompt_html, "", None, shared,
                stamp(end) if shared else None, len(revisions), stamp(end),
                stamp(revisions[-1][2]), stamp(created),
            )
        )  # fmt: skip
        return end, True

    def _survey(self, plan: CoursePlan, enrollment_id: int, at: int, items: list[str]) -> None:
        """A submitted feedback survey: mostly agree, some neutral, a few unhappy."""
        rng = self.rng
        response_id = self.response_id
        self.response_id += 1
        mood = rng.random()
        comment = rng.choice(SURVEY_COMMENTS) if rng.random() < 0.3 else None
        started = at - rng.randint(60, 15 * 60)
        self.rows.by_table["survey_response"].append(
            (response_id, enrollment_id, plan.course_id, comment, self.stamp(started),
             self.stamp(at), self.stamp(at))
        )  # fmt: skip
        answers = self.rows.by_table["survey_answer"]
        for item in items:
            r = rng.random()
            value = 5 if r < 0.42 else 4 if r < 0.8 else 3 if r < 0.91 else 2 if r < 0.97 else 1
            if mood < 0.12:
                value = max(1, value - 2)
            answers.append((response_id, item, value))

    def _certificate(
        self, plan: CoursePlan, enrollment_id: int, user_id: int, name: str, completed: int,
        issued: int,
    ) -> None:  # fmt: skip
        """A certificate with the fields ``certificates.service.issue`` writes."""
        rng = self.rng
        code = ""
        while not code or code in self.codes:
            raw = "".join(rng.choice(CODE_ALPHABET) for _ in range(12))
            code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        self.codes.add(code)
        course = plan.course
        self.rows.by_table["certificate"].append(
            (code, enrollment_id, user_id, plan.course_id, name, course.title[:300],
             course.hours, self.stamp(completed), self.stamp(issued))
        )  # fmt: skip
