"""How long a reflection takes (docs/authoring.md, "Minutes and hours").

The words it asks for, written at 10 words a minute (reflective writing: thinking,
composing and rereading, not typing), and at least 3 minutes. The words asked for are the
author's ``words_asked`` when given, else read from the prompt (30 words for each question,
each writing instruction such as "Describe ..." and each listed part, 20 for each sentence
it asks for), and never fewer than ``min_words``.
"""

from __future__ import annotations

import re

from app.content.kinds import BlockTime
from app.content.plaintext import html_to_text
from app.reflections.spec import Reflection

WRITING_WORDS_PER_MINUTE = 10
MIN_REFLECTION_MINUTES = 3.0
WORDS_PER_ASK = 30  # a question, a writing instruction or a listed part, answered with care
WORDS_PER_SENTENCE = 20
TIME_BASIS = (
    "for each reflection, the words it asks for written at "
    f"{WRITING_WORDS_PER_MINUTE} words a minute, the pace of careful reflective writing"
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


def words_asked(block: Reflection) -> int:
    """The words a reflection asks for: the author's ``words_asked``, else what the prompt
    asks, and never fewer than its ``min_words``."""
    prompt = html_to_text(str(block.prompt_html))
    return max(block.min_words, block.words_asked or asked_by_prompt(prompt))


def reflection_time(block: Reflection) -> BlockTime:
    """The prompt's words to read, and the writing (nothing for an optional reflection)."""
    if not block.required:
        return BlockTime()
    writing = words_asked(block) / WRITING_WORDS_PER_MINUTE
    return BlockTime(
        words=len(html_to_text(str(block.prompt_html)).split()),
        minutes=max(MIN_REFLECTION_MINUTES, writing),
    )
