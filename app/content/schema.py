"""The authors' contract in code: every key of course.yaml, module front matter and the
{reflection} directive. docs/authoring.md documents each one (tests/content/test_docs.py
checks that). Unknown keys are errors with a did-you-mean.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.content.problems import did_you_mean
from app.content.yamltext import YamlDoc

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
StableId = Annotated[str, Field(pattern=ID_PATTERN, max_length=100)]
SurveyId = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class StrictSchema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SurveyItemSchema(StrictSchema):
    """One statement learners rate from strongly disagree to strongly agree."""

    id: SurveyId
    text: Text


class SurveySchema(StrictSchema):
    """The end-of-course feedback survey."""

    items: list[SurveyItemSchema] = Field(min_length=1, max_length=30)
    comment_prompt: Text = "What else would you like us to know?"


class CompletionSchema(StrictSchema):
    """What a learner must do, beyond the required activities, to complete the course."""

    require_survey: bool = False


class CourseSchema(StrictSchema):
    """course.yaml."""

    slug: StableId
    title: Text
    summary: Text
    description: str = ""
    outcomes: list[Text] = Field(default_factory=list)
    status: Literal["draft", "published"] = "draft"
    hours: float = Field(gt=0, le=1000)
    sequencing: Literal["free", "sequential"] = "free"
    modules: list[str] = Field(min_length=1)
    completion: CompletionSchema = Field(default_factory=CompletionSchema)
    survey: SurveySchema | None = None


class FrontMatterSchema(StrictSchema):
    """The YAML front matter at the top of a module file."""

    id: StableId
    title: Text
    minutes: int = Field(gt=0, le=10_000)
    objectives: list[Text] = Field(default_factory=list)
    previous_ids: list[StableId] = Field(default_factory=list)
    # Activity ids removed from this module on purpose (not renamed): learners' data is kept.
    retired_ids: list[StableId] = Field(default_factory=list)
    # Comparisons the prose makes, checked against the data (app.content.claims).
    claims: list[dict[str, Any]] = Field(default_factory=list)


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes reachable inside an annotation (Optional, list, Annotated...)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, tuple, dict, typing.Union):
        found: list[Any] = []
        for arg in get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field_info = current.model_fields.get(part)
        if field_info is None:
            return None
        models = _unwrap(field_info.annotation)
        current = models[0] if models else None
    return current


def _dotted(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def schema_messages(
    exc: ValidationError, model: type[BaseModel], doc: YamlDoc, *, where: str = ""
) -> list[tuple[int, str]]:
    """Turn pydantic errors into ``(line, message)`` pairs that speak the author's language."""
    out: list[tuple[int, str]] = []
    prefix = f"{where}: " if where else ""
    errors = exc.errors(include_url=False)
    # A misspelt key shows as "unknown 'titel'" and "missing 'title'": say it once.
    suggested = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent = _model_at(model, tuple(error["loc"])[:-1])
            close = did_you_mean(str(error["loc"][-1]), parent.model_fields if parent else [])
            if close:
                suggested.add(tuple(error["loc"])[:-1] + (close.split("'")[1],))
    for error in errors:
        if error["type"] == "missing" and tuple(error["loc"]) in suggested:
            continue
        loc = tuple(error["loc"])
        key = _dotted(loc)
        kind = error["type"]
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            allowed = sorted(parent.model_fields) if parent else []
            name = str(loc[-1])
            place = f" in '{_dotted(loc[:-1])}'" if len(loc) > 1 else ""
            message = f"unknown key '{name}'{place}{did_you_mean(name, allowed)}"
            if allowed and not did_you_mean(name, allowed):
                message += f" (allowed: {', '.join(allowed)})"
        elif kind == "missing":
            message = f"missing required key '{key}'"
        elif kind in ("model_type", "dict_type") and not loc:
            message = "expected a mapping of 'key: value' lines"
        elif kind == "string_pattern_mismatch":
            message = (
                f"'{key}': {error['input']!r} is not a valid id (use lowercase letters, "
                "digits and hyphens, e.g. 'why-data-matters')"
            )
        else:
            message = f"'{key}': {error['msg']}"
        out.append((doc.line_of(key), prefix + message))
    return out
