"""How content mistakes are reported: ``file:line: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One mistake (or warning) found in course files."""

    file: str  # relative to the content root, e.g. "data-for-liberation/modules/01-why.md"
    line: int  # 1-based; 0 when it concerns the whole file
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class SpecError(Exception):
    """A directive body or dataset schema that cannot be used.

    ``key`` is the dotted path of the offending YAML key (e.g. ``"answer.query.measure"``) so
    the loader can point at its line; ``line`` may be given directly instead.
    """

    def __init__(self, message: str, *, key: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.key = key
        self.line = line


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
