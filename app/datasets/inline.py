"""The ``{data}`...` `` inline role: a number in a sentence, computed from a course dataset.

Syntax (docs/authoring.md, "Numbers from the data in your text")::

    {data}`riverside_students: chronic_absence_rate where school=Delta MS, school_year=2025-26`
    {data}`riverside_students: suspension_rate risk ratio for race_ethnicity=Black
           where school_year=2025-26`
    {data}`riverside_students: chronic_absence_rate gap for disability=IEP
           where school_year=2025-26`

The value goes through the explorer's own query engine, suppression and formatting, so the
text shows exactly what an explorer set to the same view shows. A value the explorer hides
(a small group, or its complementary cell) is an error: the text would reveal it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.content.inline_roles import InlineRoleError, InlineValue, register_inline_role
from app.content.problems import SpecError
from app.datasets.loader import Dataset
from app.datasets.query import QuerySpec, parse_query
from app.datasets.results import ResultRow, run_query

__all__ = ["DataRef", "lookup", "parse_ref", "resolve_data_role"]

_REF = re.compile(
    r"^(?P<dataset>[a-z][a-z0-9_]*)\s*:\s*(?P<measure>[a-z][a-z0-9_]*)"
    r"(?:\s+(?P<compare>risk ratio|gap))?"
    r"(?:\s+for\s+(?P<group>[^=]+?)\s*=\s*(?P<value>.+?))?"
    r"(?:\s+where\s+(?P<filters>.+))?\s*$"
)


@dataclass(frozen=True)
class DataRef:
    """One parsed reference: a dataset, a query, and the group whose row is read."""

    dataset: str
    spec: QuerySpec
    group: str | None  # the value of spec.group_by[0] to read; None reads the whole population


@dataclass(frozen=True)
class DataValue:
    """A looked-up value as the explorer shows it."""

    text: str
    number: float | None  # None when the explorer shows a range (a coded rate)
    row: ResultRow


def parse_ref(argument: str, datasets: Mapping[str, Dataset]) -> DataRef:
    """Parse ``dataset: measure [risk ratio|gap] [for dim=value] [where dim=value, ...]``."""
    found = _REF.match(" ".join(argument.split()))
    if found is None:
        raise InlineRoleError(
            "write it as 'dataset: measure where dimension=value, ...', e.g. "
            "'riverside_students: chronic_absence_rate where school_year=2025-26'"
        )
    name = found.group("dataset")
    dataset = datasets.get(name)
    if dataset is None:
        known = ", ".join(sorted(datasets)) or "this course has none"
        raise InlineRoleError(f"no dataset '{name}' (datasets: {known})")
    filters: dict[str, str] = {}
    for part in (found.group("filters") or "").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise InlineRoleError(f"'{part.strip()}' must be dimension=value")
        dim, value = (x.strip() for x in part.split("=", 1))
        if dim in filters:
            raise InlineRoleError(f"'{dim}' is given twice")
        filters[dim] = value
    compare = {"risk ratio": "risk_ratio", "gap": "overall", None: "none"}[found.group("compare")]
    group_dim = found.group("group")
    group_by = [group_dim.strip()] if group_dim else []
    if compare != "none" and not group_by:
        raise InlineRoleError(f"'{found.group('compare')}' needs 'for dimension=value'")
    query = {"measure": found.group("measure"), "group_by": group_by, "filters": filters}
    if compare != "none":
        query["compare"] = compare
    try:
        spec = parse_query(dataset, query, key="")
    except SpecError as exc:
        raise InlineRoleError(exc.message) from None
    group = found.group("value").strip() if group_dim else None
    if group is not None and group not in dataset.dimension_values[group_by[0]]:
        raise InlineRoleError(f"{group!r} is not a value of {group_by[0]!r}")
    return DataRef(name, spec, group)


def lookup(ref: DataRef, datasets: Mapping[str, Dataset]) -> DataValue:
    """The value the explorer shows for a reference; InlineRoleError if it is hidden."""
    result = run_query(datasets[ref.dataset], ref.spec)
    row = result.overall if ref.group is None else result.row((ref.group,))
    if row is None:
        raise InlineRoleError("no one matches this view")
    if row.status in ("suppressed", "complementary"):
        raise InlineRoleError(
            f"this value is hidden in the explorer ({row.display}); the text must not "
            "reveal it. Combine years or groups, or describe the view without the number"
        )
    if ref.spec.compare != "none":
        if row.comparison is None:
            raise InlineRoleError(
                "the explorer shows no comparison here (the group or the total is hidden "
                "or shown as a range)"
            )
        if ref.spec.compare == "risk_ratio":
            return DataValue(f"{row.comparison:.2f}", row.comparison, row)
        decimals = 0 if result.measure.agg == "count" else result.measure.decimals
        unit = " percentage points" if result.measure.agg == "rate" else ""
        # The sentence says "above" or "below"; a checked claim can hold it to the sign.
        return DataValue(f"{abs(row.comparison):.{decimals}f}{unit}", row.comparison, row)
    if row.status == "coded":
        return DataValue(row.display, None, row)
    if row.value is None:
        raise InlineRoleError("the explorer shows no data for this view")
    return DataValue(row.display, row.value, row)


def resolve_data_role(argument: str, datasets: Mapping[str, Any]) -> InlineValue:
    """The ``{data}`` role: the explorer's text for the view, and its number."""
    ref = parse_ref(argument, datasets)
    value = lookup(ref, datasets)
    return InlineValue(
        value.text,
        value.number,
        comparison=ref.spec.compare != "none",
        hidden=run_query(datasets[ref.dataset], ref.spec).hidden_groups,
    )


register_inline_role("data", resolve_data_role)
