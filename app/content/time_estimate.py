"""How long a module really takes, from its words and activities (docs/authoring.md, "Minutes
and hours").

The rule, per module, counting only what a learner must do to complete it:

- reading: every word of text, prompts and choices at 200 words a minute;
- an explorer: 4 minutes (set the view, read the table, try the changes the text asks for);
- an exercise: 3 minutes when its answer comes from a dataset (the learner reads it off an
  explorer), 1.5 minutes otherwise;
- a reflection: its minimum length written at 10 words a minute (composing, not typing),
  and at least 3 minutes; an optional activity counts nothing;
- a module takes at least one minute.

Content check warns when a module's declared ``minutes`` differ from this estimate by more
than a quarter, and refuses a course whose ``hours`` exceed its modules' declared minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.content.course import Block, MarkdownBlock, Module
from app.content.plaintext import html_to_text

READING_WORDS_PER_MINUTE = 200
EXPLORE_MINUTES = 4.0
DATA_EXERCISE_MINUTES = 3.0
EXERCISE_MINUTES = 1.5
WRITING_WORDS_PER_MINUTE = 10
MIN_REFLECTION_MINUTES = 3.0
TOLERANCE = 0.25


@dataclass(frozen=True)
class TimeEstimate:
    """A module's estimated minutes and what they are made of."""

    reading: float
    explorers: float
    exercises: float
    reflections: float
    words: int

    @property
    def minutes(self) -> float:
        """The whole estimate (at least one minute: a page takes a minute to open and read)."""
        return max(1.0, self.reading + self.explorers + self.exercises + self.reflections)


def _words(html: str) -> int:
    return len(html_to_text(html).split())


# Content knows a directive block only by its id and kind (app.content.kinds); the estimate
# reads the few attributes the bundled kinds share, by name, and treats a missing one as
# nothing to read.
def _block_words(block: Block) -> int:
    if isinstance(block, MarkdownBlock):
        return _words(block.html)
    words = _words(str(getattr(block, "prompt_html", "")))
    variants = getattr(block, "variants", ())
    if variants:
        words += sum(_words(str(c.text_html)) for c in getattr(variants[0], "choices", ()))
    return words


def estimate(blocks: Sequence[Block]) -> TimeEstimate:
    """The estimate for a module's blocks, following the rule above."""
    words = explorers = exercises = reflections = 0.0
    for block in blocks:
        if not getattr(block, "required", True):
            continue
        words += _block_words(block)
        if isinstance(block, MarkdownBlock):
            continue
        if block.kind == "explore":
            explorers += EXPLORE_MINUTES
        elif block.kind == "exercise":
            from_data = bool(getattr(block, "dataset", None))
            exercises += DATA_EXERCISE_MINUTES if from_data else EXERCISE_MINUTES
        elif block.kind == "reflection":
            writing = int(getattr(block, "min_words", 0)) / WRITING_WORDS_PER_MINUTE
            reflections += max(MIN_REFLECTION_MINUTES, writing)
    return TimeEstimate(
        reading=words / READING_WORDS_PER_MINUTE,
        explorers=explorers,
        exercises=exercises,
        reflections=reflections,
        words=int(words),
    )


def minutes_warning(module: Module) -> str | None:
    """The warning for a module whose declared minutes are far from the estimate, or None."""
    found = estimate(module.blocks)
    if abs(module.minutes - found.minutes) <= TOLERANCE * found.minutes:
        return None
    return (
        f"minutes: {module.minutes} declared, but the module takes about "
        f"{found.minutes:.0f} (reading {found.words} words {found.reading:.0f}, explorers "
        f"{found.explorers:g}, exercises {found.exercises:g}, reflections "
        f"{found.reflections:.0f}; see docs/authoring.md, 'Minutes and hours'); declare "
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
