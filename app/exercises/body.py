"""The YAML body of an ``{exercise}`` directive: what authors write, validated by pydantic.

``precheck`` validates the union-typed keys alone first, so errors name ``answer.pick``
rather than a union member.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.datasets.schema import spec_error_from

ExerciseType = Literal["numeric", "choice", "multi"]
Pick = Literal["value", "max", "min", "above", "below"]
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DerivedAnswerBody(_Strict):
    """An answer computed from the dataset: a query plus what to pick from its result."""

    query: dict[str, Any]
    pick: Pick
    group: str | list[str] | None = None
    threshold: float | None = None
    of: Literal["value", "comparison"] | None = None
    # With pick: value, the number is the group's value minus this group's (an effect
    # against a comparison group, a change between two years).
    minus: str | list[str] | None = None

    @model_validator(mode="after")
    def _needs(self) -> DerivedAnswerBody:
        if self.pick in ("above", "below") and self.threshold is None:
            raise ValueError(f"pick: {self.pick} needs a threshold")
        if self.pick != "value" and self.group is not None:
            raise ValueError("group is only used with pick: value")
        if self.minus is not None and (self.pick != "value" or self.group is None):
            raise ValueError("minus is only used with pick: value and a group")
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


def precheck(body: dict[str, Any]) -> None:
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
