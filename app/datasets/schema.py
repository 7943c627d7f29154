"""The dataset schema file (``datasets/<name>.yaml``), validated with pydantic."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.content.problems import SpecError

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

ColumnType = Literal["str", "int", "float", "bool"]
Agg = Literal["count", "mean", "rate", "sum", "median"]
Format = Literal["percent", "number", "ratio"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSchema(_Strict):
    """One CSV column: its type and a human label."""

    type: ColumnType
    label: str = ""
    nullable: bool = False


class MeasureSchema(_Strict):
    """A number computed for each group: an aggregate of one column."""

    label: str
    agg: Agg
    column: str | None = None  # not needed for count
    format: Format = "number"
    decimals: int = Field(default=1, ge=0, le=4)
    unit: str = ""
    description: str = ""

    @model_validator(mode="after")
    def _column_needed(self) -> MeasureSchema:
        if self.agg != "count" and not self.column:
            raise ValueError(f"a {self.agg} measure needs a column")
        return self


def _value_text(value: object) -> object:
    """A value as the data's text: YAML reads ``true`` and ``3`` unquoted as bool and int."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return value


class DimensionSchema(_Strict):
    """A column learners can group and filter by.

    ``values`` is a list (the display order) or a mapping ``value: label`` (the display order
    and the words shown for each value; keys are the values as written in the CSV).
    """

    label: str
    column: str
    values: tuple[str, ...] | dict[str, str] = ()
    description: str = ""

    @field_validator("values", mode="before")
    @classmethod
    def _values_as_text(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(_value_text(v) for v in value)
        if isinstance(value, dict):
            out: dict[object, object] = {}
            for key, label in value.items():
                if label is None or isinstance(label, list | dict):
                    raise ValueError(f"the label of {_value_text(key)!r} must be text")
                out[_value_text(key)] = str(_value_text(label))
            return out
        return value

    @field_validator("values")
    @classmethod
    def _unique_labels(cls, value: tuple[str, ...] | dict[str, str]) -> object:
        items = list(value.values()) if isinstance(value, dict) else list(value)
        seen: set[str] = set()
        for item in items:
            if item in seen:
                raise ValueError(f"{item!r} is listed twice")
            seen.add(item)
        return value

    @property
    def order(self) -> tuple[str, ...]:
        """The listed values in display order (empty: the default order)."""
        return tuple(self.values)

    @property
    def value_labels(self) -> dict[str, str]:
        """The labels the author gave (empty for the list form)."""
        return dict(self.values) if isinstance(self.values, dict) else {}


class DatasetSchema(_Strict):
    """The whole ``datasets/<name>.yaml`` file."""

    title: str
    source: str = "synthetic"
    notes: str = ""
    # Who a row is, in the plural, as every table, note and CSV names them: "students" for a
    # student file, "respondents" for a survey of adults.
    people: str = Field(default="students", pattern=r"^[a-z][a-z ]{0,39}$")
    min_group_size: int = Field(default=10, ge=1, le=1000)
    # A rate is shown as a range when fewer than this many people of the group have the
    # outcome, or fewer than this many lack it: 0% or 100% would reveal everyone's outcome.
    # 0 turns coding off.
    rate_coding: int = Field(default=3, ge=0, le=100)
    columns: dict[str, ColumnSchema]
    measures: dict[str, MeasureSchema]
    dimensions: dict[str, DimensionSchema]

    @field_validator("columns", "measures", "dimensions")
    @classmethod
    def _names(cls, value: dict[str, object]) -> dict[str, object]:
        if not value:
            raise ValueError("must list at least one entry")
        for name in value:
            if not NAME_RE.match(name):
                raise ValueError(
                    f"{name!r} is not a valid name (lowercase letters, digits, underscores)"
                )
        return value

    @model_validator(mode="after")
    def _references(self) -> DatasetSchema:
        for name, measure in self.measures.items():
            if measure.column is None:
                continue
            column = self.columns.get(measure.column)
            if column is None:
                raise ValueError(f"measures.{name}: no column named {measure.column!r}")
            if measure.agg == "rate" and column.type != "bool":
                raise ValueError(f"measures.{name}: a rate needs a bool column")
            if measure.agg in ("mean", "sum", "median") and column.type not in (
                "int",
                "float",
                "bool",
            ):
                raise ValueError(f"measures.{name}: a {measure.agg} needs a numeric column")
        for name, dim in self.dimensions.items():
            if dim.column not in self.columns:
                raise ValueError(f"dimensions.{name}: no column named {dim.column!r}")
        return self


def parse_schema(data: object) -> DatasetSchema:
    """Validate a loaded YAML mapping; raise SpecError naming the first bad key."""
    if not isinstance(data, dict):
        raise SpecError("the dataset schema must be a YAML mapping")
    try:
        return DatasetSchema.model_validate(data)
    except ValidationError as exc:
        raise spec_error_from(exc) from None


def spec_error_from(exc: ValidationError, prefix: str = "") -> SpecError:
    """Turn pydantic's first error into a SpecError with a dotted key."""
    err = exc.errors()[0]
    loc = [str(part) for part in err["loc"]]
    key = ".".join(([prefix] if prefix else []) + loc) or None
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return SpecError(f"{key}: {msg}" if key else msg, key=key)
