"""Running a query spec: cross-tables over the dataset with suppression decided once per
table, then the result rows (values, comparisons, display text) and the notes under them.
Results are cached on the dataset by spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import privacy
from app.datasets.loader import Dataset, dim_col, num_col
from app.datasets.query import QuerySpec
from app.datasets.schema import MeasureSchema
from app.privacy import CellStatus, is_coded, suppress

if TYPE_CHECKING:  # imported where a query runs (see app/datasets/loader.py)
    import polars as pl


@dataclass(frozen=True)
class ResultRow:
    """One group of a result (``labels == ()`` is the whole filtered population).

    ``labels`` are the raw values (as in the CSV: what filters, answers and choice ids use);
    ``names`` are the same values as shown to people (the dimension's value labels).
    """

    labels: tuple[str, ...]
    n: int | None  # None when hidden
    value: float | None  # None when hidden or coded
    display: str
    comparison: float | None
    comparison_display: str
    status: CellStatus
    names: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The raw values, joined (for authors' error messages)."""
        return " · ".join(self.labels) if self.labels else "All students"

    @property
    def visible(self) -> bool:
        """True when the value itself is shown (not hidden, not coded)."""
        return self.status == "shown"


@dataclass(frozen=True)
class QueryResult:
    """A result table ready for a chart, an HTML table, a CSV or a grader."""

    spec: QuerySpec
    dataset: str
    measure: MeasureSchema
    group_labels: tuple[str, ...]  # labels of the group_by dimensions
    rows: tuple[ResultRow, ...]
    overall: ResultRow
    min_group_size: int
    notes: tuple[str, ...]
    # (dimension label, value label) of each filter, for captions and titles.
    filter_labels: tuple[tuple[str, str], ...] = ()
    reference_label: str | None = None
    people: str = "students"  # who a row is, in the plural (the dataset's ``people``)

    @property
    def comparison_label(self) -> str:
        if self.spec.compare == "overall":
            return (
                f"Gap vs all {self.people} (percentage points)"
                if self.measure.agg == "rate"
                else f"Difference from all {self.people}"
            )
        if self.spec.compare == "risk_ratio":
            ref = self.reference_label or self.spec.reference
            return f"Risk ratio vs {ref}" if ref else f"Risk ratio vs all other {self.people}"
        return ""

    @property
    def hidden_groups(self) -> tuple[str, ...]:
        """The groups this view hides for privacy (too small, or hidden with one), as readers
        name them ("Black and IEP" for a cell of two dimensions). A range is shown, not hidden."""
        return tuple(
            " and ".join(row.names or row.labels)
            for row in self.rows
            if row.status in ("suppressed", "complementary")
        )

    def row(self, labels: tuple[str, ...]) -> ResultRow | None:
        """The row for a group, or None."""
        for row in self.rows:
            if row.labels == labels:
                return row
        return None


def run_query(dataset: Dataset, spec: QuerySpec) -> QueryResult:
    """Compute (or fetch from the cache) the suppressed result of a checked spec."""
    key = ("query", spec)
    hit: QueryResult | None = dataset.cached(key)
    if hit is not None:
        return hit
    result = _compute(dataset, spec)
    dataset.remember(key, result)
    return result


def _agg_exprs(measure: MeasureSchema) -> list[pl.Expr]:
    import polars as pl

    exprs = [pl.len().alias("n")]
    if measure.agg == "count" or measure.column is None:
        return [*exprs, pl.len().cast(pl.Float64).alias("num"), pl.lit(1.0).alias("den")]
    col = pl.col(num_col(measure.column))
    if measure.agg == "median":
        return [*exprs, col.median().alias("num"), pl.lit(1.0).alias("den")]
    if measure.agg == "sum":
        return [*exprs, col.sum().alias("num"), pl.lit(1.0).alias("den")]
    # mean and rate: the numerator and the count of non-missing values
    return [*exprs, col.sum().alias("num"), col.count().cast(pl.Float64).alias("den")]


Stats = tuple[list[tuple[str, ...]], list[tuple[int, float, float]]]


def _stats(
    dataset: Dataset,
    measure: MeasureSchema,
    name: str,
    dims: tuple[str, ...],
    finer: tuple[str, ...] | None = None,
) -> Stats:
    """(labels, (n, num, den)) of every cell over ``dims``; cached.

    For additive measures (all but median) a coarser table is summed from the cached finer
    one instead of scanning the frame again.
    """
    key = ("stats", name, dims)
    hit = dataset.cached(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    if finer is not None and finer != dims and measure.agg != "median":
        fine_labels, fine_stats = _stats(dataset, measure, name, finer)
        keep = [finer.index(d) for d in dims]
        sums: dict[tuple[str, ...], list[float]] = {}
        for lab, (n, num, den) in zip(fine_labels, fine_stats, strict=True):
            acc = sums.setdefault(tuple(lab[i] for i in keep), [0, 0.0, 0.0])
            acc[0] += n
            acc[1] += num
            acc[2] += den
        order = [{v: i for i, v in enumerate(dataset.dimension_values[d])} for d in dims]
        labels = sorted(sums, key=lambda lab: tuple(order[i][v] for i, v in enumerate(lab)))
        if measure.agg == "count" or measure.agg == "sum":
            stats = [(int(sums[lab][0]), sums[lab][1], 1.0) for lab in labels]
        else:
            stats = [(int(sums[lab][0]), sums[lab][1], sums[lab][2]) for lab in labels]
        if not dims:
            labels, stats = [()], stats or [(0, 0.0, 0.0)]
    else:
        exprs = _agg_exprs(measure)
        if dims:
            cols = [dim_col(d) for d in dims]
            rows = dataset.frame.lazy().group_by(cols).agg(exprs).sort(cols).collect().rows()
            names = [dataset.dimension_values[d] for d in dims]
            labels = [tuple(names[i][c] for i, c in enumerate(r[: len(cols)])) for r in rows]
            stats = [(int(r[-3]), float(r[-2] or 0.0), float(r[-1] or 0.0)) for r in rows]
        else:
            n, num, den = dataset.frame.select(exprs).row(0)
            labels, stats = [()], [(int(n), float(num or 0.0), float(den or 0.0))]
    dataset.remember(key, (labels, stats))
    return labels, stats


def _value(measure: MeasureSchema, num: float | None, den: float | None) -> float | None:
    if num is None or den is None:
        return None
    if measure.agg == "count":
        return float(num)
    if measure.agg in ("median", "sum"):
        return float(num)
    if den == 0:
        return None
    value = num / den
    return value * 100.0 if measure.agg == "rate" else value


@dataclass(frozen=True)
class _Cell:
    n: int
    num: float
    den: float
    value: float | None
    status: CellStatus


def _table(
    dataset: Dataset,
    measure_name: str,
    dims: tuple[str, ...],
    finer: tuple[str, ...] | None = None,
) -> dict[tuple[str, ...], _Cell]:
    """Every cell of the cross-table over ``dims`` (sorted names) with its suppression status.

    Suppression is decided once per table, never per filtered view: a view filtered on some
    dimensions and grouped by others is a slice of the table over all of them, so two views
    of the same cells always hide the same cells.
    """
    key = ("table", measure_name, dims)
    hit: dict[tuple[str, ...], _Cell] | None = dataset.cached(key)
    if hit is not None:
        return hit
    measure = dataset.measures[measure_name]
    labels, stats = _stats(dataset, measure, measure_name, dims, finer)
    is_rate = measure.agg == "rate"
    outcomes = [(float(num or 0), float(den or 0)) for _, num, den in stats]
    total_n = int(dataset.frame.height)
    statuses, _ = suppress(
        labels=labels if dims else [],
        ns=[int(n) for n, _, _ in stats] if dims else [],
        outcomes=(outcomes if is_rate else None) if dims else None,
        total_n=total_n,
        total_outcome=None,
        min_n=dataset.min_group_size,
        coding=dataset.schema.rate_coding if is_rate else 0,
    )
    if not dims:
        num, den = outcomes[0]
        coded = is_rate and is_coded((num, den), dataset.schema.rate_coding)
        status: CellStatus = (
            "suppressed" if total_n < dataset.min_group_size else ("coded" if coded else "shown")
        )
        statuses = [status]
    table = {
        lab: _Cell(int(n), float(num or 0), float(den or 0), _value(measure, num, den), st)
        for lab, (n, num, den), st in zip(labels, stats, statuses, strict=True)
    }
    dataset.remember(key, table)
    return table


def _compute(dataset: Dataset, spec: QuerySpec) -> QueryResult:
    measure = dataset.measures[spec.measure]
    fixed = dict(spec.filters)
    filter_dims = tuple(sorted(fixed))
    all_dims = tuple(sorted(set(filter_dims) | set(spec.group_by)))
    empty = _Cell(0, 0.0, 0.0, None, "suppressed")
    cells = _table(dataset, spec.measure, all_dims)
    total = _table(dataset, spec.measure, filter_dims, all_dims).get(
        tuple(fixed[d] for d in filter_dims), empty
    )
    groups: list[tuple[tuple[str, ...], _Cell]] = []
    if spec.group_by:
        pos = {d: i for i, d in enumerate(all_dims)}
        order = [{v: i for i, v in enumerate(dataset.dimension_values[d])} for d in spec.group_by]
        for lab, cell in cells.items():
            if all(lab[pos[d]] == v for d, v in fixed.items()):
                groups.append((tuple(lab[pos[d]] for d in spec.group_by), cell))
        groups.sort(key=lambda g: tuple(order[i][v] for i, v in enumerate(g[0])))
    labels = [lab for lab, _ in groups]
    group_cells = [cell for _, cell in groups]
    comparisons = _comparisons(spec, labels, group_cells, total)
    rows = tuple(
        _row(dataset, measure, lab, cell, cmp, spec)
        for lab, cell, cmp in zip(labels, group_cells, comparisons, strict=True)
    )
    overall = _row(dataset, measure, (), total, None, spec)
    statuses = [cell.status for cell in group_cells]
    reference_label = (
        dataset.value_label(spec.group_by[0], spec.reference)
        if spec.reference is not None and spec.group_by
        else None
    )
    notes = _notes(dataset, statuses, total.status, spec, reference_label)
    return QueryResult(
        spec=spec,
        dataset=dataset.name,
        measure=measure,
        group_labels=tuple(dataset.dimensions[d].label for d in spec.group_by),
        rows=rows,
        overall=overall,
        min_group_size=dataset.min_group_size,
        notes=notes,
        filter_labels=tuple(
            (dataset.dimensions[d].label, dataset.value_label(d, v)) for d, v in spec.filters
        ),
        reference_label=reference_label,
        people=dataset.people,
    )


def _comparisons(
    spec: QuerySpec,
    labels: list[tuple[str, ...]],
    cells: list[_Cell],
    total: _Cell,
) -> list[float | None]:
    out: list[float | None] = [None] * len(cells)
    if spec.compare == "none" or total.status != "shown" or total.value is None:
        # A comparison with a hidden or coded total would give the total away.
        return out
    if spec.compare == "overall":
        for i, cell in enumerate(cells):
            if cell.status == "shown" and cell.value is not None:
                out[i] = cell.value - total.value
        return out
    if spec.reference is not None:
        try:
            ref = cells[labels.index((spec.reference,))]
        except ValueError:
            return out
        if ref.status != "shown" or not ref.value:
            return out
        for i, cell in enumerate(cells):
            if cell.status == "shown" and cell.value is not None:
                out[i] = cell.value / ref.value
        return out
    # Risk ratio: the group's risk over the risk of all other students in the population.
    for i, cell in enumerate(cells):
        if cell.status != "shown" or cell.value is None:
            continue
        other_num = total.num - cell.num
        other_den = total.den - cell.den
        if other_den <= 0 or other_num <= 0:
            continue
        out[i] = cell.value / (other_num / other_den * 100.0)
    return out


def format_value(measure: MeasureSchema, value: float) -> str:
    """A measure value as shown on screen ("23.4%", "4.2 days")."""
    decimals = 0 if measure.agg == "count" else measure.decimals
    if measure.format == "percent":
        return f"{value:.{decimals}f}%"
    if measure.format == "ratio":
        return f"{value:.2f}"
    text = f"{value:,.{decimals}f}"
    return f"{text} {measure.unit}" if measure.unit else text


def _format_comparison(spec: QuerySpec, measure: MeasureSchema, value: float) -> str:
    if spec.compare == "risk_ratio":
        return f"{value:.2f}"
    unit = " pp" if measure.agg == "rate" else ""
    decimals = 0 if measure.agg == "count" else measure.decimals
    return f"{value:+.{decimals}f}{unit}"


def _row(
    dataset: Dataset,
    measure: MeasureSchema,
    labels: tuple[str, ...],
    cell: _Cell,
    comparison: float | None,
    spec: QuerySpec,
) -> ResultRow:
    min_n = dataset.min_group_size
    coding = dataset.schema.rate_coding
    status = cell.status
    names = tuple(dataset.value_label(d, v) for d, v in zip(spec.group_by, labels, strict=False))
    if status in ("suppressed", "complementary"):
        text = (
            privacy.fewer_than(min_n, dataset.people)
            if status == "suppressed"
            else privacy.COMPLEMENTARY
        )
        return ResultRow(labels, None, None, text, None, "", status, names)
    if status == "coded":
        if cell.num < coding:
            bound = f"≤ {(coding - 1) / cell.den * 100:.{measure.decimals}f}%"
        else:
            bound = f"≥ {(cell.den - coding + 1) / cell.den * 100:.{measure.decimals}f}%"
        return ResultRow(labels, cell.n, None, bound, None, "", status, names)
    value = cell.value
    shown = format_value(measure, value) if value is not None else "no data"
    cmp_text = _format_comparison(spec, measure, comparison) if comparison is not None else ""
    if (
        spec.compare == "risk_ratio"
        and spec.reference is not None
        and labels == (spec.reference,)
        and comparison is not None
    ):
        cmp_text = "1.00 (reference)"
    return ResultRow(labels, cell.n, value, shown, comparison, cmp_text, status, names)


def _notes(
    dataset: Dataset,
    statuses: list[CellStatus],
    total_status: CellStatus,
    spec: QuerySpec,
    reference_label: str | None = None,
) -> tuple[str, ...]:
    notes = []
    min_n = dataset.min_group_size
    people = dataset.people
    if "suppressed" in statuses or total_status == "suppressed":
        notes.append(
            f"Groups with fewer than {min_n} {people} are not shown, to protect their privacy."
        )
    if "complementary" in statuses:
        notes.append(
            "Another group is also hidden so that a small group's number cannot be worked out "
            "by subtracting the others from the total."
        )
    if "coded" in statuses or total_status == "coded":
        coding = dataset.schema.rate_coding
        notes.append(
            f"Where fewer than {coding} {people} of a group have the outcome, or fewer than "
            f"{coding} do not, the rate is shown as a range so that no one can tell each "
            "person's outcome."
        )
    if spec.compare != "none" and total_status != "shown":
        notes.append("Comparisons are not shown because the total is hidden or shown as a range.")
    if spec.compare == "risk_ratio" and spec.reference is None:
        notes.append(
            f"Risk ratio = the group's rate divided by the rate of all other {people}; "
            "1.00 means equal risk, 2.00 twice as likely."
        )
    elif spec.compare == "risk_ratio":
        notes.append(
            f"Risk ratio = the group's rate divided by the rate of "
            f"{reference_label or spec.reference} {people}."
        )
    return tuple(notes)
