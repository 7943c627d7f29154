"""Fenced ``{name} id`` directives -> blocks, through the kinds registered in
``app.content.kinds`` (content itself knows no kind)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from app.content.kinds import BuildContext, DirectiveBlock, kind_named, kind_names
from app.content.markdown import Directive, LinkContext, Rendered, render_markdown
from app.content.problems import SpecError, did_you_mean
from app.content.schema import ID_PATTERN
from app.content.yamltext import YamlDoc, YamlProblem, parse_yaml

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
    datasets: Mapping[str, Any],
    out: Rendered,
) -> tuple[DirectiveBlock, str, tuple[str, ...]] | None:
    """Build one directive's block, or record why it cannot be built and return None.

    Returns ``(block, body_hash, previous_ids)``.
    """
    name, block_id, line = directive.name, directive.arg, directive.line
    kind = kind_named(name)
    if kind is None:
        names = kind_names()
        hint = did_you_mean(name, names) or f" (use one of: {', '.join(names)})"
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

    def markdown(text: str) -> Markup:
        return render_markdown(text, ctx, out, offset=directive.body_line - 1, datasets=datasets)

    build = BuildContext(
        block_id=block_id,
        line=line,
        body=body,
        doc=doc,
        datasets=datasets,
        markdown=markdown,
        out=out,
        prefix=prefix,
    )
    try:
        block = kind.build(build)
    except SpecError as exc:
        message = exc.message
        if "unknown key" in message and exc.key and "." not in exc.key:
            message += did_you_mean(exc.key, list(kind.known_keys()))
        out.add(_spec_line(exc, doc), f"{prefix}: {message}")
        return None
    if block is None:
        return None
    return block, body_hash, previous
