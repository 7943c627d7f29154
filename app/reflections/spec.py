"""The ``{reflection} id`` directive: its body schema and the immutable block it builds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup
from pydantic import Field, ValidationError

from app.content.kinds import BuildContext
from app.content.schema import StrictSchema, Text, schema_messages


class ReflectionSchema(StrictSchema):
    """The body of a ``{reflection} id`` directive."""

    prompt: Text
    min_words: int = Field(default=0, ge=0, le=5000)
    # The length of a careful answer to everything the prompt asks; the time estimate writes
    # it at 10 words a minute (0: read it from the prompt). Learners never see it.
    words_asked: int = Field(default=0, ge=0, le=5000)
    max_chars: int = Field(default=10_000, ge=1, le=100_000)
    required: bool = True


@dataclass(frozen=True)
class Reflection:
    """A free-text reflection prompt (``{reflection} id``)."""

    id: str
    prompt_html: Markup
    min_words: int = 0
    words_asked: int = 0
    max_chars: int = 10000
    required: bool = True
    kind: Literal["reflection"] = "reflection"


def build_reflection(ctx: BuildContext) -> Reflection | None:
    """Check a reflection directive's body and build its block (problems go to ``ctx.out``)."""
    try:
        spec = ReflectionSchema.model_validate(ctx.body)
    except ValidationError as exc:
        for line, message in schema_messages(exc, ReflectionSchema, ctx.doc, where=ctx.prefix):
            ctx.out.add(line, message)
        return None
    return Reflection(
        id=ctx.block_id,
        prompt_html=ctx.markdown(spec.prompt),
        min_words=spec.min_words,
        words_asked=spec.words_asked,
        max_chars=spec.max_chars,
        required=spec.required,
    )
