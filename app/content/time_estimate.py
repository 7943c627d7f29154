"""How long a module really takes, from its words and activities (docs/authoring.md, "Minutes
and hours").

The rule, per module, counting only what a learner must do to complete it:

- reading: every word of text, prompts and choices at 200 words a minute;
- an explorer: 4 minutes (set the view, read the table, try the changes the text asks for);
- an exercise: 3 minutes when its answer comes from a dataset (the learner reads it off an
  explorer), 1.5 minutes otherwise;
- a reflection: the words it asks for, written at 10 words a minute (reflective writing:
  thinking, composing and rereading, not typing), and at least 3 minutes. The words asked
  for are the author's ``words_asked`` when given, else read from the prompt (30 words for
  each question, each writing instruction such as "Describe ..." and each listed part, 20
  for each sentence it asks for), and never fewer than ``min_words``;
- an optional activity counts nothing; a module takes at least one minute.

Content check warns when a module's declared ``minutes`` differ from this estimate by more
than a quarter, and refuses a course whose ``hours`` exceed its modules' declared minutes.
"""

from __future__ import annotations

import re
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
WORDS_PER_ASK = 30  # a question, a writing instruction or a listed part, answered with care
WORDS_PER_SENTENCE = 20
TOLERANCE = 0.25

# How the course page explains the certificate's hours (one home for the sentence).
HOURS_BASIS = (
    "The certificate's hours are the modules' minutes added up, rounded down to the half "
    "hour. Each module's minutes are estimated from "
    f"what it asks of you: reading at {READING_WORDS_PER_MINUTE} words a minute, "
    f"{EXPLORE_MINUTES:g} minutes for each data explorer, {EXERCISE_MINUTES:g} to "
    f"{DATA_EXERCISE_MINUTES:g} minutes for each question, and, for each reflection, the "
    f"words it asks for written at {WRITING_WORDS_PER_MINUTE} words a minute, the pace of "
    "careful reflective writing."
)

_WRITING_VERBS = frozenset(
    [
        "write",
        "describe",
        "list",
        "draft",
        "tell",
        "map",
        "name",
        "design",
        "answer",
        "add",
        "give",
        "note",
        "explain",
        "plan",
        "rate",
        "say",
        "compare",
        "summarize",
        "identify",
    ]
)
_LEAD_INS = frozenset(["then", "and", "now", "first", "finally", "also"])
_SENTENCES_ASKED = re.compile(
    r"\b(?:(one|two|three|four|five|six)(?:\s+or\s+(two|three|four|five|six|seven))?"
    r"\s+sentences?|a\s+(?:single\s+)?sentence(?:\s+or\s+(two))?)\b",
    re.IGNORECASE,
)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_SENTENCE_END = re.compile(r"(?<=[.?!:])\s+|\n+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\(\d+\))\s+|\(\d+\)\s", re.MULTILINE)


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


def asked_by_prompt(prompt: str) -> int:
    """The words a prompt asks for, read from its text (see the module docstring)."""
    words = 0
    for sentence in _SENTENCE_END.split(_LIST_ITEM.sub("", prompt)):
        sentence = sentence.strip()
        asked = _SENTENCES_ASKED.search(sentence)
        first = next((w for w in sentence.lower().split() if w not in _LEAD_INS), "")
        if asked:
            # "Write your answer in a sentence or two" covers the questions before it.
            count = asked.group(2) or asked.group(1) or asked.group(3) or "one"
            words = WORDS_PER_SENTENCE * _NUMBERS[count.lower()]
        elif sentence.endswith("?") or first.strip(",:*") in _WRITING_VERBS:
            words += WORDS_PER_ASK
    return words + WORDS_PER_ASK * len(_LIST_ITEM.findall(prompt))


def words_asked(block: Block) -> int:
    """The words a reflection asks for: the author's ``words_asked``, else what the prompt
    asks, and never fewer than its ``min_words``."""
    given = int(getattr(block, "words_asked", 0) or 0)
    prompt = html_to_text(str(getattr(block, "prompt_html", "")))
    return max(int(getattr(block, "min_words", 0)), given or asked_by_prompt(prompt))


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
            writing = words_asked(block) / WRITING_WORDS_PER_MINUTE
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
