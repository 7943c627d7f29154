"""Fenced ``{name} id`` directives -> blocks: reflections here, explore and exercise through
the data engineer's builders (``app.datasets.explore``, ``app.exercises.spec``)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from app.content.course import DirectiveBlock, Reflection
from app.content.markdown import Directive, LinkContext, Rendered, render_markdown
from app.content.problems import SpecError, did_you_mean
from app.content.schema import ID_PATTERN, ReflectionSchema, schema_messages
from app.content.yamltext import YamlDoc, YamlProblem, parse_yaml

if TYPE_CHECKING:
    from app.datasets.loader import Dataset

DIRECTIVE_NAMES = ("reflection", "explore", "exercise")
_ID = re.compile(ID_PATTERN)


def _spec_line(exc: SpecError, doc: YamlDoc) -> int:
    if exc.key:
        return doc.line_of(exc.key)
    if exc.line:
        return doc.first_line + exc.line - 1
    return doc.first_line - 1


def _take_previous_ids(body: dict[str, Any], doc: YamlDoc, out: Rendered) -> tuple[str, ...]:
    raw = body.pop("previous_ids", [])
    if not isinstance(raw, list) or not all(isinstance(x, str) and _ID.match(x) for x in raw):
        out.add(doc.line_of("previous_ids"), "'previous_ids' must be a list of ids")
        return ()
    return tuple(raw)


def build_directive(
    directive: Directive,
    *,
    ctx: LinkContext,
    datasets: Mapping[str, Dataset],
    out: Rendered,
) -> tuple[DirectiveBlock, str, tuple[str, ...]] | None:
    """Build one directive's block, or record why it cannot be built and return None.

    Returns ``(block, body_hash, previous_ids)``.
    """
    name, block_id, line = directive.name, directive.arg, directive.line
    if name not in DIRECTIVE_NAMES:
        hint = did_you_mean(name, DIRECTIVE_NAMES) or f" (use one of: {', '.join(DIRECTIVE_NAMES)})"
        out.add(line, f"unknown directive '{{{name}}}'{hint}")
        return None
    if not block_id:
        out.add(line, f"the {{{name}}} directive needs an id: ```{{{name}}} my-{name}-id")
        return None
    if not _ID.match(block_id) or len(block_id) > 100:
        out.add(
            line,
            f"'{block_id}' is not a valid id (use lowercase letters, digits and hyphens, "
            "e.g. 'absence-gap')",
        )
        return None
    try:
        doc = parse_yaml(directive.body, offset=directive.body_line - 1)
    except YamlProblem as exc:
        out.add(exc.line, f"{{{name}}} {block_id}: {exc.message}")
        return None
    if not isinstance(doc.data, dict):
        out.add(line, f"{{{name}}} {block_id}: the body must be 'key: value' lines of YAML")
        return None
    body: dict[str, Any] = dict(doc.data)
    previous = _take_previous_ids(body, doc, out)
    body_hash = hashlib.sha256(directive.body.encode()).hexdigest()
    prefix = f"{{{name}}} {block_id}"

    def markdown(text: str) -> str:
        return render_markdown(text, ctx, out, offset=directive.body_line - 1)

    try:
        block = _BUILDERS[name](block_id, body, doc, datasets, markdown, out, prefix)
    except SpecError as exc:
        message = exc.message
        if "unknown key" in message and exc.key and "." not in exc.key:
            message += did_you_mean(exc.key, _known_keys(name))
        out.add(_spec_line(exc, doc), f"{prefix}: {message}")
        return None
    if block is None:
        return None
    if name == "exercise":
        from app.exercises.check import self_check
        from app.exercises.spec import ExerciseSpec

        if isinstance(block, ExerciseSpec):
            # Grade the key and a planted wrong answer now, so a broken key never ships.
            for message in self_check(block):
                out.add(line, f"{prefix}: {message}")
            _check_feedback_openings(body, doc, out, prefix)
    return block, body_hash, previous


# What the exercise page already prints above the author's feedback, by outcome.
_PRINTED = {"correct": "Correct.", "incorrect": "Not quite.", "partial": "Partly right"}
_REPEATS = {
    "correct": ("correct",),
    "incorrect": ("not quite", "incorrect"),
    "partial": ("partly",),
}


def _check_feedback_openings(
    body: dict[str, Any], doc: YamlDoc, out: Rendered, prefix: str
) -> None:
    """Warn when feedback repeats the verdict the page already shows ("Correct. Correct, ...")."""
    feedback = body.get("feedback")
    if not isinstance(feedback, dict):
        return
    for outcome, openings in _REPEATS.items():
        text = feedback.get(outcome)
        if isinstance(text, str) and text.strip().lower().startswith(openings):
            out.add(
                doc.line_of(f"feedback.{outcome}"),
                f"{prefix}: feedback.{outcome}: the page already says "
                f'"{_PRINTED[outcome]}" above your feedback; start with what the learner '
                "should notice",
                "warning",
            )


def _known_keys(name: str) -> list[str]:
    """The top-level keys a directive accepts (for did-you-mean on data directives)."""
    if name == "explore":
        from app.datasets.explore import EXPLORE_KEYS

        return sorted(EXPLORE_KEYS)
    if name == "exercise":
        from app.exercises.body import ExerciseBody

        return sorted(ExerciseBody.model_fields)
    return sorted(ReflectionSchema.model_fields)


def _build_reflection(
    block_id: str,
    body: dict[str, Any],
    doc: YamlDoc,
    datasets: Mapping[str, Dataset],
    markdown: Callable[[str], str],
    out: Rendered,
    prefix: str,
) -> DirectiveBlock | None:
    try:
        spec = ReflectionSchema.model_validate(body)
    except ValidationError as exc:
        for line, message in schema_messages(exc, ReflectionSchema, doc, where=prefix):
            out.add(line, message)
        return None
    return Reflection(
        id=block_id,
        prompt_html=markdown(spec.prompt),
        min_words=spec.min_words,
        max_chars=spec.max_chars,
        required=spec.required,
    )


def _build_explore(
    block_id: str,
    body: dict[str, Any],
    doc: YamlDoc,
    datasets: Mapping[str, Dataset],
    markdown: Callable[[str], str],
    out: Rendered,
    prefix: str,
) -> DirectiveBlock | None:
    from app.datasets.explore import build_explore

    return build_explore(block_id, body, datasets)


def _build_exercise(
    block_id: str,
    body: dict[str, Any],
    doc: YamlDoc,
    datasets: Mapping[str, Dataset],
    markdown: Callable[[str], str],
    out: Rendered,
    prefix: str,
) -> DirectiveBlock | None:
    from app.exercises.spec import build_exercise

    return build_exercise(block_id, body, datasets, markdown)


_BUILDERS: dict[str, Callable[..., DirectiveBlock | None]] = {
    "reflection": _build_reflection,
    "explore": _build_explore,
    "exercise": _build_exercise,
}
