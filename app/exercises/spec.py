"""The ``{exercise}`` directive: the loaded spec, its public view, and ``build_exercise``.

Answer keys live only in ``ExerciseSpec.variants[*].answer`` (computed in ``answers``).
Templates and the JSON API get a ``PublicExercise`` (see ``public_view``), which has no
answer fields at all. The YAML body schema is in ``body``; the content check in ``check``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup, escape
from pydantic import ValidationError

from app.content.problems import SpecError
from app.datasets.loader import Dataset
from app.datasets.results import run_query
from app.datasets.schema import spec_error_from
from app.exercises.answers import (
    Variant,
    build_variant,
    default_tolerance,
    default_unit,
    query_for,
    variant_keys,
)
from app.exercises.body import (
    ChoicesFromGroups,
    DerivedAnswerBody,
    ExerciseBody,
    ExerciseType,
    precheck,
)

__all__ = [
    "ExerciseSpec",
    "PublicExercise",
    "build_exercise",
    "public_view",
    "variant_for",
]

VARIANT_PLACEHOLDER = "{variant}"


_NONE = Markup("")


@dataclass(frozen=True)
class Feedback:
    """Rendered feedback per outcome."""

    correct_html: Markup
    incorrect_html: Markup
    partial_html: Markup


@dataclass(frozen=True)
class ExerciseSpec:
    """A loaded exercise with every variant's answer key computed. Never sent to a browser."""

    id: str
    type: ExerciseType
    prompt_html: Markup
    dataset: str | None
    tolerance: float
    relative_tolerance: float | None
    unit: str
    hints_html: tuple[Markup, ...]
    feedback: Feedback
    explanation_html: Markup
    attempts: int
    reveal_after: int
    variant_by: str | None
    variants: tuple[Variant, ...]
    required: bool
    content_hash: str
    # Groups the exercise's view hides for privacy in any variant, as readers name them: the
    # text around the exercise must say so (content's suppression-note check reads this).
    hidden_groups: tuple[str, ...] = ()
    kind: Literal["exercise"] = "exercise"

    def ends_on(self, *, correct: bool, number: int) -> bool:
        """The one rule for "exercise done" (docs/progress.md): attempt ``number`` is final
        when it is correct or the last one allowed. Grading, the block's state, progress
        and the demo seed all ask here."""
        return correct or self.out_of_attempts(number)

    def out_of_attempts(self, used: int) -> bool:
        """True once ``used`` attempts leave none."""
        return used >= self.attempts

    def variant(self, key: str) -> Variant | None:
        """The variant with this key, or None."""
        for variant in self.variants:
            if variant.key == key:
                return variant
        return None


@dataclass(frozen=True)
class PublicExercise:
    """What a browser may see of an exercise: no answer, no key, no correct-choice marker."""

    id: str
    type: ExerciseType
    prompt_html: Markup
    choices: tuple[tuple[str, Markup], ...]  # (id, text_html)
    unit: str
    attempts: int
    hints_total: int
    variant_label: str


def public_view(spec: ExerciseSpec, variant_key: str) -> PublicExercise:
    """The answer-free view of one variant of an exercise."""
    variant = spec.variant(variant_key) or spec.variants[0]
    prompt = spec.prompt_html
    if spec.variant_by:
        prompt = prompt.replace(VARIANT_PLACEHOLDER, str(escape(variant.label)))
    return PublicExercise(
        id=spec.id,
        type=spec.type,
        prompt_html=prompt,
        choices=tuple((c.id, c.text_html) for c in variant.choices),
        unit=spec.unit,
        attempts=spec.attempts,
        hints_total=len(spec.hints_html),
        variant_label=variant.label,
    )


def variant_for(spec: ExerciseSpec, user_id: int) -> str:
    """The learner's variant: deterministic from (user id, exercise id)."""
    if len(spec.variants) == 1:
        return spec.variants[0].key
    digest = hashlib.sha256(f"{user_id}:{spec.id}".encode()).digest()
    return spec.variants[int.from_bytes(digest[:8], "big") % len(spec.variants)].key


def build_exercise(
    activity_id: str,
    body: dict[str, Any],
    datasets: Mapping[str, Dataset],
    render_markdown: Callable[[str], Markup],
) -> ExerciseSpec:
    """Validate an ``{exercise}`` body and compute every variant's answer key."""
    if not isinstance(body, dict):
        raise SpecError("the exercise body must be a YAML mapping")
    precheck(body)
    try:
        spec = ExerciseBody.model_validate(body)
    except ValidationError as exc:
        raise spec_error_from(exc) from None
    _check_placeholder(spec)
    dataset = _dataset(spec, datasets)
    derived = isinstance(spec.answer, DerivedAnswerBody)
    reveal_after = spec.reveal_after or spec.attempts
    if reveal_after > spec.attempts:
        raise SpecError("reveal_after: cannot be more than attempts", key="reveal_after")
    if spec.variant_by is not None and not derived:
        raise SpecError(
            "variant_by: only exercises whose answer is derived from the dataset have variants",
            key="variant_by",
        )
    if spec.type == "numeric" and spec.choices is not None:
        raise SpecError("choices: a numeric exercise has no choices", key="choices")
    if spec.type != "numeric" and spec.choices is None:
        raise SpecError("choices: required for choice and multi exercises", key="choices")
    if spec.type != "numeric" and (spec.tolerance is not None or spec.relative_tolerance):
        raise SpecError("tolerance: only numeric exercises have a tolerance", key="tolerance")
    keys = variant_keys(spec, dataset)
    if dataset is not None:
        # Structural mistakes are reported as such, before any variant is computed.
        if isinstance(spec.answer, DerivedAnswerBody):
            query_for(dataset, spec.answer.query, spec.variant_by, "answer.query", None)
        if isinstance(spec.choices, ChoicesFromGroups) and spec.choices.query is not None:
            query_for(dataset, spec.choices.query, spec.variant_by, "choices.query", None)
    variants = []
    first_error: SpecError | None = None
    for key in keys:
        try:
            variants.append(build_variant(spec, dataset, key, render_markdown))
        except SpecError as exc:
            if not spec.variant_by or spec.variants:
                raise
            # e.g. the picked group is suppressed at this school: that school is no variant.
            first_error = first_error or exc
    if not variants:
        if first_error is not None:
            raise SpecError(
                f"variant_by: no value of {spec.variant_by!r} gives a computable answer "
                f"({first_error.message})",
                key=first_error.key,
            )
        raise SpecError(
            f"variant_by: no value of {spec.variant_by!r} gives a computable answer",
            key="variant_by",
        )
    tolerance = spec.tolerance
    if tolerance is None:
        tolerance = default_tolerance(spec, dataset) if spec.type == "numeric" else 0.0
    content = json.dumps(
        {
            "body": body,
            "keys": [(v.key, sorted(v.answer.choice_ids), v.answer.number) for v in variants],
        },
        sort_keys=True,
        default=str,
    )
    return ExerciseSpec(
        id=activity_id,
        type=spec.type,
        prompt_html=render_markdown(spec.prompt),
        dataset=spec.dataset,
        tolerance=tolerance,
        relative_tolerance=spec.relative_tolerance,
        unit=spec.unit or default_unit(spec, dataset),
        hints_html=tuple(render_markdown(h) for h in spec.hints),
        feedback=Feedback(
            correct_html=render_markdown(spec.feedback.correct) if spec.feedback.correct else _NONE,
            incorrect_html=render_markdown(spec.feedback.incorrect)
            if spec.feedback.incorrect
            else _NONE,
            partial_html=render_markdown(spec.feedback.partial) if spec.feedback.partial else _NONE,
        ),
        explanation_html=render_markdown(spec.explanation) if spec.explanation else _NONE,
        attempts=spec.attempts,
        reveal_after=reveal_after,
        variant_by=spec.variant_by,
        variants=tuple(variants),
        required=spec.required,
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
        hidden_groups=_hidden_groups(spec, dataset, [v.key for v in variants]),
    )


def _hidden_groups(spec: ExerciseBody, dataset: Dataset | None, keys: list[str]) -> tuple[str, ...]:
    """The groups hidden in the views the answer and the choices are read from (every
    variant that is used), in the order the views list them."""
    if dataset is None:
        return ()
    raws = [spec.answer.query] if isinstance(spec.answer, DerivedAnswerBody) else []
    if isinstance(spec.choices, ChoicesFromGroups) and spec.choices.query is not None:
        raws.append(spec.choices.query)
    hidden: dict[str, None] = {}
    for raw in raws:
        for key in keys:
            query = query_for(dataset, raw, spec.variant_by, "answer.query", key or None)
            hidden.update(dict.fromkeys(run_query(dataset, query).hidden_groups))
    return tuple(hidden)


def _check_placeholder(spec: ExerciseBody) -> None:
    """``{variant}`` is filled in the prompt only, and only when there are variants."""
    if VARIANT_PLACEHOLDER in spec.prompt and spec.variant_by is None:
        raise SpecError(
            "prompt: {variant} is replaced by the learner's variant, but this exercise has no "
            "variant_by",
            key="prompt",
        )
    elsewhere = {
        "hints": " ".join(spec.hints),
        "feedback": " ".join((spec.feedback.correct, spec.feedback.incorrect)),
        "explanation": spec.explanation,
    }
    elsewhere["feedback"] += " " + spec.feedback.partial
    for key, text in elsewhere.items():
        if VARIANT_PLACEHOLDER in text:
            raise SpecError(
                f"{key}: {{variant}} is replaced in the prompt only; name the group in words",
                key=key,
            )


def _dataset(spec: ExerciseBody, datasets: Mapping[str, Dataset]) -> Dataset | None:
    needs = isinstance(spec.answer, DerivedAnswerBody) or isinstance(
        spec.choices, ChoicesFromGroups
    )
    if spec.dataset is None:
        if needs:
            raise SpecError(
                "dataset: required when the answer or choices come from data", key="dataset"
            )
        return None
    dataset = datasets.get(spec.dataset)
    if dataset is None:
        raise SpecError(
            f"dataset: no dataset named {spec.dataset!r} "
            f"(this course has: {', '.join(datasets) or 'none'})",
            key="dataset",
        )
    return dataset
