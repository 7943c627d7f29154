"""Near misses: wrong rows a learner might read that the grader would still mark right.

For every numeric exercise whose answer comes from a dataset, content check computes the
numbers a learner gets by reading a neighbouring view: the same measure for every other
value of each filter (another year, another school), the other groups of the same table,
the other column (the rate instead of the gap), and the other variants' keys. A near miss
the grader accepts is a warning: a learner who read the wrong row would be marked right. A
"highest"/"lowest" choice whose winner shows the same number as the runner-up warns too.

It also holds the tolerance to the rounding the prompt asks for ("to one decimal place"):
the rounded answer must be accepted (tolerance at least half a unit of that decimal) and the
tolerance must not exceed one unit of it (docs/authoring.md, "Tolerance").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import ValidationError

from app.content.problems import SpecError
from app.datasets.loader import Dataset
from app.datasets.query import QuerySpec
from app.datasets.results import ResultRow, run_query
from app.exercises.answers import Variant, query_for
from app.exercises.body import DerivedAnswerBody, ExerciseBody
from app.exercises.grading import grade
from app.exercises.spec import ExerciseSpec

__all__ = ["asked_decimals", "near_miss_problems"]

Severity = Literal["error", "warning"]
_WORDS = {"no": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "1": 1, "2": 2, "3": 3}
_DECIMALS = re.compile(r"\b(no|zero|one|two|three|[0-3])\s+decimal\s+places?\b", re.IGNORECASE)
_WORD = {"max": "highest", "min": "lowest"}
_WHOLE = re.compile(r"\bwhole number\b", re.IGNORECASE)


def asked_decimals(prompt: str) -> int | None:
    """The rounding a prompt asks for ("to one decimal place" -> 1), or None if it is silent."""
    found = _DECIMALS.search(prompt)
    if found:
        return _WORDS[found.group(1).lower()]
    if _WHOLE.search(prompt):
        return 0
    return None


def _column(row: ResultRow, of: str) -> float | None:
    if not row.visible:
        return None
    return row.value if of == "value" else row.comparison


def _picked(
    result_rows: tuple[ResultRow, ...], overall: ResultRow, answer: DerivedAnswerBody, of: str
) -> ResultRow | None:
    """The row the answer's pick reads in a result (None when it cannot be read there)."""
    if answer.pick == "value":
        if answer.group is None:
            return overall
        labels = (answer.group,) if isinstance(answer.group, str) else tuple(answer.group)
        return next((r for r in result_rows if r.labels == labels), None)
    shown = [r for r in result_rows if _column(r, of) is not None]
    if not shown:
        return None
    best = max if answer.pick == "max" else min
    return best(shown, key=lambda r: _column(r, of) or 0.0)


def _read(
    result_rows: tuple[ResultRow, ...], overall: ResultRow, answer: DerivedAnswerBody, of: str
) -> float | None:
    """The number the answer reads in a result (its row, less the ``minus`` row if any)."""
    row = _picked(result_rows, overall, answer, of)
    number = _column(row, of) if row is not None else None
    if number is None or answer.minus is None:
        return number
    labels = (answer.minus,) if isinstance(answer.minus, str) else tuple(answer.minus)
    other = next((r for r in result_rows if r.labels == labels), None)
    subtract = _column(other, of) if other is not None else None
    return None if subtract is None else number - subtract  # raw: close enough for a near miss


def _candidates(
    dataset: Dataset, query: QuerySpec, answer: DerivedAnswerBody, of: str, variant_by: str | None
) -> Iterator[tuple[str, float]]:
    """(what was misread, its number) for every neighbouring view of the keyed value."""
    result = run_query(dataset, query)
    keyed = _picked(result.rows, result.overall, answer, of)
    for dim, value in query.filters:
        if dim == variant_by:
            continue  # the other variants' keys are checked as such
        for other in dataset.dimension_values[dim]:
            if other == value:
                continue
            moved = run_query(dataset, query.with_filter(dim, other))
            number = _read(moved.rows, moved.overall, answer, of)
            if number is not None:
                yield f"{dataset.dimensions[dim].label} = {other}", number
    if answer.pick == "value":
        for row in result.rows:
            number = _column(row, of)
            if (row is not keyed or answer.minus is not None) and number is not None:
                yield f"the row {row.label}", number
    if keyed is not None and query.compare != "none":
        other_of = "value" if of == "comparison" else "comparison"
        number = _column(keyed, other_of)
        if number is not None:
            yield f"the {other_of} column instead of the {of}", number


def _accepts(spec: ExerciseSpec, variant: Variant, number: float) -> bool:
    return grade(spec, f"{number:.10f}", variant.key).score == 1


def near_miss_problems(
    spec: ExerciseSpec, body: Mapping[str, Any], datasets: Mapping[str, Any]
) -> list[tuple[str, Severity]]:
    """Warnings for near misses the grader accepts and for a tolerance off the asked rounding."""
    try:
        parsed = ExerciseBody.model_validate(dict(body))
    except ValidationError:
        return []  # the builder already reported it
    if spec.type != "numeric":
        return _indistinct_winner(spec, parsed, datasets)
    problems: list[tuple[str, Severity]] = _rounding_problems(spec, parsed.prompt)
    answer = parsed.answer
    dataset = datasets.get(spec.dataset or "")
    if not isinstance(answer, DerivedAnswerBody) or dataset is None:
        return problems
    if answer.pick in ("above", "below"):
        return problems  # a count of groups: no neighbouring row to misread
    compare = answer.query.get("compare", "none")
    of = answer.of or ("comparison" if compare not in ("none", None) else "value")
    for variant in spec.variants:
        key = variant.answer.number
        if key is None:
            continue
        where = f"variant {variant.label!r}: " if variant.key else ""
        try:
            query = query_for(
                dataset, answer.query, spec.variant_by, "answer.query", variant.key or None
            )
        except SpecError:
            continue
        misses = list(_candidates(dataset, query, answer, of, spec.variant_by))
        misses += [
            (f"the key of variant {other.label!r}", other.answer.number)
            for other in spec.variants
            if other is not variant and other.answer.number is not None
        ]
        for what, number in misses:
            if _accepts(spec, variant, number):
                problems.append(
                    (
                        f"{where}near miss: a learner who read {what} ({number:g}) would be "
                        f"marked right, because it is within the tolerance of the key "
                        f"{variant.answer.display}; narrow the tolerance or ask for a value "
                        "no neighbouring view comes this close to",
                        "warning",
                    )
                )
    return problems


def _indistinct_winner(
    spec: ExerciseSpec, parsed: ExerciseBody, datasets: Mapping[str, Any]
) -> list[tuple[str, Severity]]:
    """A "highest"/"lowest" choice whose winner shows the same number as the runner-up."""
    answer = parsed.answer
    dataset = datasets.get(spec.dataset or "")
    if not isinstance(answer, DerivedAnswerBody) or dataset is None:
        return []
    if answer.pick not in ("max", "min"):
        return []
    compare = answer.query.get("compare", "none")
    of = answer.of or ("comparison" if compare not in ("none", None) else "value")
    problems: list[tuple[str, Severity]] = []
    for variant in spec.variants:
        try:
            query = query_for(
                dataset, answer.query, spec.variant_by, "answer.query", variant.key or None
            )
        except SpecError:
            continue
        rows = [r for r in run_query(dataset, query).rows if _column(r, of) is not None]
        rows.sort(key=lambda r: _column(r, of) or 0.0, reverse=answer.pick == "max")
        if len(rows) < 2:
            continue
        first, second = rows[0], rows[1]
        shown = (
            (first.display, second.display)
            if of == "value"
            else (first.comparison_display, second.comparison_display)
        )
        if shown[0] == shown[1]:
            where = f"variant {variant.label!r}: " if variant.key else ""
            problems.append(
                (
                    f"{where}near miss: {first.label} and {second.label} both show {shown[0]}, "
                    f"so a learner cannot tell which is the {_WORD[answer.pick]}; ask about "
                    "groups the explorer tells apart",
                    "warning",
                )
            )
    return problems


def _rounding_problems(spec: ExerciseSpec, prompt: str) -> list[tuple[str, Severity]]:
    decimals = asked_decimals(prompt)
    if decimals is None or spec.relative_tolerance:
        return []
    unit = 10.0**-decimals
    if spec.tolerance < unit / 2 - 1e-12:
        return [
            (
                f"tolerance {spec.tolerance:g} is less than half of the last decimal the prompt "
                f"asks for ({unit / 2:g}): a correctly rounded answer could be marked wrong",
                "warning",
            )
        ]
    if spec.tolerance > unit + 1e-12:
        return [
            (
                f"tolerance {spec.tolerance:g} is wider than one unit of the last decimal the "
                f"prompt asks for ({unit:g}): answers that are not the asked rounding of the "
                "value would be marked right",
                "warning",
            )
        ]
    return []
