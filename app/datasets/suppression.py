"""Small-n suppression, complementary suppression and top/bottom coding of rates.

Rules (education-data practice, see /docs/authoring.md "Privacy in data views"):

1. A group with fewer than ``min_n`` students is *suppressed*: neither its value nor its size
   is shown ("fewer than N students").
2. A rate where fewer than ``coding`` students of the group have the outcome, or fewer than
   ``coding`` lack it, is *coded*: shown as a range ("≤ 4.0%"), because 0% or 100% would tell
   every student's outcome (and a narrow band next to them nearly so).
3. *Complementary suppression*: a line of a table whose total can be known (with one
   dimension the whole table; with more, every row and column, whose totals other views show)
   must never hide exactly one value, or subtraction from the total would give it back. When
   it does, the smallest other group in that line is hidden as well, repeated until no line
   has a single hidden value. Apart from coded rates, the choice depends only on group sizes,
   so switching between count, mean, sum and median hides the same groups.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

CellStatus = Literal["shown", "suppressed", "complementary", "coded"]
HIDDEN: frozenset[str] = frozenset({"suppressed", "complementary", "coded"})


def is_coded(outcome: tuple[float, float] | None, coding: int) -> bool:
    """True when (students with the outcome, students counted) is too close to 0 or to all."""
    if coding <= 0 or outcome is None:
        return False
    num, den = outcome
    return den > 0 and (num < coding or den - num < coding)


def suppress(
    *,
    labels: list[tuple[str, ...]],
    ns: list[int],
    outcomes: list[tuple[float, float]] | None,
    total_n: int,
    total_outcome: tuple[float, float] | None,
    min_n: int,
    coding: int,
) -> tuple[list[CellStatus], CellStatus]:
    """The status of every group and of the total, following the rules above."""
    total_status: CellStatus = "shown"
    if total_n < min_n:
        total_status = "suppressed"
    elif is_coded(total_outcome, coding):
        total_status = "coded"
    statuses: list[CellStatus] = []
    for i, n in enumerate(ns):
        if n < min_n:
            statuses.append("suppressed")
        elif outcomes is not None and is_coded(outcomes[i], coding):
            statuses.append("coded")
        else:
            statuses.append("shown")
    if total_status == "suppressed":
        return ["suppressed"] * len(statuses), total_status
    slices = _slices(labels)
    # First every slice on its own, from the primary pattern only, so a row of a two-way
    # table hides at least what the same row hides when it is viewed alone (filtered).
    primary = list(statuses)
    for members in slices:
        if _count_hidden(primary, members) == 1:
            _hide_smallest(statuses, ns, members)
    changed = True
    while changed:
        changed = False
        for members in slices:
            if _count_hidden(statuses, members) == 1 and _hide_smallest(statuses, ns, members):
                changed = True
    return statuses, total_status


def _slices(labels: list[tuple[str, ...]]) -> list[list[int]]:
    """Index lists of the groups whose total another view can show.

    In a table over k dimensions these are the lines along each dimension (all other
    coordinates fixed): their totals are cells of the (k-1)-dimension tables.
    """
    if not labels:
        return []
    width = len(labels[0])
    slices: list[list[int]] = []
    for pos in range(width):
        lines: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, lab in enumerate(labels):
            lines[lab[:pos] + lab[pos + 1 :]].append(i)
        slices.extend(lines.values())
    return [s for s in slices if len(s) > 1]


def _count_hidden(statuses: list[CellStatus], members: list[int]) -> int:
    return sum(1 for i in members if statuses[i] in HIDDEN)


def _hide_smallest(statuses: list[CellStatus], ns: list[int], members: list[int]) -> bool:
    candidates = [i for i in members if statuses[i] == "shown"]
    if not candidates:
        return False
    # Smallest group first; ties go to the first in display order, so the choice is stable.
    pick = min(candidates, key=lambda i: (ns[i], i))
    statuses[pick] = "complementary"
    return True
