"""Answer keys, computed once at content load: literal answers, and answers derived from a
query on the dataset (a value, the max or min group, the groups above or below a threshold).

Everything here is server side only; ``ExerciseSpec`` holds the ``Variant`` objects built here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from app.content.plaintext import html_to_text
from app.content.problems import SpecError
from app.datasets.loader import Dataset
from app.datasets.query import QuerySpec, parse_query
from app.datasets.results import QueryResult, format_value, run_query
from app.exercises.body import ChoicesFromGroups, DerivedAnswerBody, ExerciseBody


@dataclass(frozen=True)
class Choice:
    """One choice as shown to learners (never says whether it is right)."""

    id: str
    text_html: Markup
    feedback_html: Markup = Markup("")


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


def variant_keys(spec: ExerciseBody, dataset: Dataset | None) -> list[str]:
    """The variant keys: every value of ``variant_by`` (or the listed ones), else [""]."""
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


def query_for(
    dataset: Dataset, raw: dict[str, Any], variant_by: str | None, key: str, at: str | None
) -> QuerySpec:
    """The query at ``key``, never on the variant dimension; narrowed to variant ``at``."""
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


def build_variant(
    spec: ExerciseBody, dataset: Dataset | None, key: str, render_markdown: Callable[[str], Markup]
) -> Variant:
    """One variant: its choices and its answer key, computed from the data when derived."""
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
                render_markdown(c.feedback) if c.feedback else Markup(""),
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
        query = query_for(dataset, raw, spec.variant_by, "choices.query", key)
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
            Choice(cid, Markup("<p>%s</p>") % group_names[value])
            for value, cid in group_ids.items()
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
    display = "; ".join(html_to_text(ids[c].text_html) for c in picked)
    return AnswerKey(None, frozenset(picked), display)


def _derived(
    spec: ExerciseBody,
    dataset: Dataset,
    answer: DerivedAnswerBody,
    key: str,
    choices: tuple[Choice, ...],
    group_ids: dict[str, str],
) -> AnswerKey:
    query = query_for(dataset, answer.query, spec.variant_by, "answer.query", key)
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
            if answer.minus is not None:
                return _difference(result, query, answer, row, number, of)
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


def _difference(
    result: QueryResult,
    query: QuerySpec,
    answer: DerivedAnswerBody,
    row: Any,
    number: float,
    of: str,
) -> AnswerKey:
    """``answer.group`` minus ``answer.minus`` as shown (each rounded to the measure's decimals)."""
    other = _pick_row(result, answer.minus, query, key="answer.minus")
    subtract = _column(other, of)
    if subtract is None:
        raise SpecError(
            f"answer.minus: the {of} of {other.label!r} is not shown", key="answer.minus"
        )
    decimals = 0 if result.measure.agg == "count" else result.measure.decimals
    # The difference of the two numbers as the explorer shows them, so a learner who
    # subtracts what is on screen gets exactly the key.
    difference = round(number, decimals) - round(subtract, decimals)
    unit = " pp" if result.measure.agg == "rate" else ""
    return AnswerKey(difference, frozenset(), f"{difference:.{decimals}f}{unit}")


def _column(row: Any, of: str) -> float | None:
    value: float | None = row.value if of == "value" else row.comparison
    return value


def _threshold_rows(rows: list[Any], answer: DerivedAnswerBody, of: str) -> list[Any]:
    threshold = answer.threshold if answer.threshold is not None else 0.0
    if answer.pick == "above":
        return [r for r in rows if (_column(r, of) or 0.0) > threshold]
    return [r for r in rows if (_column(r, of) or 0.0) < threshold]


def _pick_row(
    result: QueryResult,
    group: str | list[str] | None,
    query: QuerySpec,
    *,
    key: str = "answer.group",
) -> Any:
    if group is None:
        if query.group_by:
            raise SpecError(f"{key}: say which group (the query has group_by)", key=key)
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
            raise SpecError(f"{key}: no group {group!r} in the result{hint}", key=key)
        row = found
    if not row.visible:
        raise SpecError(
            f"{key}: {row.label!r} is hidden ({row.display}); learners cannot see it",
            key=key,
        )
    return row


def _display(result: QueryResult, row: Any, of: str) -> str:
    if of == "comparison":
        return str(row.comparison_display)
    return format_value(result.measure, row.value)


def default_tolerance(spec: ExerciseBody, dataset: Dataset | None) -> float:
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
    return 0.5 * 10.0**-decimals


def default_unit(spec: ExerciseBody, dataset: Dataset | None) -> str:
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
    if measure.format == "percent":
        # A difference of two rates (``minus``) is in percentage points, not percent.
        return "%" if answer.minus is None else "pp"
    return measure.unit
