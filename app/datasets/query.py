"""A query spec (measure, group by, filters, comparison) and its validation against a dataset.

``results.run_query`` computes a checked spec into a suppressed, cached result table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from app.content.problems import SpecError
from app.datasets.loader import Dataset
from app.datasets.schema import spec_error_from

Compare = Literal["none", "overall", "risk_ratio"]
MAX_GROUP_BY = 2


class QuerySpec(BaseModel):
    """What to compute: hashable, so results are cached by it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: str
    group_by: tuple[str, ...] = ()
    # One value per dimension: lists would let two views be subtracted to undo suppression.
    filters: tuple[tuple[str, str], ...] = ()
    compare: Compare = "none"
    reference: str | None = None

    @field_validator("group_by", mode="before")
    @classmethod
    def _group_by(cls, value: Any) -> Any:
        if isinstance(value, str):
            return (value,) if value else ()
        return value

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, Mapping):
            items = []
            for dim, val in value.items():
                if isinstance(val, list | tuple | dict):
                    raise ValueError(
                        f"filter {dim!r} takes one value (a list of values could be used "
                        "to undo small-group suppression)"
                    )
                if isinstance(val, bool):
                    raise ValueError(f'filter {dim!r}: write the value as text, e.g. "true"')
                items.append((str(dim), str(val)))
            return tuple(sorted(items))
        return value

    @field_validator("compare", mode="before")
    @classmethod
    def _compare(cls, value: Any) -> Any:
        if value is None or value is False:
            return "none"
        return value

    def with_filter(self, dim: str, value: str) -> QuerySpec:
        """The same query restricted to one more dimension value."""
        filters = dict(self.filters)
        filters[dim] = value
        return self.model_copy(update={"filters": tuple(sorted(filters.items()))})


def parse_query(dataset: Dataset, data: Any, *, key: str = "query") -> QuerySpec:
    """Validate a query mapping against a dataset; raise SpecError with a dotted key."""
    if not isinstance(data, Mapping):
        raise SpecError(f"{key or 'query'}: must be a mapping", key=key or None)
    try:
        spec = QuerySpec.model_validate(dict(data))
    except ValidationError as exc:
        raise spec_error_from(exc, key) from None
    check_query(dataset, spec, key=key)
    return spec


def check_query(dataset: Dataset, spec: QuerySpec, *, key: str = "query") -> None:
    """Raise SpecError if the spec names things the dataset lacks."""
    if spec.measure not in dataset.measures:
        raise SpecError(
            f"{_k(key, 'measure')}: dataset {dataset.name!r} has no measure {spec.measure!r} "
            f"(it has: {', '.join(dataset.measures)})",
            key=_k(key, "measure"),
        )
    if len(spec.group_by) > MAX_GROUP_BY:
        raise SpecError(
            f"{_k(key, 'group_by')}: at most {MAX_GROUP_BY} dimensions", key=_k(key, "group_by")
        )
    if len(set(spec.group_by)) != len(spec.group_by):
        raise SpecError(
            f"{_k(key, 'group_by')}: a dimension is listed twice", key=_k(key, "group_by")
        )
    for dim in spec.group_by:
        if dim not in dataset.dimensions:
            raise SpecError(
                f"{_k(key, 'group_by')}: no dimension {dim!r} "
                f"(it has: {', '.join(dataset.dimensions)})",
                key=_k(key, "group_by"),
            )
    for dim, value in spec.filters:
        if dim not in dataset.dimensions:
            raise SpecError(
                f"{_k(key, 'filters')}: no dimension {dim!r}", key=_k(key, "filters", dim)
            )
        if dim in spec.group_by:
            raise SpecError(
                f"{_k(key, 'filters', dim)}: cannot both filter and group by {dim!r}",
                key=_k(key, "filters", dim),
            )
        if value not in dataset.dimension_values[dim]:
            raise SpecError(
                f"{_k(key, 'filters', dim)}: {value!r} is not a value of {dim!r}",
                key=_k(key, "filters", dim),
            )
    measure = dataset.measures[spec.measure]
    if spec.compare != "none" and not spec.group_by:
        raise SpecError(
            f"{_k(key, 'compare')}: a comparison needs group_by", key=_k(key, "compare")
        )
    if spec.compare == "risk_ratio" and measure.agg != "rate":
        raise SpecError(
            f"{_k(key, 'compare')}: risk_ratio needs a rate measure "
            f"({spec.measure!r} is {measure.agg})",
            key=_k(key, "compare"),
        )
    if spec.reference is not None:
        if spec.compare != "risk_ratio" or len(spec.group_by) != 1:
            raise SpecError(
                f"{_k(key, 'reference')}: only with compare: risk_ratio and one group_by dimension",
                key=_k(key, "reference"),
            )
        if spec.reference not in dataset.dimension_values[spec.group_by[0]]:
            raise SpecError(
                f"{_k(key, 'reference')}: {spec.reference!r} "
                f"is not a value of {spec.group_by[0]!r}",
                key=_k(key, "reference"),
            )


def _k(prefix: str, *parts: str) -> str:
    """A dotted YAML key under ``prefix`` (which may be empty)."""
    return ".".join(p for p in (prefix, *parts) if p)
