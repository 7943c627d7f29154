"""CSV + YAML schema -> an immutable ``Dataset`` holding a Polars frame with validated types."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from app.content.problems import SpecError
from app.datasets.schema import DatasetSchema, DimensionSchema, MeasureSchema, parse_schema

# Polars (about 40 MB resident and a second of import on a busy machine) is imported where
# a frame is built or queried, so `import app.main` and a worker that never loads or
# explores a dataset do without it (docs/performance.md).
if TYPE_CHECKING:
    import polars as pl

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
CACHE_SIZE = 512


def num_col(column: str) -> str:
    """The frame column holding a measure column as Float64 (cast once, at load)."""
    return f"__num__{column}"


def dim_col(name: str) -> str:
    """The frame column holding a dimension's values as codes into ``dimension_values``."""
    return f"__dim__{name}"


@dataclass(frozen=True, eq=False)
class Dataset:
    """One loaded dataset. Immutable, so query results are cached on it."""

    name: str
    schema: DatasetSchema
    frame: pl.DataFrame
    # Dimension name -> its values in display order (as strings).
    dimension_values: dict[str, tuple[str, ...]]
    # Dimension name -> value -> the words shown for it (only values that have a label).
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # Problems that do not stop the dataset from loading (content check shows them as warnings).
    warnings: tuple[SpecError, ...] = ()
    _cache: OrderedDict[Any, Any] = field(default_factory=OrderedDict, repr=False)

    @property
    def title(self) -> str:
        return self.schema.title

    @property
    def min_group_size(self) -> int:
        return self.schema.min_group_size

    @property
    def people(self) -> str:
        """Who a row is, in the plural ("students", "respondents")."""
        return self.schema.people

    @property
    def is_synthetic(self) -> bool:
        return self.schema.source.strip().lower().startswith("synthetic")

    @property
    def measures(self) -> dict[str, MeasureSchema]:
        return self.schema.measures

    @property
    def dimensions(self) -> dict[str, DimensionSchema]:
        return self.schema.dimensions

    def cached(self, key: Any) -> Any | None:
        """A cached query result, or None."""
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
        return hit

    def remember(self, key: Any, value: Any) -> None:
        """Cache a query result (bounded, least recently used dropped first)."""
        self._cache[key] = value
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def value_label(self, dimension: str, value: str) -> str:
        """How a dimension value is shown: its label from the schema, else the value itself."""
        return self.value_labels.get(dimension, {}).get(value, value)

    def code(self, dimension: str, value: str) -> int:
        """The integer code of a dimension value (its position in display order)."""
        return self.dimension_values[dimension].index(value)

    def clear_cache(self) -> None:
        """Forget cached results (benchmarks use this to measure a cold cache)."""
        self._cache.clear()


def load_dataset(name: str, csv_path: Path, schema_path: Path) -> Dataset:
    """Read and validate a dataset; raise SpecError saying what is wrong and where."""
    try:
        raw = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"dataset {name!r}: schema file {schema_path.name} is missing") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SpecError(f"{schema_path.name}: not valid YAML ({exc})", line=line) from None
    schema = parse_schema(raw)
    if not csv_path.exists():
        raise SpecError(f"dataset {name!r}: data file {csv_path.name} is missing")
    import polars as pl

    try:
        text = pl.read_csv(csv_path, infer_schema=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise SpecError(f"{csv_path.name}: cannot read the CSV ({exc})") from None
    return dataset_from_strings(name, schema, text, file_name=csv_path.name)


def dataset_from_strings(
    name: str, schema: DatasetSchema, text: pl.DataFrame, *, file_name: str = "data.csv"
) -> Dataset:
    """Type-check an all-string frame against the schema and build the Dataset."""
    import polars as pl

    header = list(text.columns)
    missing = [c for c in schema.columns if c not in header]
    if missing:
        raise SpecError(
            f"{file_name}: column(s) {', '.join(missing)} named in the schema are missing"
        )
    extra = [c for c in header if c not in schema.columns]
    if extra:
        raise SpecError(
            f"{file_name}: column(s) {', '.join(extra)} are not described in the schema",
            key="columns",
        )
    if text.height == 0:
        raise SpecError(f"{file_name}: the CSV has no rows")
    typed = [
        _typed_column(text, col, spec.type, spec.nullable, file_name)
        for col, spec in schema.columns.items()
    ]
    frame = pl.DataFrame(typed)
    dim_values: dict[str, tuple[str, ...]] = {}
    labels: dict[str, dict[str, str]] = {}
    warnings: list[SpecError] = []
    extra_cols = []
    for dname, dim in schema.dimensions.items():
        col = frame.get_column(dim.column)
        as_text = col.cast(pl.String).fill_null("(missing)")
        present = set(as_text.unique().to_list())
        labels[dname] = _value_labels(schema.columns[dim.column].type, dim.value_labels)
        if dim.values:
            unknown = sorted(present - set(dim.order))
            if unknown:
                raise SpecError(
                    f"dimensions.{dname}.values: the data has value(s) not listed: "
                    + ", ".join(unknown[:5]),
                    key=f"dimensions.{dname}.values",
                )
            for value in dim.order:
                if value not in present:
                    kind = "has a label" if dim.value_labels else "is listed"
                    warnings.append(
                        SpecError(
                            f"dimensions.{dname}.values: {value!r} {kind} but column "
                            f"{dim.column!r} has no such value (values are written as in the "
                            'CSV, e.g. "true")',
                            key=f"dimensions.{dname}.values.{value}"
                            if dim.value_labels
                            else f"dimensions.{dname}.values",
                        )
                    )
            dim_values[dname] = tuple(v for v in dim.order if v in present)
        elif col.dtype in (pl.Int64, pl.Float64):
            nums = sorted(v for v in col.unique().to_list() if v is not None)
            ordered = [str(v) for v in nums] + (["(missing)"] if "(missing)" in present else [])
            dim_values[dname] = tuple(ordered)
        else:
            dim_values[dname] = tuple(sorted(present, key=lambda v: (v.casefold(), v)))
        # Integer codes (the position in display order): grouping on them is several times
        # faster than on strings, and sorting by code is sorting in display order.
        codes = {v: i for i, v in enumerate(dim_values[dname])}
        extra_cols.append(
            as_text.replace_strict(codes, return_dtype=pl.UInt32).alias(dim_col(dname))
        )
    numeric = {m.column for m in schema.measures.values() if m.column and m.agg != "count"}
    extra_cols += [frame.get_column(c).cast(pl.Float64).alias(num_col(c)) for c in sorted(numeric)]
    frame = frame.with_columns(extra_cols)
    return Dataset(
        name=name,
        schema=schema,
        frame=frame,
        dimension_values=dim_values,
        value_labels=labels,
        warnings=tuple(warnings),
    )


BOOL_LABELS = {"true": "Yes", "false": "No"}


def _value_labels(column_type: str, given: dict[str, str]) -> dict[str, str]:
    """The labels of a dimension's values: bool columns read Yes/No unless the author says."""
    defaults = BOOL_LABELS if column_type == "bool" else {}
    return {**defaults, **given}


def _typed_column(
    text: pl.DataFrame, col: str, kind: str, nullable: bool, file_name: str
) -> pl.Series:
    import polars as pl

    raw = text.get_column(col).fill_null("").str.strip_chars()
    empty = raw == ""
    if kind == "str":
        typed = pl.Series(col, raw.to_list(), dtype=pl.String)
        typed = pl.select(pl.when(empty).then(None).otherwise(typed).alias(col)).to_series()
    elif kind == "bool":
        lowered = raw.str.to_lowercase()
        typed = pl.select(
            pl.when(lowered.is_in(list(TRUE_WORDS)))
            .then(True)
            .when(lowered.is_in(list(FALSE_WORDS)))
            .then(False)
            .otherwise(None)
            .alias(col)
        ).to_series()
    else:
        typed = raw.cast(pl.Int64 if kind == "int" else pl.Float64, strict=False).alias(col)
    bad = typed.is_null() & ~empty
    if bad.any():
        row = int(bad.arg_true()[0])
        raise SpecError(
            f"{file_name}: line {row + 2}: column {col!r}: {raw[row]!r} is not a valid {kind}",
            line=row + 2,
        )
    if not nullable and empty.any():
        row = int(empty.arg_true()[0])
        raise SpecError(
            f"{file_name}: line {row + 2}: column {col!r} is empty "
            "(mark the column nullable: true if blanks are expected)",
            line=row + 2,
        )
    return typed
