"""A module body read as prose, for the checks that read its words (suppression notes,
verdict words): every inline role resolved once and masked out of the text, so a raw value
written inside ``{data}`...` `` never counts as words the reader sees, and the body cut into
sections at its ``##`` headings.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.content.inline_roles import ROLE_IN_TEXT, InlineValue, resolve_quietly

_SECTION = re.compile(r"^##\s", re.MULTILINE)


@dataclass(frozen=True)
class RoleUse:
    """One inline role in the body: where it is and what it resolved to (None: it failed)."""

    start: int
    end: int
    value: InlineValue | None


@dataclass(frozen=True)
class Prose:
    """The body with its roles masked as digits (same length, so positions match the file)."""

    text: str
    source: str  # the body as written
    roles: tuple[RoleUse, ...]
    offset: int  # file line of the body's first line, minus one
    _line_starts: tuple[int, ...]

    def line_at(self, position: int) -> int:
        """The file line of a character position in the body."""
        return bisect.bisect_right(self._line_starts, position) + self.offset

    def position_of_line(self, line: int) -> int:
        """The character position where a file line starts."""
        index = min(max(line - self.offset - 1, 0), len(self._line_starts) - 1)
        return self._line_starts[index]

    def section_at(self, position: int) -> tuple[int, int]:
        """The ``##`` section holding a position, as (start, end) character positions."""
        starts = [0] + [m.start() for m in _SECTION.finditer(self.text)]
        index = bisect.bisect_right(starts, position) - 1
        end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
        return starts[index], end

    def roles_between(self, start: int, end: int) -> list[RoleUse]:
        """The roles that start inside [start, end)."""
        return [r for r in self.roles if start <= r.start < end]


def read_prose(body: str, offset: int, datasets: Mapping[str, Any]) -> Prose:
    """Resolve every role of a module body once and mask it out of the text."""
    roles = tuple(
        RoleUse(m.start(), m.end(), resolve_quietly(m.group(1), m.group(2), datasets))
        for m in ROLE_IN_TEXT.finditer(body)
    )
    # Masked as digits: a role stands for a number, and "only {data}`...`" reads "only 000".
    masked = ROLE_IN_TEXT.sub(lambda m: "0" * len(m.group(0)), body)
    starts = (0, *(m.end() for m in re.finditer("\n", body)))
    return Prose(masked, body, roles, offset, starts)
