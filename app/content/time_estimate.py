"""How long a module really takes, from its words and activities (docs/authoring.md, "Minutes
and hours").

The rule, per module, counting only what a learner must do to complete it:

- reading: every word of text, prompts and choices at 200 words a minute;
- each directive block: the minutes its own kind says (``ActivityKind.time``: the
  explorer's in ``app/datasets/activity.py``, the exercise's in ``app/exercises/activity.py``,
  the reflection's in ``app/reflections/timing.py``);
- an optional activity counts nothing; a module takes at least one minute.

Content check warns when a module's declared ``minutes`` differ from this estimate by more
than a quarter, and refuses a course whose ``hours`` exceed its modules' declared minutes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.content.course import Block, MarkdownBlock, Module
from app.content.kinds import all_kinds, kind_named
from app.content.plaintext import html_to_text

READING_WORDS_PER_MINUTE = 200
TOLERANCE = 0.25


def hours_basis() -> str:
    """How the course page explains the certificate's hours (one home for the sentence):
    reading, then each registered kind's own clause."""
    clauses = [f"reading at {READING_WORDS_PER_MINUTE} words a minute"]
    clauses += [k.time_basis for k in all_kinds() if k.time_basis]
    return (
        "The certificate's hours are the modules' minutes added up, rounded down to the half "
        "hour. Each module's minutes are estimated from what it asks of you: "
        + ", ".join(clauses[:-1])
        + (", and " if len(clauses) > 2 else " and ")
        + clauses[-1]
        + "."
    )


@dataclass(frozen=True)
class TimeEstimate:
    """A module's estimated minutes and what they are made of."""

    reading: float
    activities: Mapping[str, float]  # minutes by each kind's ``time_label``
    words: int

    @property
    def minutes(self) -> float:
        """The whole estimate (at least one minute: a page takes a minute to open and read)."""
        return max(1.0, self.reading + sum(self.activities.values()))


def _words(html: str) -> int:
    return len(html_to_text(html).split())


def estimate(blocks: Sequence[Block]) -> TimeEstimate:
    """The estimate for a module's blocks: its text read at the reading pace, and each
    directive block timed by its own kind (an optional activity asks for nothing)."""
    words = 0
    activities = {k.time_label: 0.0 for k in all_kinds() if k.time_label}
    for block in blocks:
        if isinstance(block, MarkdownBlock):
            words += _words(block.html)
            continue
        kind = kind_named(block.kind)
        if kind is None:
            continue
        time = kind.time(block)
        words += time.words
        if kind.time_label:
            activities[kind.time_label] += time.minutes
    return TimeEstimate(
        reading=words / READING_WORDS_PER_MINUTE, activities=activities, words=words
    )


def minutes_warning(module: Module) -> str | None:
    """The warning for a module whose declared minutes are far from the estimate, or None."""
    found = estimate(module.blocks)
    if abs(module.minutes - found.minutes) <= TOLERANCE * found.minutes:
        return None
    return (
        f"minutes: {module.minutes} declared, but the module takes about "
        f"{found.minutes:.0f} (reading {found.words} words {found.reading:.0f}"
        + "".join(f", {label} {minutes:.3g}" for label, minutes in found.activities.items())
        + "; see docs/authoring.md, 'Minutes and hours'); declare "
        f"between {found.minutes * (1 - TOLERANCE):.0f} and {found.minutes * (1 + TOLERANCE):.0f}"
        ", or add the practice the minutes promise"
    )


def hours_problem(hours: float, modules: Sequence[Module]) -> str | None:
    """The error for a course that certifies more hours than its modules declare, or None."""
    declared = sum(m.minutes for m in modules)
    if hours * 60 <= declared:
        return None
    return (
        f"hours: {hours:g} professional-learning hours, but the modules declare {declared} "
        f"minutes ({declared / 60:.1f} hours); a certificate may not award more time than "
        "the course takes"
    )


_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
# "three and a half professional-learning hours", "4.5 hours of professional learning".
_STATED_HOURS = re.compile(
    r"\b(?P<number>\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?P<half>\s+and\s+a\s+half)?"
    r"\s+(?:professional[-\s]learning\s+hours?|hours?\s+of\s+professional\s+learning)\b",
    re.IGNORECASE,
)


def stated_hours_problems(hours: float, text: str) -> list[tuple[int, str]]:
    """(line within ``text``, error) for each professional-learning hours figure the text
    states that differs from the course's ``hours`` (say "the hours on the course page")."""
    found = []
    for match in _STATED_HOURS.finditer(text):
        number = match.group("number").lower()
        stated = float(_NUMBER_WORDS.get(number, 0) if number.isalpha() else number)
        stated += 0.5 if match.group("half") else 0
        if stated != hours:
            found.append(
                (
                    text.count("\n", 0, match.start()),
                    f"'{' '.join(match.group(0).split())}' differs from course.yaml hours: "
                    f"{hours:g}; refer to the hours shown on the course page instead",
                )
            )
    return found
