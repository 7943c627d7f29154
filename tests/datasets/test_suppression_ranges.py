"""Rule 4 of suppression: a coded range never lets subtraction narrow a hidden group.

The checks here do the subtraction the way a reader would (from what the screen shows, or
with an independent reachable-sums calculation), not with the module's own bounds.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from app.datasets.loader import Dataset, load_dataset
from app.datasets.query import parse_query
from app.datasets.results import QueryResult, run_query
from app.privacy.suppression import CellStatus, suppress

PARTNERSHIPS = Path("course_content/data-partnerships/datasets")
CODING = 3


def partnership_survey() -> Dataset:
    return load_dataset(
        "partnership_survey",
        PARTNERSHIPS / "partnership_survey.csv",
        PARTNERSHIPS / "partnership_survey.yaml",
    )


def _view(ds: Dataset, measure: str, year: str) -> QueryResult:
    spec = {"measure": measure, "group_by": ["role"], "filters": {"survey_year": year}}
    return run_query(ds, parse_query(ds, spec))


def _reader_bounds(ds: Dataset, measure: str, year: str, role: str) -> tuple[int, int]:
    """What the reviewer did: the total's count minus every row the screen gives away.

    Shown rows give their count (rate x size), a coded row its range ("≥ 88.9%" of 18 is
    16 to 18), a hidden row anything from 0 to its size (sizes come from the respondents
    view, which shows every role of 10 or more).
    """
    res = _view(ds, measure, year)
    sizes = {r.labels: r.n for r in _view(ds, "respondents", year).rows}
    total = round(res.overall.value * res.overall.n / 100)
    low = high = total
    target = None
    for row in res.rows:
        n = sizes[row.labels]
        assert n is not None
        if row.labels == (role,):
            target = n
            continue
        if row.status == "shown":
            count = round(row.value * row.n / 100)
            low, high = low - count, high - count
        elif row.status == "coded":
            lo, hi = _range_counts(row.display, n)
            low, high = low - hi, high - lo
        else:
            low, high = low - n, high
    assert target is not None
    return max(0, low), min(target, high)


def _range_counts(display: str, n: int) -> tuple[int, int]:
    bound = float(re.sub(r"[^0-9.]", "", display))
    if display.startswith("≤"):
        return 0, int(bound * n / 100 + 1e-9)
    return -int(-bound * n / 100 + 1e-9), n  # ceil


@pytest.mark.parametrize("measure", ["voice_rate", "access_rate"])
def test_partnerships_community_partners_cannot_be_pinned_from_the_leaders_range(
    measure: str,
) -> None:
    """The finding: leaders "≥ 88.9%" of 18 next to one hidden row of 24 community partners
    gave 5 to 7 of 24 (voice) and 3 to 5 (access) by subtraction. Now the hidden rows keep
    more than three possible counts, on both sides of the family partners' share."""
    ds = partnership_survey()
    res = _view(ds, measure, "2024-25")
    community = res.row(("Community partner",))
    family = res.row(("Family partner",))
    assert community is not None
    assert family is not None
    assert community.status == "complementary"
    assert family.status == "shown"
    lo, hi = _reader_bounds(ds, measure, "2024-25", "Community partner")
    assert hi - lo > CODING
    family_share = family.value / 100
    assert lo / 24 < family_share < hi / 24  # no longer "provably below family partners"


def test_partnerships_voice_2024_leaders_range_is_withdrawn_and_access_range_kept() -> None:
    """Voice: the leaders' range would pin the other hidden rows across both years, and no
    shown row could cover it, so it is withdrawn. Access: hiding support staff too covers it,
    so the range stays (the module quotes it)."""
    ds = partnership_survey()
    voice = _view(ds, "voice_rate", "2024-25").row(("School leader",))
    access = _view(ds, "access_rate", "2024-25")
    assert voice is not None
    assert voice.status == "complementary"
    leaders = access.row(("School leader",))
    support = access.row(("Support staff",))
    assert leaders is not None
    assert leaders.status == "coded"
    assert leaders.display.startswith("≥")
    assert support is not None
    assert support.status == "complementary"


def test_range_next_to_one_complement_hides_a_second_group() -> None:
    """The gap in one line: a range and one hidden group; a third group covers it."""
    statuses, _ = suppress(
        labels=[("lead",), ("comm",), ("fam",), ("teach",)],
        ns=[18, 24, 85, 203],
        outcomes=[(16.0, 18.0), (7.0, 24.0), (29.0, 85.0), (94.0, 203.0)],
        total_n=330,
        total_outcome=(146.0, 330.0),
        min_n=10,
        coding=CODING,
    )
    assert statuses == ["coded", "complementary", "complementary", "shown"]


def test_two_group_line_withdraws_the_range() -> None:
    """Proficient / not proficient: nothing else to hide, so the range is not shown."""
    statuses, _ = suppress(
        labels=[("true",), ("false",)],
        ns=[14, 22],
        outcomes=[(6.0, 14.0), (2.0, 22.0)],
        total_n=36,
        total_outcome=(8.0, 36.0),
        min_n=10,
        coding=CODING,
    )
    assert statuses == ["complementary", "complementary"]


def _possible_counts(
    statuses: list[CellStatus],
    outcomes: list[tuple[int, int]],
    members: list[int],
) -> dict[int, set[int]]:
    """Every count each hidden member can have, given the line's total and what is shown.

    Independent of the module: enumerates the reachable sums of the other hidden members.
    """
    total = sum(outcomes[i][0] for i in members)
    total_den = sum(outcomes[i][1] for i in members)
    if total < CODING or total_den - total < CODING:
        totals = (
            set(range(0, CODING))
            if total < CODING
            else set(range(total_den - CODING + 1, total_den + 1))
        )
    else:
        totals = {total}
    options: dict[int, set[int]] = {}
    for i in members:
        num, den = outcomes[i]
        if statuses[i] == "shown":
            options[i] = {num}
        elif statuses[i] == "coded":
            options[i] = (
                set(range(0, CODING)) if num < CODING else set(range(den - CODING + 1, den + 1))
            )
        else:
            options[i] = set(range(0, den + 1))
    out: dict[int, set[int]] = {}
    for i in members:
        if statuses[i] == "shown":
            continue
        sums = {0}
        for j in members:
            if j != i:
                sums = {s + v for s in sums for v in options[j]}
        out[i] = {v for v in options[i] if any(t - v in sums for t in totals)}
    return out


def _allowed(status: CellStatus, counts: set[int], den: int) -> bool:
    if den == 0:
        return True
    if len(counts) < 2:
        return False
    if status == "coded":
        return True
    lo, hi = min(counts), max(counts)
    return lo == 0 or hi == den or hi - lo >= min(CODING, den)


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_never_narrow_a_hidden_group_by_one_subtraction(seed: int) -> None:
    """Random one- and two-way tables with rates near 0%, 100% and in between."""
    rng = random.Random(seed)
    rows = rng.randint(2, 5)
    cols = rng.randint(1, 3)
    labels = [(f"r{r}", f"c{c}") for r in range(rows) for c in range(cols)]
    ns, outcomes = [], []
    for _ in labels:
        n = rng.choice([4, 8, 12, 14, 18, 24, 30, 40])
        kind = rng.random()
        num = (
            rng.randint(0, 2)
            if kind < 0.3
            else (n - rng.randint(0, 2) if kind < 0.5 else rng.randint(0, n))
        )
        ns.append(n)
        outcomes.append((num, n))
    statuses, _ = suppress(
        labels=labels,
        ns=ns,
        outcomes=[(float(a), float(b)) for a, b in outcomes],
        total_n=sum(ns),
        total_outcome=None,
        min_n=10,
        coding=CODING,
    )
    lines: list[list[int]] = []
    for r in range(rows):
        lines.append([i for i, lab in enumerate(labels) if lab[0] == f"r{r}"])
    for c in range(cols):
        lines.append([i for i, lab in enumerate(labels) if lab[1] == f"c{c}"])
    for members in lines:
        if len(members) < 2:
            continue
        hidden = [i for i in members if statuses[i] != "shown"]
        assert len(hidden) != 1, (seed, members, statuses)
        for i, counts in _possible_counts(statuses, outcomes, members).items():
            assert _allowed(statuses[i], counts, outcomes[i][1]), (seed, labels[i], counts)
