"""Suppression notes: when text or an exercise reads a view that hides groups for privacy,
the same ``##`` section must say so (docs/authoring.md, "Hidden groups need a note").

A hidden group is never a small or unimportant one, and a reader who does not see it may
not notice it is gone. So every ``{data}`` value read from a view that hides a group, and
every exercise whose view hides one (the kind lists them as ``hidden_groups``), needs, in
its section, words that name each hidden group, say it is hidden ("hidden", "suppressed",
"not shown") and say why ("fewer than", "protect", "privacy"). Where the groups can be seen
responsibly (combined years, a larger view) belongs in the same sentences; that part is
for the author and the reviewer, not for a word match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.content.prose import Prose

HIDING_WORDS = ("hidden", "suppressed", "not shown")
REASON_WORDS = ("fewer than", "protect", "privacy")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", " ", text).lower().split())


def _missing(section: str, hidden: Sequence[str]) -> list[str]:
    """What the section lacks to be a note about these groups (empty: it is one)."""
    words = _words(section)
    missing = [f"the group {name!r}" for name in hidden if _words(name) not in words]
    if not any(w in words for w in HIDING_WORDS):
        missing.append("that it is hidden (" + " / ".join(HIDING_WORDS) + ")")
    if not any(w in words for w in REASON_WORDS):
        missing.append("why (" + " / ".join(REASON_WORDS) + ")")
    return missing


def suppression_note_problems(
    prose: Prose, directives: Sequence[tuple[int, str, tuple[str, ...]]]
) -> list[tuple[int, str]]:
    """``(line, message)`` for each reference to a view with hidden groups and no note.

    ``directives`` holds ``(line, what, hidden groups)`` for each directive block.
    """
    uses: list[tuple[int, str, tuple[str, ...]]] = [
        (r.start, "this {data} value", r.value.hidden)
        for r in prose.roles
        if r.value is not None and r.value.hidden
    ]
    uses += [(prose.position_of_line(line), what, hidden) for line, what, hidden in directives]
    problems: list[tuple[int, str]] = []
    for position, what, hidden in uses:
        if not hidden:
            continue
        start, end = prose.section_at(position)
        missing = _missing(prose.text[start:end], hidden)
        if missing:
            problems.append(
                (
                    prose.line_at(position),
                    f"{what} is read from a view that hides {', '.join(hidden)} for privacy; "
                    f"say in this section which groups are hidden, why, and where they can be "
                    f"seen (missing: {'; '.join(missing)}; see docs/authoring.md, "
                    "'Hidden groups need a note')",
                )
            )
    return problems
