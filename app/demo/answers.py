"""Answer pools for demo attempts: right and plausible wrong answers to each exercise, built
once per exercise and variant from the real spec and graded by the real grading code, so
every stored ``correct``, ``score`` and ``normalized_answer`` is what the app would store.

Wrong numbers are the mistakes people make with rates: off by one, a proportion typed as a
percent (or the reverse), the complement (100 - x), a gap with the wrong sign, a rounded
figure, and another group's value (the other variants' answers). Wrong choices are the
other options, one of them a favourite distractor; wrong picks of a "choose all" question
drop a right option or add a wrong one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.exercises.grading import grade
from app.exercises.spec import ExerciseSpec


@dataclass(frozen=True)
class GradedAnswer:
    """One answer as the app stores it after grading."""

    raw: str
    normalized: str
    score: float
    correct: bool


@dataclass(frozen=True)
class AnswerPool:
    """Right answers (as people type them) and weighted wrong ones, for one variant."""

    right: tuple[GradedAnswer, ...]
    wrong: tuple[GradedAnswer, ...]  # most common first; repeated entries weigh more


def _number_text(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _numeric_candidates(spec: ExerciseSpec, key: float, others: list[float]) -> list[str]:
    """Wrong numbers people type, most common first (duplicates weigh more)."""
    shown = _number_text(key)
    found = [
        _number_text(key + 1),
        _number_text(key - 1),
        _number_text(round(key)) if round(key) != key else _number_text(key + 0.5),
    ]
    if 0 < abs(key) <= 100:
        found.append(_number_text(100 - key))  # the complement: "present" for "absent"
    if abs(key) > 1:
        found.append(_number_text(key / 100))  # a proportion where a percent was asked
    elif key != 0:
        found.append(_number_text(key * 100))
    if key < 0:
        found.append(_number_text(-key))  # a gap read the wrong way round
    found.extend(_number_text(v) for v in others[:4])  # another group's value
    found.append(_number_text(key * 2))
    return [t for t in found if t != shown]


def _graded(spec: ExerciseSpec, answer: str | list[str], variant: str) -> GradedAnswer | None:
    result = grade(spec, answer, variant)
    if not result.counts_as_attempt:
        return None
    raw = answer if isinstance(answer, str) else ",".join(answer)
    return GradedAnswer(raw[:500], result.normalized[:500], result.score, result.correct)


def _rank(spec_id: str, item: str) -> int:
    """A stable pseudo-random order, the same on every machine and run."""
    return int.from_bytes(hashlib.sha256(f"{spec_id}:{item}".encode()).digest()[:4], "big")


def build_pool(spec: ExerciseSpec, variant_key: str) -> AnswerPool:
    """The pool of one variant; raises ValueError when no wrong answer can be made."""
    variant = spec.variant(variant_key)
    if variant is None:
        raise ValueError(f"exercise {spec.id}: no variant {variant_key!r}")
    key = variant.answer
    right: list[GradedAnswer | None] = []
    wrong: list[GradedAnswer | None] = []
    if spec.type == "numeric":
        assert key.number is not None
        shown = _number_text(key.number)
        right = [_graded(spec, shown, variant_key), _graded(spec, f"{shown}%", variant_key)]
        others = sorted(
            {v.answer.number for v in spec.variants if v.answer.number not in (None, key.number)},
            key=lambda n: _rank(spec.id, str(n)),
        )
        for text in _numeric_candidates(spec, key.number, [n for n in others if n is not None]):
            wrong.append(_graded(spec, text, variant_key))
    else:
        ids = [c.id for c in variant.choices]
        right_ids = [i for i in ids if i in key.choice_ids]
        wrong_ids = sorted(
            (i for i in ids if i not in key.choice_ids), key=lambda i: _rank(spec.id, i)
        )
        if spec.type == "choice":
            right = [_graded(spec, right_ids[0], variant_key)]
            if wrong_ids:  # the favourite distractor is chosen three times as often
                wrong = [_graded(spec, wrong_ids[0], variant_key)] * 2
                wrong += [_graded(spec, i, variant_key) for i in wrong_ids]
        else:
            right = [_graded(spec, right_ids, variant_key)]
            if len(right_ids) > 1:  # one right option missed
                for missing in right_ids:
                    wrong.append(_graded(spec, [i for i in right_ids if i != missing], variant_key))
            for extra in wrong_ids:  # every right one, plus a wrong one
                wrong.append(_graded(spec, [*right_ids, extra], variant_key))
            wrong += [_graded(spec, [i], variant_key) for i in wrong_ids[:2]]
    good = tuple(a for a in right if a is not None and a.correct)
    bad = tuple(a for a in wrong if a is not None and not a.correct)
    if not good:
        raise ValueError(f"exercise {spec.id}: its own key does not grade as correct")
    if not bad:
        raise ValueError(f"exercise {spec.id}: no plausible wrong answer could be made")
    return AnswerPool(right=good, wrong=bad)


def build_pools(spec: ExerciseSpec) -> dict[str, AnswerPool]:
    """Every variant's pool, by variant key."""
    return {v.key: build_pool(spec, v.key) for v in spec.variants}
