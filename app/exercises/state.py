"""One learner's state of one exercise, derived from their attempts: the reveal rule lives
here and only here. Answer keys leave this module only in ``revealed_answer`` (once earned)
and ``preview_keys`` (authors and admins previewing without an enrollment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from markupsafe import Markup

from app import tokens
from app.accounts.models import User
from app.content.access import may_preview
from app.content.plaintext import html_to_text
from app.db import id_of
from app.exercises.grading import Result
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.exercises.spec import ExerciseSpec, PublicExercise, public_view, variant_for

Status = Literal["open", "correct", "closed"]


@dataclass(frozen=True)
class AttemptView:
    """One past attempt as the learner sees it (their own answer, never the key)."""

    number: int
    answer: str
    score: float
    correct: bool
    created_at: datetime


@dataclass(frozen=True)
class ExerciseBlockState:
    """Everything ``exercises/_exercise.html`` needs for one learner and one exercise."""

    public: PublicExercise
    attempts: tuple[AttemptView, ...]
    attempts_left: int
    status: Status
    hints_html: tuple[Markup, ...]  # the hints opened so far, in order
    more_hints: bool
    revealed_answer: str | None  # only once earned
    explanation_html: Markup  # only once earned
    submission_key: str
    result: Result | None = None  # the answer just graded, for feedback
    typed: str | Sequence[str] = ""  # what the learner sent, kept when it was rejected
    preview_keys: tuple[tuple[str, str], ...] = field(default=())  # (variant, answer); authors

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def selected(self) -> frozenset[str]:
        """Choice ids to keep checked (from the answer just sent)."""
        typed = self.typed
        return frozenset([typed] if isinstance(typed, str) else typed)


def variant_of(spec: ExerciseSpec, user_id: int, row: ExerciseState | None) -> str:
    """The stored variant while it still exists, else the deterministic one."""
    if row is not None and spec.variant(row.variant) is not None:
        return row.variant
    return variant_for(spec, user_id)


def build_state(
    spec: ExerciseSpec,
    *,
    variant: str,
    attempts: Sequence[ExerciseAttempt],
    hints_revealed: int,
    result: Result | None = None,
    typed: str | Sequence[str] = "",
) -> ExerciseBlockState:
    """Derive the block state; the reveal rule lives here and only here."""
    chosen = spec.variant(variant) or spec.variants[0]
    views = tuple(
        AttemptView(a.number, _shown_answer(spec, a), a.score, a.correct, a.created_at)
        for a in attempts
    )
    solved = any(a.correct for a in attempts)
    used = len(attempts)
    status: Status = "correct" if solved else ("closed" if spec.out_of_attempts(used) else "open")
    earned = solved or used >= spec.reveal_after
    shown = min(max(hints_revealed, 0), len(spec.hints_html))
    return ExerciseBlockState(
        public=public_view(spec, chosen.key),
        attempts=views,
        attempts_left=max(spec.attempts - used, 0),
        status=status,
        hints_html=spec.hints_html[:shown],
        more_hints=shown < len(spec.hints_html) and status == "open",
        revealed_answer=chosen.answer.display if earned else None,
        explanation_html=spec.explanation_html if earned else Markup(""),
        submission_key=tokens.random_token(16),
        result=result,
        typed=typed,
    )


def _shown_answer(spec: ExerciseSpec, attempt: ExerciseAttempt) -> str:
    """A past answer as the learner saw it: choice ids become their text."""
    if spec.type == "numeric":
        return attempt.raw_answer
    chosen = spec.variant(attempt.variant) or spec.variants[0]
    texts = {c.id: html_to_text(c.text_html) for c in chosen.choices}
    return "; ".join(texts.get(i, i) for i in attempt.raw_answer.split(",") if i)


def preview_state(spec: ExerciseSpec, *, user: User) -> ExerciseBlockState:
    """Author preview: no attempts; answer keys of every variant for authors and admins."""
    state = build_state(spec, variant=variant_for(spec, id_of(user)), attempts=(), hints_revealed=0)
    if not may_preview(user):
        return state
    keys = tuple((v.label if v.key else "", v.answer.display) for v in spec.variants)
    return replace(state, preview_keys=keys)
