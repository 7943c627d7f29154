"""The ``{explore}`` directive: its spec, the explorer form, the chart spec and CSV export."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.content.problems import SpecError
from app.datasets.loader import Dataset
from app.datasets.query import QuerySpec, check_query, parse_query
from app.datasets.results import QueryResult, run_query

EXPLORE_KEYS = frozenset(
    {
        "dataset",
        "measure",
        "group_by",
        "filters",
        "compare",
        "reference",
        "title",
        "measures",
        "dimensions",
    }
)


@dataclass(frozen=True)
class ExploreSpec:
    """A data explorer placed in a module: a dataset and the view it opens with."""

    id: str
    dataset: str
    query: QuerySpec
    title: str
    measures: tuple[str, ...]  # the measures offered in the form
    dimensions: tuple[str, ...]  # the dimensions offered for group by and filters
    kind: Literal["explore"] = "explore"


def build_explore(
    activity_id: str, body: dict[str, Any], datasets: Mapping[str, Dataset]
) -> ExploreSpec:
    """Validate an ``{explore}`` body; raise SpecError naming the bad key."""
    if not isinstance(body, dict):
        raise SpecError("the explore body must be a YAML mapping")
    for key in body:
        if key not in EXPLORE_KEYS:
            raise SpecError(
                f"{key}: unknown key (allowed: {', '.join(sorted(EXPLORE_KEYS))})", key=str(key)
            )
    name = body.get("dataset")
    if not isinstance(name, str) or not name:
        raise SpecError("dataset: required key is missing", key="dataset")
    dataset = datasets.get(name)
    if dataset is None:
        raise SpecError(
            f"dataset: no dataset named {name!r} "
            f"(this course has: {', '.join(datasets) or 'none'})",
            key="dataset",
        )
    measures = _name_list(body.get("measures"), dataset.measures, "measures") or tuple(
        dataset.measures
    )
    dimensions = _name_list(body.get("dimensions"), dataset.dimensions, "dimensions") or tuple(
        dataset.dimensions
    )
    if "measure" not in body:
        raise SpecError("measure: required key is missing", key="measure")
    raw = {
        k: body[k] for k in ("measure", "group_by", "filters", "compare", "reference") if k in body
    }
    query = parse_query(dataset, raw, key="")
    if query.measure not in measures:
        raise SpecError("measure: must be one of the listed measures", key="measure")
    for dim in (*query.group_by, *(d for d, _ in query.filters)):
        if dim not in dimensions:
            raise SpecError(f"dimensions: {dim!r} is used but not listed", key="dimensions")
    title = body.get("title") or dataset.measures[query.measure].label
    if not isinstance(title, str):
        raise SpecError("title: must be text", key="title")
    return ExploreSpec(
        id=activity_id,
        dataset=name,
        query=query,
        title=title,
        measures=measures,
        dimensions=dimensions,
    )


def _name_list(value: Any, known: Mapping[str, Any], key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
        raise SpecError(f"{key}: must be a list of names", key=key)
    for v in value:
        if v not in known:
            raise SpecError(f"{key}: {v!r} is not in the dataset", key=key)
    return tuple(value)


@dataclass(frozen=True)
class Option:
    """One ``<option>`` of a select."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FilterField:
    """One filter select: a dimension and its values."""

    name: str
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class ExploreView:
    """Everything a template needs to draw an explorer in one state."""

    explore: ExploreSpec
    dataset: Dataset
    query: QuerySpec
    result: QueryResult
    measure_options: tuple[Option, ...]
    group_options: tuple[tuple[Option, ...], tuple[Option, ...]]
    compare_options: tuple[Option, ...]
    reference_options: tuple[Option, ...]
    filters: tuple[FilterField, ...]
    errors: tuple[str, ...] = ()
    chart: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A short id of this view, so each new chart element has its own DOM id."""
        text = repr(sorted(query_to_params(self.query).items()))
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]

    def query_params(self) -> dict[str, str]:
        """The form fields that reproduce this view (for the CSV link)."""
        return query_to_params(self.query)

    @property
    def title(self) -> str:
        """What this view shows, in words (see ``view_title``)."""
        return view_title(self.result)


def view_title(result: QueryResult) -> str:
    """The measure, its groups and its filters in words ("Chronic absence rate by Gender
    (School: Cedar High)"). It titles the chart, names the table and labels the chart for
    screen readers, so all three follow the view the learner chose."""
    text = result.measure.label
    if result.group_labels:
        text += " by " + " and ".join(result.group_labels)
    if result.spec.filters:
        text += " (" + "; ".join(f"{dim}: {value}" for dim, value in result.filter_labels) + ")"
    return text


def query_to_params(query: QuerySpec) -> dict[str, str]:
    """A query as explorer form fields."""
    params = {"measure": query.measure, "compare": query.compare}
    for i, dim in enumerate(query.group_by):
        params["group_by" if i == 0 else "group_by2"] = dim
    for dim, value in query.filters:
        params[f"filter.{dim}"] = value
    if query.reference:
        params["reference"] = query.reference
    return params


def parse_form(
    explore: ExploreSpec, dataset: Dataset, params: Mapping[str, str]
) -> tuple[QuerySpec, tuple[str, ...]]:
    """Read the explorer form; anything invalid falls back to the default with a message."""
    default = explore.query
    if not any(k in params for k in ("measure", "group_by", "compare")):
        return default, ()
    errors: list[str] = []
    measure = params.get("measure", default.measure)
    if measure not in explore.measures:
        errors.append("That measure is not available here; showing the default.")
        measure = default.measure
    group_by: list[str] = []
    for key in ("group_by", "group_by2"):
        dim = (params.get(key) or "").strip()
        if not dim:
            continue
        if dim not in explore.dimensions:
            errors.append("That grouping is not available here.")
        elif dim not in group_by:
            group_by.append(dim)
    filters: dict[str, str] = {}
    for dim in explore.dimensions:
        value = (params.get(f"filter.{dim}") or "").strip()
        if not value:
            continue
        if value not in dataset.dimension_values[dim]:
            errors.append(f"{dataset.dimensions[dim].label}: {value!r} is not in the data.")
        elif dim in group_by:
            errors.append(
                f"{dataset.dimensions[dim].label} is used for grouping, so its filter was ignored."
            )
        else:
            filters[dim] = value
    compare = params.get("compare", "none")
    if compare not in ("none", "overall", "risk_ratio"):
        errors.append("Unknown comparison; showing none.")
        compare = "none"
    agg = dataset.measures[measure].agg
    if compare != "none" and not group_by:
        errors.append("Choose a grouping to compare groups.")
        compare = "none"
    if compare == "risk_ratio" and agg != "rate":
        errors.append("A risk ratio needs a rate; showing the gap instead.")
        compare = "overall"
    reference = (params.get("reference") or "").strip() or None
    if reference is not None and (
        compare != "risk_ratio"
        or len(group_by) != 1
        or reference not in dataset.dimension_values[group_by[0]]
    ):
        if compare == "risk_ratio":
            errors.append(
                "The reference group must be a value of the grouping; using all other "
                f"{dataset.people}."
            )
        reference = None
    spec = QuerySpec(
        measure=measure,
        group_by=tuple(group_by),
        filters=tuple(sorted(filters.items())),
        compare=compare,
        reference=reference,
    )
    try:
        check_query(dataset, spec)
    except SpecError:
        return default, (*errors, "That view is not possible; showing the default.")
    return spec, tuple(errors)


def build_view(
    explore: ExploreSpec, dataset: Dataset, query: QuerySpec, errors: tuple[str, ...] = ()
) -> ExploreView:
    """Run the query and lay out the form options and the chart spec."""
    result = run_query(dataset, query)
    dims = [(d, dataset.dimensions[d].label) for d in explore.dimensions]
    g1 = query.group_by[0] if query.group_by else ""
    g2 = query.group_by[1] if len(query.group_by) > 1 else ""
    none = Option("", "(none)", False)
    groups = (
        (Option("", "(none)", not g1), *(Option(d, lab, d == g1) for d, lab in dims)),
        (Option("", "(none)", not g2), *(Option(d, lab, d == g2) for d, lab in dims)),
    )
    compare_opts = [
        Option("none", "No comparison", query.compare == "none"),
        Option("overall", f"Gap to all {dataset.people}", query.compare == "overall"),
    ]
    if any(dataset.measures[m].agg == "rate" for m in explore.measures):
        compare_opts.append(Option("risk_ratio", "Risk ratio", query.compare == "risk_ratio"))
    reference_opts: tuple[Option, ...] = ()
    if g1:
        reference_opts = (
            Option("", f"All other {dataset.people}", query.reference is None),
            *(
                Option(v, dataset.value_label(g1, v), v == query.reference)
                for v in dataset.dimension_values[g1]
            ),
        )
    fixed = dict(query.filters)
    filters = tuple(
        FilterField(
            name=f"filter.{d}",
            label=lab,
            options=(
                Option("", "All", d not in fixed),
                *(
                    Option(v, dataset.value_label(d, v), fixed.get(d) == v)
                    for v in dataset.dimension_values[d]
                ),
            ),
        )
        for d, lab in dims
    )
    del none
    return ExploreView(
        explore=explore,
        dataset=dataset,
        query=query,
        result=result,
        measure_options=tuple(
            Option(m, dataset.measures[m].label, m == query.measure) for m in explore.measures
        ),
        group_options=groups,
        compare_options=tuple(compare_opts),
        reference_options=reference_opts,
        filters=filters,
        errors=errors,
        chart=chart_spec(view_title(result), result),
    )


def default_views(course: Any, module: Any) -> dict[str, ExploreView]:
    """The opening view of every explorer in a module, keyed by explore id."""
    views: dict[str, ExploreView] = {}
    for block in module.blocks:
        if getattr(block, "kind", None) != "explore":
            continue
        dataset = course.datasets.get(block.dataset)
        if dataset is None:
            continue
        views[block.id] = build_view(block, dataset, block.query)
    return views


def chart_spec(title: str, result: QueryResult) -> dict[str, Any]:
    """A Vega-Lite bar chart of the shown values (hidden and coded groups are left out)."""
    measure = result.measure
    percent = measure.format == "percent"
    axis_title = measure.label + (
        " (%)" if percent else (f" ({measure.unit})" if measure.unit else "")
    )
    # The chart carries the numbers exactly as the table shows them, no more precision.
    places = 0 if measure.agg == "count" else measure.decimals
    values = []
    for row in result.rows:
        if row.value is None:
            continue
        item: dict[str, Any] = {"value": round(row.value, places), "display": row.display}
        for i, name in enumerate(row.names or row.labels):
            item[f"g{i}"] = name
        values.append(item)
    if not result.rows and result.overall.value is not None:
        values.append(
            {
                "value": round(result.overall.value, places),
                "display": result.overall.display,
                "g0": f"All {result.people}",
            }
        )
    group_title = result.group_labels[0] if result.group_labels else ""
    order = [(r.names or r.labels)[0] for r in result.rows if r.value is not None] or [
        f"All {result.people}"
    ]
    encoding: dict[str, Any] = {
        "y": {
            "field": "g0",
            "type": "nominal",
            "title": group_title,
            "sort": list(dict.fromkeys(order)),
        },
        "x": {"field": "value", "type": "quantitative", "title": axis_title},
        "tooltip": [
            {"field": "g0", "type": "nominal", "title": group_title or "Group"},
            {"field": "display", "type": "nominal", "title": measure.label},
        ],
    }
    if percent:
        encoding["x"]["scale"] = {"domain": [0, 100]}
    if len(result.group_labels) > 1:
        encoding["yOffset"] = {"field": "g1", "type": "nominal"}
        encoding["color"] = {"field": "g1", "type": "nominal", "title": result.group_labels[1]}
        encoding["tooltip"].insert(
            1, {"field": "g1", "type": "nominal", "title": result.group_labels[1]}
        )
    layers: list[dict[str, Any]] = [{"mark": {"type": "bar"}, "encoding": encoding}]
    if result.spec.compare == "overall" and result.overall.value is not None and result.rows:
        layers.append(
            {
                "data": {"values": [{"overall": round(result.overall.value, places)}]},
                "mark": {"type": "rule", "strokeDash": [4, 4]},
                "encoding": {"x": {"field": "overall", "type": "quantitative"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"Bar chart: {title}. The same numbers are in the table below.",
        "title": {"text": _title_lines(title), "anchor": "start"},
        "width": "container",
        # Axis labels and the legend fit inside the container (a phone's width), legend below.
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {"legend": {"orient": "bottom"}},
        "data": {"values": values},
        "layer": layers,
    }


def _title_lines(title: str, width: int = 40) -> list[str]:
    """The chart title in short lines: Vega never wraps a title, and a phone is narrow."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def result_csv(result: QueryResult, *, dataset_title: str, source: str) -> str:
    """The view as CSV: the same rows and notes as the table on screen (groups by their
    labels, exactly as the table shows them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"# {dataset_title} ({source} data)"])
    header = [*result.group_labels, result.people.capitalize(), result.measure.label]
    if result.spec.compare != "none":
        header.append(result.comparison_label)
    writer.writerow(header)
    rows = list(result.rows) or []
    for row in [*rows, result.overall]:
        labels = (
            list(row.names or row.labels)
            if row.labels
            else [f"All {result.people}"] + [""] * (len(result.group_labels) - 1)
        )
        if not result.group_labels:
            labels = []
        line = [*labels, "" if row.n is None else row.n, row.display]
        if result.spec.compare != "none":
            line.append(row.comparison_display)
        writer.writerow([_csv_safe(str(v)) for v in line])
    for note in result.notes:
        writer.writerow([f"# {note}"])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text.replace(" pp", "").replace("%", ""))
    except ValueError:
        return False
    return True
