"""Suppression rules 1-4 (app/datasets/suppression.py) at their edges: exact thresholds,
which group covers a hidden one, and what a line's subtraction leaves open. Written against
the survivors of mutation testing (docs/testing.md); the random-table checks of rule 4
live in test_suppression_ranges.py."""

from __future__ import annotations

import random
from typing import Any

import pytest

from app.privacy.suppression import coded_range, deducible_bounds, is_coded, leaks, suppress

CODING = 3


def _one_way(
    ns: list[int],
    outcomes: list[tuple[float, float]] | None = None,
    *,
    min_n: int = 10,
    coding: int = CODING,
) -> list[str]:
    labels = [(f"g{i}",) for i in range(len(ns))]
    total_outcome = None
    if outcomes is not None:
        total_outcome = (sum(o[0] for o in outcomes), sum(o[1] for o in outcomes))
    statuses, total = suppress(
        labels=labels,
        ns=ns,
        outcomes=outcomes,
        total_n=sum(ns),
        total_outcome=total_outcome,
        min_n=min_n,
        coding=coding,
    )
    assert total == "shown"
    return list(statuses)


@pytest.mark.parametrize(
    ("outcome", "coding", "coded"),
    [
        ((2, 20), 3, True),  # fewer than 3 have it
        ((3, 20), 3, False),
        ((17, 20), 3, False),  # exactly 3 lack it
        ((18, 20), 3, True),
        ((0, 0), 3, False),  # no one has a value: nothing to code
        ((0, 20), 0, False),  # coding switched off
        ((0, 20), 1, True),
        ((1, 20), 1, False),
    ],
)
def test_a_rate_is_coded_only_near_0_or_all(
    outcome: tuple[float, float], coding: int, coded: bool
) -> None:
    assert is_coded(outcome, coding) is coded
    assert is_coded(None, coding) is False


def test_a_coded_range_is_what_the_display_allows() -> None:
    assert coded_range((2.0, 20.0), 3) == (0, 2)
    assert coded_range((0.0, 20.0), 3) == (0, 2)
    assert coded_range((18.0, 20.0), 3) == (18, 20)
    assert coded_range((20.0, 20.0), 1) == (20, 20)


def test_a_group_of_exactly_the_minimum_is_shown() -> None:
    assert _one_way([10, 10, 30]) == ["shown", "shown", "shown"]
    assert _one_way([9, 10, 30]) == ["suppressed", "complementary", "shown"]


def test_a_total_below_the_minimum_hides_everything() -> None:
    statuses, total = suppress(
        labels=[("a",), ("b",)],
        ns=[4, 5],
        outcomes=None,
        total_n=9,
        total_outcome=None,
        min_n=10,
        coding=CODING,
    )
    assert (statuses, total) == (["suppressed", "suppressed"], "suppressed")
    _, total = suppress(
        labels=[("a",)], ns=[10], outcomes=None, total_n=10, total_outcome=None, min_n=10, coding=3
    )
    assert total == "shown"


def test_a_coded_total_is_reported_as_coded() -> None:
    statuses, total = suppress(
        labels=[("a",), ("b",)],
        ns=[20, 20],
        outcomes=[(1.0, 20.0), (0.0, 20.0)],
        total_n=40,
        total_outcome=(1.0, 40.0),
        min_n=10,
        coding=CODING,
    )
    assert total == "coded"
    assert statuses == ["coded", "coded"]


def test_the_smallest_other_group_covers_and_ties_go_to_the_first() -> None:
    assert _one_way([5, 40, 12, 30]) == ["suppressed", "shown", "complementary", "shown"]
    assert _one_way([40, 12, 5, 12]) == ["shown", "complementary", "suppressed", "shown"]


def test_two_hidden_groups_need_no_cover() -> None:
    assert _one_way([5, 6, 40, 30]) == ["suppressed", "suppressed", "shown", "shown"]


def test_a_group_where_no_one_has_a_value_is_never_the_cover() -> None:
    """g1 is the smallest shown group, but with no values it hides nothing."""
    statuses = _one_way([5, 11, 40], [(2.0, 5.0), (0.0, 0.0), (20.0, 40.0)], coding=0)
    assert statuses == ["suppressed", "shown", "complementary"]


def test_without_rates_the_cover_follows_sizes_alone() -> None:
    assert _one_way([5, 11, 40], None) == ["suppressed", "complementary", "shown"]


def test_a_two_way_table_protects_every_row_and_column() -> None:
    """Rows a/b, columns x/y/z: a-x is small; its row and its column each need a cover,
    and the covers' own lines need one more."""
    labels = [("a", "x"), ("a", "y"), ("a", "z"), ("b", "x"), ("b", "y"), ("b", "z")]
    statuses, _ = suppress(
        labels=labels,
        ns=[4, 30, 20, 25, 35, 40],
        outcomes=None,
        total_n=154,
        total_outcome=None,
        min_n=10,
        coding=CODING,
    )
    assert statuses == [
        "suppressed",
        "shown",
        "complementary",
        "complementary",
        "shown",
        "complementary",
    ]


def test_single_groups_are_no_line() -> None:
    """A dimension value with one group has no total other than itself to subtract from."""
    statuses, _ = suppress(
        labels=[("a", "x"), ("b", "y")],
        ns=[4, 40],
        outcomes=None,
        total_n=44,
        total_outcome=None,
        min_n=10,
        coding=CODING,
    )
    assert statuses == ["suppressed", "shown"]


def test_subtraction_bounds_of_one_line() -> None:
    """Counts: 16 of 18 (coded "≥"), 7 of 24 hidden, 29 of 85 and 94 of 203 shown."""
    statuses = ["coded", "complementary", "shown", "shown"]
    ns = [18, 24, 85, 203]
    outcomes = [(16.0, 18.0), (7.0, 24.0), (29.0, 85.0), (94.0, 203.0)]
    bounds = deducible_bounds(statuses, ns, outcomes, [[0, 1, 2, 3]], 10, CODING)  # type: ignore[arg-type]
    # Total 146: the hidden group is 146 - 29 - 94 - [16, 18] = 5 to 7.
    assert bounds == {0: (16, 18), 1: (5, 7)}
    assert leaks(statuses, ns, outcomes, [[0, 1, 2, 3]], 10, CODING) == [1]  # type: ignore[arg-type]
    # Hiding the family partners too leaves both hidden groups wide open.
    wider = ["coded", "complementary", "complementary", "shown"]
    assert leaks(wider, ns, outcomes, [[0, 1, 2, 3]], 10, CODING) == []  # type: ignore[arg-type]


def test_a_small_line_total_tells_nothing() -> None:
    """A line whose groups add up to fewer than min_n shows no total to subtract from."""
    statuses = ["suppressed", "suppressed"]
    bounds = deducible_bounds(statuses, [4, 5], [(1.0, 4.0), (2.0, 5.0)], [[0, 1]], 10, CODING)  # type: ignore[arg-type]
    assert bounds == {0: (0, 4), 1: (0, 5)}


def test_a_range_near_all_with_few_students_counts_from_the_top() -> None:
    """3 of 5: fewer than 3 lack it, so the range is "≥", 3 to 5 (not "≤" from num = 3)."""
    assert is_coded((3.0, 5.0), CODING)
    assert coded_range((3.0, 5.0), CODING) == (3, 5)


def test_a_line_total_of_exactly_the_minimum_is_shown_and_subtracted_from() -> None:
    """4 of 4 and 3 of 6, both suppressed; their line of 10 shows 7, so the first group
    has 1 to 4 and the second 3 to 6."""
    bounds = deducible_bounds(
        ["suppressed", "suppressed"], [4, 6], [(4.0, 4.0), (3.0, 6.0)], [[0, 1]], 10, CODING
    )
    assert bounds == {0: (1, 4), 1: (3, 6)}


def test_an_unknown_line_total_leaves_a_group_anything_from_zero() -> None:
    bounds = deducible_bounds(
        ["suppressed", "suppressed"], [4, 3], [(1.0, 4.0), (0.0, 0.0)], [[0, 1]], 10, CODING
    )
    assert bounds == {0: (0, 4), 1: (0, 0)}


def test_a_coded_line_total_is_subtracted_as_its_range() -> None:
    """1 of 12 (coded, 0 to 2) and 0 of 5 hidden; the total, 1 of 17, shows as 0 to 2."""
    bounds = deducible_bounds(
        ["coded", "suppressed"], [12, 5], [(1.0, 12.0), (0.0, 5.0)], [[0, 1]], 10, CODING
    )
    assert bounds == {0: (0, 2), 1: (0, 2)}


LINE = [[0, 1, 2]]


def test_a_bound_touching_zero_is_as_wide_as_a_range() -> None:
    """13 - 10 - (0 to 5) leaves the first hidden group 0 to 2: what "≤" would show."""
    statuses = ["complementary", "suppressed", "shown"]
    outcomes = [(1.0, 20.0), (1.0, 5.0), (10.0, 20.0)]
    assert deducible_bounds(statuses, [20, 5, 20], outcomes, LINE, 10, CODING) == {  # type: ignore[arg-type]
        0: (0, 2),
        1: (0, 2),
    }
    assert leaks(statuses, [20, 5, 20], outcomes, LINE, 10, CODING) == []  # type: ignore[arg-type]


def test_a_bound_exactly_coding_wide_in_the_middle_is_enough() -> None:
    """17 - 10 - (0 to 3) leaves 4 to 7 of 20: four possible counts, like a range of 3."""
    statuses = ["complementary", "suppressed", "shown"]
    outcomes = [(6.0, 20.0), (1.0, 3.0), (10.0, 20.0)]
    bounds = deducible_bounds(statuses, [20, 3, 20], outcomes, LINE, 10, CODING)  # type: ignore[arg-type]
    assert bounds[0] == (4, 7)
    assert leaks(statuses, [20, 3, 20], outcomes, LINE, 10, CODING) == []  # type: ignore[arg-type]
    narrower = [(6.0, 20.0), (1.0, 2.0), (10.0, 20.0)]  # 4 to 6: too narrow
    assert leaks(statuses, [20, 2, 20], narrower, LINE, 10, CODING) == [0]  # type: ignore[arg-type]


def test_a_pinned_group_of_one_value_leaks_and_a_group_of_none_never_does() -> None:
    statuses = ["suppressed", "suppressed", "shown"]
    # 16 - 10 - (0 to 5) pins the one value of the first group; 16 - 10 - 1 pins the second.
    pinned = [(1.0, 1.0), (5.0, 5.0), (10.0, 20.0)]
    assert leaks(statuses, [3, 5, 20], pinned, LINE, 10, CODING) == [0, 1]  # type: ignore[arg-type]
    # A group where no one has a value tells nothing, even "pinned" to 0 of 0.
    empty = [(0.0, 0.0), (2.0, 5.0), (10.0, 20.0)]
    assert leaks(statuses, [4, 5, 20], empty, LINE, 10, CODING) == [1]  # type: ignore[arg-type]


def test_a_group_of_one_value_is_coded_whenever_coding_is_on() -> None:
    assert is_coded((1.0, 1.0), CODING)
    assert is_coded((0.0, 1.0), 1)


def test_with_coding_off_a_group_of_one_value_may_cover() -> None:
    """Coding 0: 1 of 1 is shown as 100%, so that group has a value to hide and covers."""
    statuses = _one_way([5, 11, 40], [(2.0, 5.0), (1.0, 1.0), (20.0, 40.0)], coding=0)
    assert statuses == ["suppressed", "complementary", "shown"]


def test_with_coding_off_subtraction_still_cannot_pin_a_hidden_group() -> None:
    """Coding 0, rates: 5 of 9 hidden next to a hidden group where no one has a value; the
    line's total minus the shown 10 + 25 would give the 5 back exactly, so rule 3's count
    of two hidden groups is not enough: the smallest shown group is hidden as well."""
    statuses = _one_way(
        [9, 4, 40, 50], [(5.0, 9.0), (0.0, 0.0), (10.0, 40.0), (25.0, 50.0)], coding=0
    )
    assert statuses == ["suppressed", "suppressed", "complementary", "shown"]


def test_a_cover_found_while_completing_lines_is_never_a_group_without_values() -> None:
    """Rows a, b, c by columns x, z. a-x is small: column x takes b-x as its cover and row a
    takes a-z. Column z then holds one hidden value; c-z is its smallest group but no one
    in it has a value, so b-z covers."""
    labels = [("a", "x"), ("a", "z"), ("b", "x"), ("b", "z"), ("c", "x"), ("c", "z")]
    outcomes = [(2.0, 4.0), (10.0, 20.0), (10.0, 25.0), (20.0, 40.0), (15.0, 30.0), (0.0, 0.0)]
    statuses, _ = suppress(
        labels=labels,
        ns=[4, 20, 25, 40, 30, 12],
        outcomes=outcomes,
        total_n=131,
        total_outcome=None,
        min_n=10,
        coding=0,
    )
    assert statuses == [
        "suppressed",
        "complementary",
        "complementary",
        "complementary",
        "shown",
        "shown",
    ]


def test_rule_4_never_hides_a_group_without_values_as_cover() -> None:
    """The range and one hidden group of test_suppression_ranges, plus a group of 30 where
    no one answered: smaller than the family partners, but it would hide nothing."""
    statuses = _one_way(
        [18, 24, 85, 30, 203],
        [(16.0, 18.0), (7.0, 24.0), (29.0, 85.0), (0.0, 0.0), (94.0, 203.0)],
    )
    assert statuses == ["coded", "complementary", "complementary", "shown", "shown"]


def _sparse_table(seed: int) -> dict[str, Any]:
    """A random one- or two-way table, some cells missing, rates near 0%, 100% and none."""
    rng = random.Random(seed)
    labels = [
        (f"r{r}", f"c{c}") for r in range(rng.randint(1, 4)) for c in range(rng.randint(2, 4))
    ]
    if rng.random() < 0.3:
        labels = [lab for lab in labels if rng.random() < 0.8] or labels
    ns, outcomes = [], []
    for _ in labels:
        n = rng.choice([1, 3, 4, 8, 10, 12, 14, 18, 24, 30, 40])
        kind = rng.random()
        if kind < 0.1:
            num, den = 0, 0
        elif kind < 0.15:
            num, den = rng.randint(0, 1), 1
        else:
            den = n
            num = (
                rng.randint(0, 2)
                if kind < 0.4
                else n - rng.randint(0, 2)
                if kind < 0.6
                else rng.randint(0, n)
            )
            num = max(0, min(num, den))
        ns.append(n)
        outcomes.append((float(num), float(den)))
    return {
        "labels": labels,
        "ns": ns,
        "outcomes": outcomes,
        "total_n": sum(ns),
        "total_outcome": None,
        "min_n": 10,
        "coding": rng.choice([0, 1, 3]),
    }


@pytest.mark.parametrize("rates", [True, False], ids=["rate", "count"])
@pytest.mark.parametrize("seed", range(100))
def test_no_line_of_a_sparse_table_keeps_exactly_one_hidden_value(seed: int, rates: bool) -> None:
    """Rule 3 on tables with missing cells and any coding, for a rate and for a measure
    without outcomes: every line of two or more groups (rows and columns; a lone cell is
    no line) hides none or at least two."""
    table = _sparse_table(seed)
    if not rates:
        table["outcomes"] = None
    statuses, _ = suppress(**table)
    lines: dict[tuple[int, str], list[int]] = {}
    for i, (row, col) in enumerate(table["labels"]):
        lines.setdefault((0, row), []).append(i)
        lines.setdefault((1, col), []).append(i)
    for members in lines.values():
        if len(members) > 1:
            hidden = sum(1 for i in members if statuses[i] != "shown")
            assert hidden != 1, (seed, members, statuses)
