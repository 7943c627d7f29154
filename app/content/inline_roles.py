"""Inline roles: ``{name}`argument` `` written inside a sentence, replaced at content load.

Content knows no role itself. A higher layer registers a resolver for a name (the datasets
package registers ``data``), and the Markdown renderer asks this registry when it meets a
role. A resolver returns the text to show and, when it has one, the number behind it (for
checked claims); it raises ``InlineRoleError`` when the argument is wrong or the value must
not be shown, and the renderer reports that at the role's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it.token import Token

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class InlineValue:
    """What a role resolves to: the words a reader sees and the number behind them."""

    text: str
    number: float | None = None  # None when there is no exact number to compare (a range)
    # A comparison computed from the data (a gap, a ratio), not a single value: a verdict
    # word next to it has the numbers it needs (app/content/verdicts.py).
    comparison: bool = False
    # The groups the view this value is read from hides for privacy, as readers name them;
    # the text around it must say so (app/content/suppression_notes.py).
    hidden: tuple[str, ...] = ()


class InlineRoleError(Exception):
    """An inline role that cannot be shown, with the message for the author."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# (argument, the course's datasets by name) -> value. The datasets mapping is typed loosely
# because content must not import the datasets package; the resolver knows what it holds.
Resolver = Callable[[str, Mapping[str, Any]], InlineValue]

_ROLES: dict[str, Resolver] = {}
ROLE_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
# A role is the text "{name}" directly followed by inline code: {data}`...`.
_ROLE_AT_END = re.compile(r"\{([a-z][a-z0-9_-]*)\}$")
_ROLE_IN_SOURCE = re.compile(r"\{[a-z][a-z0-9_-]*\}`")
# A whole role as written in a source file: its name and its argument.
ROLE_IN_TEXT = re.compile(r"\{([a-z][a-z0-9_-]*)\}`([^`]*)`")


def register_inline_role(name: str, resolver: Resolver) -> None:
    """Make ``{name}`...` `` resolvable in module text. Registering a name again replaces it."""
    if not ROLE_NAME.match(name):
        raise ValueError(f"inline role name {name!r} must be lowercase letters, digits, - or _")
    _ROLES[name] = resolver


def registered_roles() -> tuple[str, ...]:
    """The names that can be used, sorted."""
    return tuple(sorted(_ROLES))


def resolve(name: str, argument: str, datasets: Mapping[str, Any]) -> InlineValue:
    """Resolve one role; raise InlineRoleError when it is unknown or cannot be shown."""
    resolver = _ROLES.get(name)
    if resolver is None:
        known = ", ".join(f"{{{n}}}" for n in registered_roles()) or "none are registered"
        raise InlineRoleError(f"unknown inline role '{{{name}}}' (known roles: {known})")
    return resolver(argument.strip(), datasets)


def resolve_quietly(name: str, argument: str, datasets: Mapping[str, Any]) -> InlineValue | None:
    """Resolve a role for a check that reads text; None when it fails (reported elsewhere)."""
    try:
        return resolve(name, argument, datasets)
    except InlineRoleError:
        return None


def apply_inline_roles(
    tokens: list[Token],
    datasets: Mapping[str, Any],
    add: Callable[[int, str, Severity], None],
    offset: int,
) -> None:
    """Replace every ``{name}`argument` `` in parsed Markdown with its resolved text.

    ``add(line, message, severity)`` records a problem; a role that fails is shown as its
    argument in code, so the page still renders in a preview.
    """
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        starts = [m.start() for m in _ROLE_IN_SOURCE.finditer(token.content)]
        seen = 0
        for index in range(len(children) - 1):
            text, code = children[index], children[index + 1]
            if text.type != "text" or code.type != "code_inline":
                continue
            found = _ROLE_AT_END.search(text.content)
            if found is None:
                continue
            line = _line_of(token, starts[seen] if seen < len(starts) else 0, offset)
            seen += 1
            try:
                value = resolve(found.group(1), code.content, datasets)
            except InlineRoleError as exc:
                add(line, f"{{{found.group(1)}}}`{code.content}`: {exc.message}", "error")
                continue
            text.content = text.content[: found.start()]
            code.type = "text"
            code.tag = ""
            code.markup = ""
            code.content = value.text


def _line_of(inline: Token, position: int, offset: int) -> int:
    """The file line of a character position in an inline token's source."""
    start = (inline.map[0] if inline.map else 0) + offset + 1
    return start + inline.content.count("\n", 0, position)
