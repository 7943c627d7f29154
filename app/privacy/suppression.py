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
   has a single hidden value. Apart from rates (coded values, rule 4, and never choosing a
   group where no one has a value), the choice depends only on group sizes, so switching
   between count, mean, sum and median hides the same groups.
4. *A range never gives a hidden group away* (rates only). A coded range is partly known,
   so a line holding a range and only one other hidden group would give that group back
   to within the width of the range ("≥ 88.9%" of 18 people next to one hidden group of 24
   pins that group to 3 possible counts). For every hidden group, each line holding it is
   subtracted once: the line's total (exact, or its range where the total is coded) minus
   the shown counts, the ranges, and 0 to all of the other hidden groups. While that leaves
   a coded group one count, or a group hidden without a range one count or ``coding`` or
   fewer counts away from 0% and 100%, the smallest shown group of the narrowing line is
   hidden too; a line with nothing more to hide has its ranges withdrawn (shown as hidden).
   A group where no one has a value is never chosen as cover: it hides nothing.
   Subtractions chained across several lines are the linked-tables problem, not solved here.
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
    usable = [den > 0 for _, den in outcomes] if outcomes is not None else None
    primary = list(statuses)
    for members in slices:
        if _count_hidden(primary, members) == 1:
            _hide_smallest(statuses, ns, members, usable)
    while True:
        _complete_lines(statuses, ns, slices, usable)
        # Rates run rule 4 even with coding off (coding 0): it then only catches a hidden
        # group that one subtraction pins exactly, as when the line's other hidden group
        # is one where no one has a value (it hides nothing, yet counts for rule 3).
        if outcomes is None:
            break
        if not _widen_one_leak(statuses, ns, outcomes, slices, min_n, coding):
            break
    return statuses, total_status


def _complete_lines(
    statuses: list[CellStatus],
    ns: list[int],
    slices: list[list[int]],
    usable: list[bool] | None = None,
) -> None:
    """Rule 3: no line keeps exactly one hidden value."""
    changed = True
    while changed:
        changed = False
        for members in slices:
            if _count_hidden(statuses, members) == 1 and _hide_smallest(
                statuses, ns, members, usable
            ):
                changed = True


def coded_range(outcome: tuple[float, float], coding: int) -> tuple[int, int]:
    """The counts a coded rate's range allows (what "≤ x%" or "≥ x%" tells a reader)."""
    num, den = outcome
    if num < coding:
        return 0, coding - 1
    return int(den) - coding + 1, int(den)


def _line_total(
    members: list[int],
    ns: list[int],
    outcomes: list[tuple[float, float]],
    min_n: int,
    coding: int,
) -> tuple[int, int]:
    """What another view shows of a line's total count: exact, a coded range, or nothing."""
    num = sum(int(round(outcomes[i][0])) for i in members)
    den = sum(int(round(outcomes[i][1])) for i in members)
    if sum(ns[i] for i in members) < min_n:
        return 0, den
    if is_coded((num, den), coding):
        return coded_range((num, den), coding)
    return num, num


def _initial_bounds(
    statuses: list[CellStatus], outcomes: list[tuple[float, float]], coding: int
) -> dict[int, tuple[int, int]]:
    """Each group's count as the view shows it: exact, a coded range, or 0 to all."""
    bounds: dict[int, tuple[int, int]] = {}
    for i, status in enumerate(statuses):
        num, den = int(round(outcomes[i][0])), int(round(outcomes[i][1]))
        if status == "shown":
            bounds[i] = (num, num)
        elif status == "coded":
            bounds[i] = coded_range(outcomes[i], coding)
        else:
            bounds[i] = (0, den)
    return bounds


def deducible_bounds(
    statuses: list[CellStatus],
    ns: list[int],
    outcomes: list[tuple[float, float]],
    slices: list[list[int]],
    min_n: int,
    coding: int,
) -> dict[int, tuple[int, int]]:
    """For every hidden group, the counts with the outcome that one subtraction leaves open.

    For each line holding the group: its total (exact, or a range when the total is coded)
    minus every other group of the line (exact when shown, its range when coded, anything
    from 0 to all when hidden). Assumes group sizes are known (the count views show them).
    Chaining subtractions across rows and columns is the linked-tables problem rule 4 does
    not claim to solve.
    """
    initial = _initial_bounds(statuses, outcomes, coding)
    bounds = {i: b for i, b in initial.items() if statuses[i] in HIDDEN}
    for members in slices:
        for i in members:
            if i in bounds:
                lo, hi = _project(i, members, initial, ns, outcomes, min_n, coding)
                bounds[i] = (max(bounds[i][0], lo), min(bounds[i][1], hi))
    return bounds


def leaks(
    statuses: list[CellStatus],
    ns: list[int],
    outcomes: list[tuple[float, float]],
    slices: list[list[int]],
    min_n: int,
    coding: int,
) -> list[int]:
    """Hidden groups that subtraction narrows more than rule 4 allows, in display order."""
    bounds = deducible_bounds(statuses, ns, outcomes, slices, min_n, coding)
    return _leaking(statuses, bounds, outcomes, coding)


def _leaking(
    statuses: list[CellStatus],
    bounds: dict[int, tuple[int, int]],
    outcomes: list[tuple[float, float]],
    coding: int,
) -> list[int]:
    return [i for i, b in sorted(bounds.items()) if _narrowed(statuses, i, b, outcomes, coding)]


def _as_wide_as_a_range(lo: int, hi: int, den: int, coding: int) -> bool:
    """True when [lo, hi] is no narrower than rule 4 allows for a group hidden without a range:
    never one count; away from 0 and from every student, more than ``coding`` counts."""
    if lo == hi:
        return False
    if lo == 0 or hi == den:
        return True
    return hi - lo >= min(coding, den)


def _widen_one_leak(
    statuses: list[CellStatus],
    ns: list[int],
    outcomes: list[tuple[float, float]],
    slices: list[list[int]],
    min_n: int,
    coding: int,
) -> bool:
    """Rule 4: for the first leaking group that can be helped, hide more in its lines.

    The lines to act on are those holding the group whose own subtraction (each other group
    known exactly, by its range, or not at all) already narrows it too far; if none does on
    its own, every line holding it. In each, the smallest shown group is hidden (a shown
    group is never close to 0% or 100%, so it adds at least ``coding`` counts of doubt
    either way); a line that shows nothing more has its ranges withdrawn.
    """
    initial = _initial_bounds(statuses, outcomes, coding)
    usable = [den > 0 for _, den in outcomes]
    for i in leaks(statuses, ns, outcomes, slices, min_n, coding):
        lines = [m for m in slices if i in m]
        binding = [
            m
            for m in lines
            if _narrowed(
                statuses, i, _project(i, m, initial, ns, outcomes, min_n, coding), outcomes, coding
            )
        ]
        changed = False
        for members in binding or lines:
            if _hide_smallest(statuses, ns, members, usable):
                changed = True
                continue
            for j in members:
                if statuses[j] == "coded":
                    statuses[j] = "complementary"
                    changed = True
        if changed:
            return True
    return False


def _project(
    i: int,
    members: list[int],
    bounds: dict[int, tuple[int, int]],
    ns: list[int],
    outcomes: list[tuple[float, float]],
    min_n: int,
    coding: int,
) -> tuple[int, int]:
    """The bounds one line alone gives group ``i``, from the others' bounds."""
    t_lo, t_hi = _line_total(members, ns, outcomes, min_n, coding)
    lo, hi = bounds[i]
    others_lo = sum(bounds[j][0] for j in members if j != i)
    others_hi = sum(bounds[j][1] for j in members if j != i)
    return max(lo, t_lo - others_hi), min(hi, t_hi - others_lo)


def _narrowed(
    statuses: list[CellStatus],
    i: int,
    bound: tuple[int, int],
    outcomes: list[tuple[float, float]],
    coding: int,
) -> bool:
    lo, hi = bound
    if outcomes[i][1] <= 0:
        return False  # no one in the group has a value: nothing to tell
    if statuses[i] == "coded":
        return lo == hi
    return not _as_wide_as_a_range(lo, hi, int(round(outcomes[i][1])), coding)


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


def _hide_smallest(
    statuses: list[CellStatus],
    ns: list[int],
    members: list[int],
    usable: list[bool] | None = None,
) -> bool:
    candidates = [i for i in members if statuses[i] == "shown"]
    if not candidates:
        return False
    if usable is not None and any(usable[i] for i in candidates):
        # A rate's group where no one has a value hides nothing: never pick it as the cover.
        candidates = [i for i in candidates if usable[i]]
    # Smallest group first; ties go to the first in display order, so the choice is stable.
    pick = min(candidates, key=lambda i: (ns[i], i))
    statuses[pick] = "complementary"
    return True
