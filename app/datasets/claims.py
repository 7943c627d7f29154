"""Checked claims about data, evaluated at content load (docs/authoring.md, "Checked claims").

A claim compares two values, each a ``{data}`` reference (``"dataset: measure where ..."``)
or a plain number::

    claims:
      - says: Brookside ES and Cedar ES have almost the same ELA proficiency rate
        about:
          - "riverside_students: ela_proficiency_rate where school=Brookside ES"
          - "riverside_students: ela_proficiency_rate where school=Cedar ES"
        within: 1
      - says: Eastside suspends Black students at more than three times Delta's rate
        above: [..., ...]
        times: 3

``about`` holds when the two differ by at most ``within``; ``above`` (``below``) when the
first is greater (smaller) than the second, by at least ``by`` when given; ``above`` with
``times`` when the first is at least ``times`` times the second (``times: 0.45``: at least
45% of it). Values are compared in the units the explorer shows (a rate of 45.5% is 45.5).
A hidden value, or one shown only as a range, cannot be part of a claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.content.claims import ClaimProblem, register_claim_checker
from app.content.inline_roles import InlineRoleError
from app.datasets.inline import lookup, parse_ref

__all__ = ["check_data_claim"]

_RELATIONS = ("about", "above", "below")
_KEYS = frozenset({"says", "within", "by", "times", *_RELATIONS})


def _side(raw: object, datasets: Mapping[str, Any]) -> float:
    if isinstance(raw, bool):
        raise InlineRoleError("write a number or 'dataset: measure where ...'")
    if isinstance(raw, int | float):
        return float(raw)
    if not isinstance(raw, str):
        raise InlineRoleError("write a number or 'dataset: measure where ...'")
    value = lookup(parse_ref(raw, datasets), datasets)
    if value.number is None:
        raise InlineRoleError(
            f"the explorer shows this value only as a range ({value.text}); a claim cannot "
            "compare it"
        )
    return value.number


def _number(claim: Mapping[str, Any], key: str) -> float | None:
    raw = claim.get(key)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
        raise ValueError(f"'{key}' must be a number of 0 or more")
    return float(raw)


def check_data_claim(claim: Mapping[str, Any], datasets: Mapping[str, Any]) -> list[ClaimProblem]:
    """Evaluate one claim; its problems (none when the data supports it)."""
    unknown = sorted(str(k) for k in claim if k not in _KEYS)
    if unknown:
        allowed = ", ".join(sorted(_KEYS))
        return [ClaimProblem(unknown[0], f"unknown key '{unknown[0]}' (allowed: {allowed})")]
    says = claim.get("says")
    if not isinstance(says, str) or not says.strip():
        return [ClaimProblem(None, "'says' is required: the sentence of the text it checks")]
    relations = [r for r in _RELATIONS if r in claim]
    if len(relations) != 1:
        return [ClaimProblem(None, "give exactly one of 'about', 'above' or 'below'")]
    relation = relations[0]
    pair = claim[relation]
    if not isinstance(pair, list) or len(pair) != 2:
        return [ClaimProblem(relation, f"'{relation}' takes a list of two values: [A, B]")]
    try:
        within, by, times = (_number(claim, k) for k in ("within", "by", "times"))
    except ValueError as exc:
        return [ClaimProblem(None, str(exc))]
    if relation == "about" and (by is not None or times is not None or within is None):
        return [ClaimProblem(relation, "'about' needs 'within' (and takes no 'by' or 'times')")]
    if relation != "about" and within is not None:
        return [ClaimProblem("within", f"'within' goes with 'about', not '{relation}'")]
    if relation == "below" and times is not None:
        return [ClaimProblem("times", "'times' goes with 'above': swap the two values")]
    if times is not None and by is not None:
        return [ClaimProblem("times", "give 'times' or 'by', not both: write two claims")]
    values: list[float] = []
    for index, raw in enumerate(pair):
        try:
            values.append(_side(raw, datasets))
        except InlineRoleError as exc:
            return [ClaimProblem(f"{relation}.{index}", exc.message)]
    left, right = values
    failed = _failure(relation, left, right, within=within, by=by, times=times)
    if failed is None:
        return []
    return [ClaimProblem(None, f'the data no longer supports "{says.strip()}": {failed}')]


def _failure(
    relation: str,
    left: float,
    right: float,
    *,
    within: float | None,
    by: float | None,
    times: float | None,
) -> str | None:
    """Why the relation does not hold, or None when it does."""
    shown = f"{left:g} vs {right:g}"
    if relation == "about":
        assert within is not None
        if abs(left - right) > within:
            return f"{shown} differ by {abs(left - right):.2f}, more than {within:g}"
        return None
    if times is not None:  # above, with a factor: A >= times * B (times may be below 1)
        if left < times * right:
            ratio = left / right if right else float("inf")
            return f"{shown} is {ratio:.2f} times, less than {times:g}"
        return None
    if relation == "below":
        left, right = right, left
    if left <= right:
        word = "greater" if relation == "above" else "smaller"
        return f"{shown}: the first is not {word}"
    if by is not None and left - right < by:
        return f"{shown} differ by {left - right:.2f}, less than {by:g}"
    return None


register_claim_checker(check_data_claim)
