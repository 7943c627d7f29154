"""Grading: the pure function ``grade(spec, answer, variant) -> Result``.

Numeric normalisation (documented in docs/authoring.md):

* surrounding spaces, spaces between digits (also no-break and thin spaces) and one trailing
  unit ("%", "pp", "percent", "percentage points", or the exercise's own unit) are removed;
* a comma is a decimal comma when the text has no point and exactly one comma ("12,5");
  with a point present, commas are thousands separators ("1,234.5");
* a leading "+" or "-" (also the Unicode minus "−") is kept;
* what remains must be digits with at most one decimal point. Empty text, "NaN", "inf",
  exponents and anything else are a *format error*: the learner gets a message and the
  attempt is not counted.

Multiple answers (``multi``): score = max(0, (right picks - wrong picks) / number of right
choices); correct only with every right choice and no wrong one; partial when the score is
above 0 and below 1. Picking nothing is a format error.

Numbers: correct when |answer - key| <= max(tolerance, relative_tolerance * |key|).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup

from app.exercises.spec import ExerciseSpec

Status = Literal["correct", "partial", "incorrect", "invalid"]
MAX_ANSWER_CHARS = 64
_UNITS = ("percentage points", "percent", "pp", "%", "points")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_EPS = 1e-9


@dataclass(frozen=True)
class Result:
    """The outcome of grading one answer."""

    status: Status
    score: float
    normalized: str  # canonical form of the answer ("12.5", "a", "a,c"); "" when invalid
    message: str  # what the learner is told (plain text; feedback HTML comes from the spec)
    feedback_html: tuple[Markup, ...] = ()

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    @property
    def counts_as_attempt(self) -> bool:
        """Format errors never cost an attempt."""
        return self.status != "invalid"


def parse_number(raw: str, unit: str = "") -> float | None:
    """The number a learner typed, or None when it is not a finite plain number."""
    if not isinstance(raw, str) or len(raw) > MAX_ANSWER_CHARS:
        return None
    text = raw.strip().replace("\u2212", "-").lower()
    units = sorted({*(_UNITS), unit.strip().lower()} - {""}, key=len, reverse=True)
    for suffix in units:
        if text.endswith(suffix):
            text = text[: -len(suffix)].rstrip()
            break
    text = _SPACES.sub("", text)
    if "." in text:
        text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _canonical(value: float) -> str:
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text  # "%.10f" keeps a digit before the point: never ""


def grade(spec: ExerciseSpec, answer: str | Sequence[str], variant: str) -> Result:
    """Score ``answer`` against the key of ``variant``; pure, no I/O."""
    chosen = spec.variant(variant)
    if chosen is None:
        return Result("invalid", 0.0, "", "This exercise has changed; reload the page.")
    key = chosen.answer
    fb = spec.feedback
    if spec.type == "numeric":
        if not isinstance(answer, str):
            return Result("invalid", 0.0, "", "Type one number.")
        if not answer.strip():
            return Result("invalid", 0.0, "", "Type a number before you check your answer.")
        value = parse_number(answer, spec.unit)
        if value is None:
            return Result(
                "invalid",
                0.0,
                "",
                "That is not a number we can read. Type digits only, for example 12.5 or 12.5%.",
            )
        assert key.number is not None
        allowed = max(spec.tolerance, (spec.relative_tolerance or 0.0) * abs(key.number))
        if abs(value - key.number) <= allowed + _EPS:
            return Result("correct", 1.0, _canonical(value), "Correct.", _some(fb.correct_html))
        return Result("incorrect", 0.0, _canonical(value), "Not quite.", _some(fb.incorrect_html))
    ids = {c.id: c for c in chosen.choices}
    picked = [answer] if isinstance(answer, str) else list(answer)
    picked = [p.strip() for p in picked if isinstance(p, str) and p.strip()]
    if not picked:
        return Result("invalid", 0.0, "", "Choose an answer before you check it.")
    if any(p not in ids for p in picked):
        return Result("invalid", 0.0, "", "That choice is not one of the options; reload the page.")
    unique = sorted(set(picked), key=list(ids).index)
    choice_fb = tuple(ids[p].feedback_html for p in unique if ids[p].feedback_html)
    if spec.type == "choice":
        if len(unique) != 1:
            return Result("invalid", 0.0, "", "Choose one answer.")
        if unique[0] in key.choice_ids:
            return Result("correct", 1.0, unique[0], "Correct.", _some(fb.correct_html) + choice_fb)
        return Result(
            "incorrect", 0.0, unique[0], "Not quite.", _some(fb.incorrect_html) + choice_fb
        )
    hits = sum(1 for p in unique if p in key.choice_ids)
    misses = len(unique) - hits
    score = max(0.0, (hits - misses) / len(key.choice_ids))
    normalized = ",".join(unique)
    if hits == len(key.choice_ids) and misses == 0:
        return Result("correct", 1.0, normalized, "Correct.", _some(fb.correct_html) + choice_fb)
    if score > 0:
        return Result(
            "partial",
            score,
            normalized,
            f"Partly right: {round(score * 100)}% credit.",
            _some(fb.partial_html or fb.incorrect_html) + choice_fb,
        )
    return Result("incorrect", 0.0, normalized, "Not quite.", _some(fb.incorrect_html) + choice_fb)


def _some(html: Markup) -> tuple[Markup, ...]:
    return (html,) if html else ()
