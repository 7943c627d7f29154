"""The ``{exercise}`` directive: body schema, answer keys computed once at load, public view.

Answer keys live only in ``ExerciseSpec.variants[*].answer``. Templates and the JSON API get a
``PublicExercise`` (see ``public_view``), which has no answer fields at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import unescape as html_unescape
from typing import Any, Literal

from markupsafe import escape
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.content.problems import SpecError
from app.datasets.loader import Dataset
from app.datasets.query import QueryResult, QuerySpec, format_value, parse_query, run_query
from app.datasets.schema import spec_error_from

ExerciseType = Literal["numeric", "choice", "multi"]
Pick = Literal["value", "max", "min", "above", "below"]
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
VARIANT_PLACEHOLDER = "{variant}"


# ---- body schema (what authors write) -------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DerivedAnswerBody(_Strict):
    """An answer computed from the dataset: a query plus what to pick from its result."""

    query: dict[str, Any]
    pick: Pick
    group: str | list[str] | None = None
    threshold: float | None = None
    of: Literal["value", "comparison"] | None = None

    @model_validator(mode="after")
    def _needs(self) -> DerivedAnswerBody:
        if self.pick in ("above", "below") and self.threshold is None:
            raise ValueError(f"pick: {self.pick} needs a threshold")
        if self.pick != "value" and self.group is not None:
            raise ValueError("group is only used with pick: value")
        return self


class ChoiceBody(_Strict):
    """A literal choice."""

    id: str
    text: str
    feedback: str = ""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError("a choice id is letters, digits, - or _ (up to 64)")
        return value


class ChoicesFromGroups(_Strict):
    """Choices generated from the group labels of a query (default: the answer's query)."""

    from_: Literal["groups"] = Field(alias="from")
    query: dict[str, Any] | None = None


class FeedbackBody(_Strict):
    """Feedback shown after an attempt, by outcome."""

    correct: str = ""
    incorrect: str = ""
    partial: str = ""


class ExerciseBody(_Strict):
    """The YAML body of an ``{exercise}`` directive."""

    type: ExerciseType
    prompt: str
    dataset: str | None = None
    answer: float | int | str | list[str] | DerivedAnswerBody
    tolerance: float | None = Field(default=None, ge=0)
    relative_tolerance: float | None = Field(default=None, ge=0, le=1)
    unit: str = Field(default="", max_length=20)
    choices: list[ChoiceBody] | ChoicesFromGroups | None = None
    hints: list[str] = Field(default_factory=list, max_length=10)
    feedback: FeedbackBody = FeedbackBody()
    explanation: str = ""
    attempts: int = Field(default=3, ge=1, le=20)
    reveal_after: int | None = Field(default=None, ge=1, le=20)
    variant_by: str | None = None
    variants: list[str] | None = None
    required: bool = True

    @field_validator("answer", mode="before")
    @classmethod
    def _no_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("an answer cannot be true/false; use a choice exercise")
        return value


# ---- loaded spec (server only) --------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One choice as shown to learners (never says whether it is right)."""

    id: str
    text_html: str
    feedback_html: str = ""


@dataclass(frozen=True)
class AnswerKey:
    """The correct answer of one variant. Server side only."""

    number: float | None
    choice_ids: frozenset[str]
    display: str  # how the reveal shows it, e.g. "23.4%" or "Eastside MS"


@dataclass(frozen=True)
class Variant:
    """One version of the exercise ("" when the exercise has no variants).

    ``key`` is the raw value of ``variant_by`` (what attempts store); ``label`` is how it is shown.
    """

    key: str
    choices: tuple[Choice, ...]
    answer: AnswerKey
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.key)


@dataclass(frozen=True)
class Feedback:
    """Rendered feedback per outcome."""

    correct_html: str
    incorrect_html: str
    partial_html: str


@dataclass(frozen=True)
class ExerciseSpec:
    """A loaded exercise with every variant's answer key computed. Never sent to a browser."""

    id: str
    type: ExerciseType
    prompt_html: str
    dataset: str | None
    tolerance: float
    relative_tolerance: float | None
    unit: str
    hints_html: tuple[str, ...]
    feedback: Feedback
    explanation_html: str
    attempts: int
    reveal_after: int
    variant_by: str | None
    variants: tuple[Variant, ...]
    required: bool
    content_hash: str
    kind: Literal["exercise"] = "exercise"

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
    prompt_html: str
    choices: tuple[tuple[str, str], ...]  # (id, text_html)
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


# ---- building --------------------------------------------------------------------------------


def build_exercise(
    activity_id: str,
    body: dict[str, Any],
    datasets: Mapping[str, Dataset],
    render_markdown: Callable[[str], str],
) -> ExerciseSpec:
    """Validate an ``{exercise}`` body and compute every variant's answer key."""
    if not isinstance(body, dict):
        raise SpecError("the exercise body must be a YAML mapping")
    _precheck(body)
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
    keys = _variant_keys(spec, dataset)
    if dataset is not None:
        # Structural mistakes are reported as such, before any variant is computed.
        if isinstance(spec.answer, DerivedAnswerBody):
            _query(dataset, spec.answer.query, spec.variant_by, "answer.query", None)
        if isinstance(spec.choices, ChoicesFromGroups) and spec.choices.query is not None:
            _query(dataset, spec.choices.query, spec.variant_by, "choices.query", None)
    variants = []
    first_error: SpecError | None = None
    for key in keys:
        try:
            variants.append(_build_variant(spec, dataset, key, render_markdown))
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
        tolerance = _default_tolerance(spec, dataset) if spec.type == "numeric" else 0.0
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
        unit=spec.unit or _default_unit(spec, dataset),
        hints_html=tuple(render_markdown(h) for h in spec.hints),
        feedback=Feedback(
            correct_html=render_markdown(spec.feedback.correct) if spec.feedback.correct else "",
            incorrect_html=render_markdown(spec.feedback.incorrect)
            if spec.feedback.incorrect
            else "",
            partial_html=render_markdown(spec.feedback.partial) if spec.feedback.partial else "",
        ),
        explanation_html=render_markdown(spec.explanation) if spec.explanation else "",
        attempts=spec.attempts,
        reveal_after=reveal_after,
        variant_by=spec.variant_by,
        variants=tuple(variants),
        required=spec.required,
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
    )


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


def _precheck(body: dict[str, Any]) -> None:
    """Validate union-typed keys alone, so errors name "answer.pick", not a union member."""
    answer, choices = body.get("answer"), body.get("choices")
    try:
        if isinstance(answer, dict):
            DerivedAnswerBody.model_validate(answer)
        if isinstance(choices, dict):
            ChoicesFromGroups.model_validate(choices)
    except ValidationError as exc:
        raise spec_error_from(exc, "answer" if isinstance(answer, dict) else "choices") from None
    if isinstance(choices, list):
        for i, item in enumerate(choices):
            try:
                ChoiceBody.model_validate(item)
            except ValidationError as exc:
                raise spec_error_from(exc, f"choices.{i}") from None


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


def _variant_keys(spec: ExerciseBody, dataset: Dataset | None) -> list[str]:
    if spec.variant_by is None:
        if spec.variants:
            raise SpecError("variants: needs variant_by", key="variants")
        return [""]
    assert dataset is not None
    if spec.variant_by not in dataset.dimensions:
        raise SpecError(
            f"variant_by: no dimension {spec.variant_by!r} in {dataset.name!r}", key="variant_by"
        )
    values = dataset.dimension_values[spec.variant_by]
    if spec.variants:
        for value in spec.variants:
            if value not in values:
                raise SpecError(
                    f"variants: {value!r} is not a value of {spec.variant_by!r}", key="variants"
                )
        return list(spec.variants)
    return list(values)


def _query(
    dataset: Dataset, raw: dict[str, Any], variant_by: str | None, key: str, at: str | None
) -> QuerySpec:
    query = parse_query(dataset, raw, key=key)
    if variant_by:
        if variant_by in query.group_by or variant_by in dict(query.filters):
            raise SpecError(
                f"{key}: cannot group or filter by {variant_by!r}, the variant dimension",
                key=key,
            )
        if at is not None:
            query = query.with_filter(variant_by, at)
    return query


def _build_variant(
    spec: ExerciseBody, dataset: Dataset | None, key: str, render_markdown: Callable[[str], str]
) -> Variant:
    answer = spec.answer
    choices: tuple[Choice, ...] = ()
    group_ids: dict[str, str] = {}  # raw group value -> choice id (stable across relabelling)
    group_names: dict[str, str] = {}  # raw group value -> its label, as learners see it
    if isinstance(spec.choices, list):
        ids = [c.id for c in spec.choices]
        if len(set(ids)) != len(ids):
            raise SpecError("choices: two choices share an id", key="choices")
        choices = tuple(
            Choice(
                c.id,
                render_markdown(c.text),
                render_markdown(c.feedback) if c.feedback else "",
            )
            for c in spec.choices
        )
    elif isinstance(spec.choices, ChoicesFromGroups):
        assert dataset is not None
        raw = spec.choices.query
        if raw is None:
            if not isinstance(answer, DerivedAnswerBody):
                raise SpecError(
                    "choices.query: required when the answer is literal", key="choices.query"
                )
            raw = answer.query
        query = _query(dataset, raw, spec.variant_by, "choices.query", key)
        if len(query.group_by) != 1:
            raise SpecError(
                "choices.query.group_by: choices from groups need one dimension",
                key="choices.query.group_by",
            )
        result = run_query(dataset, query)
        # Only groups whose numbers learners can see; display order, never sorted by value.
        for row in result.rows:
            if row.visible:
                group_ids[row.labels[0]] = _slug(row.labels[0], group_ids.values())
                group_names[row.labels[0]] = (row.names or row.labels)[0]
        choices = tuple(
            Choice(cid, f"<p>{escape(group_names[value])}</p>") for value, cid in group_ids.items()
        )
    if spec.type != "numeric" and len(choices) < 2:
        raise SpecError("choices: need at least two choices", key="choices")
    if isinstance(answer, DerivedAnswerBody):
        assert dataset is not None
        key_ = _derived(spec, dataset, answer, key, choices, group_ids)
        if group_names and spec.type != "numeric":
            winners = [v for v, cid in group_ids.items() if cid in key_.choice_ids]
            key_ = AnswerKey(None, key_.choice_ids, "; ".join(group_names[v] for v in winners))
    else:
        key_ = _literal(spec, answer, choices)
    if spec.type != "numeric" and not set(c.id for c in choices) - key_.choice_ids:
        raise SpecError(
            "choices: every choice is correct; add at least one wrong choice", key="choices"
        )
    label = dataset.value_label(spec.variant_by, key) if dataset and spec.variant_by else key
    return Variant(key=key, choices=choices, answer=key_, label=label)


def _slug(label: str, taken: Any) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "group"
    slug, n = base, 2
    existing = set(taken)
    while slug in existing:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _literal(spec: ExerciseBody, answer: Any, choices: tuple[Choice, ...]) -> AnswerKey:
    ids = {c.id: c for c in choices}
    if spec.type == "numeric":
        if not isinstance(answer, int | float):
            raise SpecError("answer: a numeric exercise needs a number", key="answer")
        return AnswerKey(float(answer), frozenset(), f"{answer:g}{spec.unit}")
    picked = [answer] if spec.type == "choice" else answer
    if spec.type == "choice" and not isinstance(answer, str):
        raise SpecError("answer: a choice exercise needs one choice id", key="answer")
    if spec.type == "multi" and (not isinstance(answer, list) or not answer):
        raise SpecError("answer: a multi exercise needs a list of choice ids", key="answer")
    for cid in picked:
        if cid not in ids:
            raise SpecError(f"answer: {cid!r} is not a choice id", key="answer")
    display = "; ".join(plain_text(ids[c].text_html) for c in picked)
    return AnswerKey(None, frozenset(picked), display)


def plain_text(html: str) -> str:
    """Rendered Markdown without its tags (choice texts in answers and attempt lists)."""
    return html_unescape(re.sub(r"<[^>]+>", "", html).strip())


def _derived(
    spec: ExerciseBody,
    dataset: Dataset,
    answer: DerivedAnswerBody,
    key: str,
    choices: tuple[Choice, ...],
    group_ids: dict[str, str],
) -> AnswerKey:
    query = _query(dataset, answer.query, spec.variant_by, "answer.query", key)
    result = run_query(dataset, query)
    of = answer.of or ("comparison" if query.compare != "none" else "value")
    if of == "comparison" and query.compare == "none":
        raise SpecError("answer.of: comparison needs a compare in the query", key="answer.of")
    rows = [r for r in result.rows if r.visible and _column(r, of) is not None]
    if spec.type == "numeric":
        if answer.pick == "value":
            row = _pick_row(result, answer.group, query)
            number = _column(row, of)
            if number is None:
                raise SpecError(
                    f"answer.group: the {of} of {row.label!r} is not shown", key="answer.group"
                )
            return AnswerKey(number, frozenset(), _display(result, row, of))
        if not rows:
            raise SpecError("answer.query: no group has a shown value", key="answer.query")
        if answer.pick in ("max", "min"):
            best = (max if answer.pick == "max" else min)(rows, key=lambda r: _column(r, of) or 0.0)
            return AnswerKey(_column(best, of), frozenset(), _display(result, best, of))
        count = len(_threshold_rows(rows, answer, of))
        return AnswerKey(float(count), frozenset(), str(count))
    if not group_ids:
        raise SpecError(
            "choices: a derived choice answer needs choices: {from: groups}", key="choices"
        )
    if answer.pick == "value":
        raise SpecError(
            "answer.pick: value gives a number; use max, min, above or below", key="answer.pick"
        )
    if answer.pick in ("max", "min"):
        if not rows:
            raise SpecError("answer.query: no group has a shown value", key="answer.query")
        values = sorted((_column(r, of) or 0.0 for r in rows), reverse=answer.pick == "max")
        if len(values) > 1 and abs(values[0] - values[1]) < 1e-9:
            raise SpecError(f"answer.pick: two groups tie for {answer.pick}", key="answer.pick")
        best = (max if answer.pick == "max" else min)(rows, key=lambda r: _column(r, of) or 0.0)
        winners = [best]
    else:
        winners = _threshold_rows(rows, answer, of)
        if spec.type == "choice" and len(winners) != 1:
            raise SpecError(
                f"answer.pick: {len(winners)} groups are {answer.pick} the threshold; a choice "
                "exercise needs exactly one (use type: multi)",
                key="answer.pick",
            )
        if not winners:
            raise SpecError(
                f"answer.pick: no group is {answer.pick} the threshold", key="answer.pick"
            )
    ids = set()
    for row in winners:
        label = row.labels[0]
        if label not in group_ids:
            raise SpecError(
                f"choices: the answer {label!r} is not among the choices", key="choices"
            )
        ids.add(group_ids[label])
    if spec.type == "choice" and len(ids) != 1:
        raise SpecError("answer: a choice exercise needs exactly one answer", key="answer")
    return AnswerKey(None, frozenset(ids), "; ".join(r.labels[0] for r in winners))


def _column(row: Any, of: str) -> float | None:
    return row.value if of == "value" else row.comparison


def _threshold_rows(rows: list[Any], answer: DerivedAnswerBody, of: str) -> list[Any]:
    threshold = answer.threshold if answer.threshold is not None else 0.0
    if answer.pick == "above":
        return [r for r in rows if (_column(r, of) or 0.0) > threshold]
    return [r for r in rows if (_column(r, of) or 0.0) < threshold]


def _pick_row(result: QueryResult, group: str | list[str] | None, query: QuerySpec) -> Any:
    if group is None:
        if query.group_by:
            raise SpecError(
                "answer.group: say which group (the query has group_by)", key="answer.group"
            )
        row = result.overall
    else:
        labels = (group,) if isinstance(group, str) else tuple(group)
        found = result.row(labels)
        if found is None:
            named = next((r for r in result.rows if r.names == labels), None)
            hint = (
                f" (that is the label of {named.label!r}; write the value as in the data)"
                if named is not None
                else ""
            )
            raise SpecError(
                f"answer.group: no group {group!r} in the result{hint}", key="answer.group"
            )
        row = found
    if not row.visible:
        raise SpecError(
            f"answer.group: {row.label!r} is hidden ({row.display}); learners cannot see it",
            key="answer.group",
        )
    return row


def _display(result: QueryResult, row: Any, of: str) -> str:
    if of == "comparison":
        return row.comparison_display
    return format_value(result.measure, row.value)


def _default_tolerance(spec: ExerciseBody, dataset: Dataset | None) -> float:
    """Half a unit of the last decimal shown, so the number on screen is always accepted."""
    answer = spec.answer
    if not isinstance(answer, DerivedAnswerBody) or dataset is None:
        return 0.0
    if answer.pick in ("above", "below"):
        return 0.0
    measure = dataset.measures.get(str(answer.query.get("measure")))
    if measure is None:
        return 0.0
    of = answer.of or (
        "comparison" if answer.query.get("compare", "none") not in ("none", None) else "value"
    )
    if of == "comparison" and answer.query.get("compare") == "risk_ratio":
        return 0.005
    decimals = 0 if measure.agg == "count" else measure.decimals
    return 0.5 * 10**-decimals


def _default_unit(spec: ExerciseBody, dataset: Dataset | None) -> str:
    answer = spec.answer
    if spec.type != "numeric" or not isinstance(answer, DerivedAnswerBody) or dataset is None:
        return ""
    if answer.pick in ("above", "below"):
        return ""
    measure = dataset.measures.get(str(answer.query.get("measure")))
    if measure is None:
        return ""
    compare = answer.query.get("compare", "none")
    of = answer.of or ("comparison" if compare not in ("none", None) else "value")
    if of == "comparison":
        return "" if compare == "risk_ratio" else ("pp" if measure.agg == "rate" else measure.unit)
    return "%" if measure.format == "percent" else measure.unit


# ---- content check --------------------------------------------------------------------------


def self_check(spec: ExerciseSpec) -> list[str]:
    """Problems `groundwork content check` reports: keys compute, wrong answers score 0."""
    from app.exercises.grading import grade

    problems: list[str] = []
    for variant in spec.variants:
        where = f"variant {variant.key!r}: " if variant.key else ""
        key = variant.answer
        if spec.type == "numeric":
            if key.number is None:
                problems.append(f"{where}the answer did not compute")
                continue
            right = grade(spec, f"{key.number:.10f}", variant.key)
            if right.score != 1:
                problems.append(f"{where}the correct answer {key.display} does not score 1")
            wrong = planted_wrong_number(spec, key.number)
            if grade(spec, f"{wrong:.10f}", variant.key).score != 0:
                problems.append(
                    f"{where}a planted wrong answer ({wrong:g}) scores more than 0; "
                    "is the tolerance too wide?"
                )
        else:
            ids = {c.id for c in variant.choices}
            wrong_ids = sorted(ids - key.choice_ids)
            if not key.choice_ids:
                problems.append(f"{where}the answer did not compute")
                continue
            if not wrong_ids:
                problems.append(f"{where}every choice is correct; add a wrong choice")
                continue
            right_pick: str | list[str] = (
                sorted(key.choice_ids) if spec.type == "multi" else next(iter(key.choice_ids))
            )
            if grade(spec, right_pick, variant.key).score != 1:
                problems.append(f"{where}the correct choice does not score 1")
            wrong_pick: str | list[str] = wrong_ids if spec.type == "multi" else wrong_ids[0]
            if grade(spec, wrong_pick, variant.key).score != 0:
                problems.append(f"{where}a wrong choice scores more than 0")
    return problems


def planted_wrong_number(spec: ExerciseSpec, number: float) -> float:
    """A plausible wrong answer: a quarter of the key (at least 1) away from it."""
    return number + max(1.0, 0.25 * abs(number))
