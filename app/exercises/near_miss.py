"""Near misses and coincidences: wrong readings a learner might make that the grader would
still mark right (docs/authoring.md, "Tolerance, near misses and coincidences").

For every numeric exercise whose answer comes from a dataset, content check computes the
numbers a learner gets by reading a neighbouring view: the same measure for every other
value of each filter (another year, another school) and with each filter removed (every year
combined, the whole district), the other groups of the same table and
its total (for a difference, every other pair of groups), the other column (the rate
instead of the gap), every other measure shown in the same format (another survey item),
and the other variants' keys. One that shows the same number as the key at the precision
the learner sees is a *coincidence*; one the grader accepts is a *near miss*. Both are
warnings (CI runs the check with ``--strict``). A "highest"/"lowest" choice whose winner
shows the same number as the runner-up warns too.

It also holds the tolerance to the precision: at least half a unit of a rounding the prompt
asks for ("to one decimal place"; a warning), and never more than half a unit of the
precision asked for or shown (an error).
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
    result_rows: tuple[ResultRow, ...],
    overall: ResultRow,
    answer: DerivedAnswerBody,
    of: str,
    decimals: int,
) -> float | None:
    """The number the answer reads in a result (its row, less the ``minus`` row if any, each
    rounded as shown, as the key is)."""
    row = _picked(result_rows, overall, answer, of)
    number = _column(row, of) if row is not None else None
    if number is None or answer.minus is None:
        return number
    labels = (answer.minus,) if isinstance(answer.minus, str) else tuple(answer.minus)
    other = next((r for r in result_rows if r.labels == labels), None)
    subtract = _column(other, of) if other is not None else None
    return None if subtract is None else round(number, decimals) - round(subtract, decimals)


def _candidates(
    dataset: Dataset,
    query: QuerySpec,
    answer: DerivedAnswerBody,
    of: str,
    variant_by: str | None,
    decimals: int,
) -> Iterator[tuple[str, float]]:
    """(what was misread, its number) for every neighbouring reading of the keyed value:
    another value of each filter (another year, another school) or the filter removed, every
    other group (or pair
    of groups, for a difference) and the total, the other column, and every other measure
    shown in the same format (the access rate for the voice rate)."""
    result = run_query(dataset, query)
    keyed = _picked(result.rows, result.overall, answer, of)
    for dim, value in query.filters:
        # The filter left off (every year, the whole district instead of one school).
        kept = tuple(f for f in query.filters if f[0] != dim)
        loose = run_query(dataset, query.model_copy(update={"filters": kept}))
        number = _read(loose.rows, loose.overall, answer, of, decimals)
        widened = _picked(loose.rows, loose.overall, answer, of)
        # A filter that removes no one the measure counts (grades 6-12, for a course only they
        # take) gives the very same number: the same reading, not a misreading.
        same = (
            widened is not None and keyed is not None and _column(widened, of) == _column(keyed, of)
        )
        if number is not None and not same:
            yield f"{dataset.dimensions[dim].label} filter removed", number
        if dim == variant_by:
            continue  # the other variants' keys are checked as such
        for other in dataset.dimension_values[dim]:
            if other != value:
                moved = run_query(dataset, query.with_filter(dim, other))
                number = _read(moved.rows, moved.overall, answer, of, decimals)
                if number is not None:
                    yield f"{dataset.dimensions[dim].label} = {other}", number
    if answer.pick == "value":
        yield from _other_groups(result.rows, keyed, answer, of, decimals)
        total = _column(result.overall, of)
        if keyed is not result.overall and answer.minus is None and total is not None:
            yield "the total (everyone in the view)", total
    if keyed is not None and query.compare != "none":
        other_of = "value" if of == "comparison" else "comparison"
        number = _column(keyed, other_of)
        if number is not None:
            yield f"the {other_of} column instead of the {of}", number
    yield from _other_measures(dataset, query, answer, of, decimals)


def _other_groups(
    rows: tuple[ResultRow, ...],
    keyed: ResultRow | None,
    answer: DerivedAnswerBody,
    of: str,
    decimals: int,
) -> Iterator[tuple[str, float]]:
    """Every other row (for a difference, every row: one read instead of subtracting), and
    for a difference every other ordered pair of rows."""
    shown = [(r, n) for r in rows if (n := _column(r, of)) is not None]
    for row, number in shown:
        if row is not keyed or answer.minus is not None:
            yield f"the row {row.label}", number
    if answer.minus is None:
        return
    minus = (answer.minus,) if isinstance(answer.minus, str) else tuple(answer.minus)
    for row, number in shown:
        for other, subtract in shown:
            if row is other or (row is keyed and other.labels == minus):
                continue
            difference = round(number, decimals) - round(subtract, decimals)
            yield f"the row {row.label} minus the row {other.label}", difference


def _other_measures(
    dataset: Dataset, query: QuerySpec, answer: DerivedAnswerBody, of: str, decimals: int
) -> Iterator[tuple[str, float]]:
    """The same reading of every other measure shown in the same format (a rate for a rate)."""
    this = dataset.measures[query.measure]
    for name, measure in dataset.measures.items():
        same_kind = measure.format == this.format and (measure.agg == "count") == (
            this.agg == "count"
        )
        if name == query.measure or not same_kind:
            continue
        if query.compare == "risk_ratio" and measure.agg != "rate":
            continue
        moved = run_query(dataset, query.model_copy(update={"measure": name}))
        number = _read(moved.rows, moved.overall, answer, of, decimals)
        if number is not None:
            yield f"the measure {measure.label!r}", number


def _accepts(spec: ExerciseSpec, variant: Variant, number: float) -> bool:
    return grade(spec, f"{number:.10f}", variant.key).score == 1


def _coincides(key: float, number: float, decimals: int) -> bool:
    """The two show the same number at the key's displayed precision."""
    return f"{key:.{decimals}f}" == f"{number:.{decimals}f}"


def displayed_decimals(answer: DerivedAnswerBody, dataset: Dataset) -> int:
    """The decimals the explorer shows the keyed number with (a risk ratio: 2; a count of
    groups above or below a threshold: 0)."""
    if answer.pick in ("above", "below"):
        return 0
    compare = answer.query.get("compare", "none")
    of = answer.of or ("comparison" if compare not in ("none", None) else "value")
    if of == "comparison" and compare == "risk_ratio":
        return 2
    measure = dataset.measures.get(str(answer.query.get("measure")))
    if measure is None or measure.agg == "count":
        return 0
    return 2 if measure.format == "ratio" else measure.decimals


def near_miss_problems(
    spec: ExerciseSpec, body: Mapping[str, Any], datasets: Mapping[str, Any]
) -> list[tuple[str, Severity]]:
    """Coincidences and near misses (warnings), and a tolerance off the precision asked for
    or shown (an error when too wide, a warning when it rejects the asked rounding)."""
    try:
        parsed = ExerciseBody.model_validate(dict(body))
    except ValidationError:
        return []  # the builder already reported it
    if spec.type != "numeric":
        return _indistinct_winner(spec, parsed, datasets)
    answer = parsed.answer
    dataset = datasets.get(spec.dataset or "")
    problems = _tolerance_problems(spec, parsed.prompt, answer, dataset)
    if not isinstance(answer, DerivedAnswerBody) or dataset is None:
        return problems
    if answer.pick in ("above", "below"):
        return problems  # a count of groups: no neighbouring row to misread
    compare = answer.query.get("compare", "none")
    of = answer.of or ("comparison" if compare not in ("none", None) else "value")
    decimals = displayed_decimals(answer, dataset)
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
        misses = list(_candidates(dataset, query, answer, of, spec.variant_by, decimals))
        misses += [
            (f"the key of variant {other.label!r}", other.answer.number)
            for other in spec.variants
            if other is not variant and other.answer.number is not None
        ]
        for what, number in misses:
            if _coincides(key, number, decimals):
                problems.append(
                    (
                        f"{where}coincidence: {what} shows the same number as the key "
                        f"{variant.answer.display} ({number:.{decimals}f}), so a learner who "
                        "read it would be marked right for the wrong reason; ask about a "
                        "value no other reading gives (another group, year or measure), or "
                        "change the data",
                        "warning",
                    )
                )
            elif _accepts(spec, variant, number):
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


def _tolerance_problems(
    spec: ExerciseSpec, prompt: str, answer: object, dataset: Dataset | None
) -> list[tuple[str, Severity]]:
    """The tolerance against the precision the learner is shown or asked for: at least half
    a unit of an asked rounding (a warning), never more than half a unit of the precision
    (an error: a different number that shows differently would be marked right)."""
    asked = asked_decimals(prompt)
    if asked is not None:
        decimals = asked
    elif isinstance(answer, DerivedAnswerBody) and dataset is not None:
        decimals = displayed_decimals(answer, dataset)
    else:
        decimals = max((_decimals_of(v.answer.number) for v in spec.variants), default=0)
    half = 0.5 * 10.0**-decimals
    problems: list[tuple[str, Severity]] = []
    if asked is not None and not spec.relative_tolerance and spec.tolerance < half - 1e-12:
        problems.append(
            (
                f"tolerance {spec.tolerance:g} is less than half of the last decimal the prompt "
                f"asks for ({half:g}): a correctly rounded answer could be marked wrong",
                "warning",
            )
        )
    widest = max(
        (
            max(spec.tolerance, (spec.relative_tolerance or 0.0) * abs(v.answer.number))
            for v in spec.variants
            if v.answer.number is not None
        ),
        default=spec.tolerance,
    )
    if widest > half + 1e-12:
        problems.append(
            (
                f"tolerance {widest:g} is wider than half a unit of the precision the learner "
                f"is {'asked for' if asked is not None else 'shown'} ({decimals} decimal"
                f"{'' if decimals == 1 else 's'}: at most {half:g}): a number that shows "
                "differently would be marked right; ask learners to read the value the "
                "explorer shows, and keep the default tolerance",
                "error",
            )
        )
    return problems


def _decimals_of(number: float | None) -> int:
    """The decimals a literal key is written with (2.5 -> 1, 25 -> 0)."""
    if number is None:
        return 0
    text = f"{number:g}"
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0
