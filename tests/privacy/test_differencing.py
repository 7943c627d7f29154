"""Differencing attacks over every pair of report filters find no small group.

A population of learners (organization, job role, cohort, enrollment day) is drawn at
random; every report view a staff member can ask for (any organization, job role and
cohort filter, any enrollment-date window) is decided shown or hidden by the documented
rule (docs/reports.md "Privacy": the ancestors' complements, the one-filter-dropped
breakdowns with complementary suppression, the windows' safe edges; ``app.privacy``).
The attacker then subtracts every pair of shown views where one narrows the other (its
filters include the other's, its window lies inside the other's): the learners in one and
not the other must number 0 or at least the minimum, or a hidden group was derived.

The attack is plain set arithmetic on the population: it shares no code with the rule.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app import privacy

DIMS = ("organization", "job_role", "cohort")
VALUES = {"organization": ("A", "B", "C"), "job_role": ("teacher", "principal"), "cohort": ("s",)}
DAY0 = date(2026, 1, 1)
DAYS = [DAY0 + timedelta(days=i) for i in range(4)]
WINDOWS = [(None, None)] + [
    (a, b)
    for a in [None, *DAYS]
    for b in [None, *DAYS]
    if (a, b) != (None, None) and (a is None or b is None or a <= b)
]

Learner = tuple[str | None, str, str | None, date]


@dataclass(frozen=True)
class View:
    groups: tuple[tuple[str, str], ...]  # (dimension, value), in DIMS order
    window: tuple[date | None, date | None]

    def has(self, learner: Learner) -> bool:
        fields = dict(zip(DIMS, learner[:3], strict=True))
        first, last = self.window
        return all(fields[d] == v for d, v in self.groups) and (
            (first is None or learner[3] >= first) and (last is None or learner[3] <= last)
        )

    def without(self, dims: tuple[str, ...], *, window: bool = False) -> View:
        kept = tuple((d, v) for d, v in self.groups if d not in dims)
        return View(kept, (None, None) if window else self.window)

    def narrows(self, other: View) -> bool:
        """True when this view's filters include ``other``'s (its window inside theirs)."""
        first, last = self.window
        o_first, o_last = other.window
        inside = (o_first is None or (first is not None and first >= o_first)) and (
            o_last is None or (last is not None and last <= o_last)
        )
        return set(other.groups) <= set(self.groups) and inside


def every_view() -> list[View]:
    views = []
    for choice in itertools.product(*[(None, *VALUES[d]) for d in DIMS]):
        groups = tuple((d, v) for d, v in zip(DIMS, choice, strict=True) if v is not None)
        views.extend(View(groups, window) for window in WINDOWS)
    return views


def shown(view: View, people: list[Learner], min_n: int) -> bool:
    """The rule, as docs/reports.md states it."""
    if not view.groups and view.window == (None, None):
        return True  # the unfiltered report describes no group
    members = [p for p in people if view.has(p)]
    n = len(members)
    if privacy.hides(n, min_n=min_n):
        return False
    dims = tuple(d for d, _ in view.groups)
    for size in range(1, len(dims) + 1):
        for dropped in itertools.combinations(dims, size):
            ancestor = sum(view.without(dropped).has(p) for p in people)
            if 0 < ancestor - n < min_n:
                return False
    for d, value in view.groups:
        parent = view.without((d,))
        counts = Counter(dict(zip(DIMS, p[:3], strict=True))[d] for p in people if parent.has(p))
        if not privacy.shown_in_breakdown(counts, value, min_n=min_n):
            return False
    if view.window != (None, None):
        for size in range(len(dims) + 1):
            for dropped in itertools.combinations(dims, size):
                ancestor = view.without(dropped, window=True)
                days = privacy.day_counts(p[3] for p in people if ancestor.has(p))
                if not privacy.window_shown(days, *view.window, min_n=min_n):
                    return False
    return True


def derived_small_groups(people: list[Learner], min_n: int) -> list[tuple[View, View, int]]:
    visible: Mapping[View, frozenset[int]] = {
        v: frozenset(i for i, p in enumerate(people) if v.has(p))
        for v in every_view()
        if shown(v, people, min_n)
    }
    found = []
    for wide, narrow in itertools.permutations(visible, 2):
        if narrow.narrows(wide):
            gap = len(visible[wide] - visible[narrow])
            if 0 < gap < min_n:
                found.append((wide, narrow, gap))
    return found


learners = st.tuples(
    st.sampled_from([None, *VALUES["organization"]]),
    st.sampled_from(VALUES["job_role"]),
    st.sampled_from([None, *VALUES["cohort"]]),
    st.sampled_from(DAYS),
)


@settings(max_examples=400 if os.environ.get("GROUNDWORK_DEEP") == "1" else 60, deadline=None)
@given(people=st.lists(learners, max_size=45), min_n=st.sampled_from([3, 5, 10]))
def test_no_pair_of_views_gives_a_small_group_away(people: list[Learner], min_n: int) -> None:
    assert derived_small_groups(people, min_n) == []


def test_the_documented_attack_is_stopped() -> None:
    """An organization's total minus the same organization's teachers gave its principals."""
    people: list[Learner] = [("A", "teacher", None, DAYS[0])] * 22 + [
        ("A", "principal", None, DAYS[0])
    ] * 3
    people += [("B", "teacher", None, DAYS[1])] * 30
    org_a = View((("organization", "A"),), (None, None))
    teachers_of_a = View((("organization", "A"), ("job_role", "teacher")), (None, None))
    assert shown(org_a, people, 10)
    assert not shown(teachers_of_a, people, 10)
    assert derived_small_groups(people, 10) == []


def test_a_rule_without_the_cross_view_checks_is_caught() -> None:
    """The attack finds what small-group suppression alone leaves open (the test can fail)."""
    people: list[Learner] = [("A", "teacher", None, DAYS[0])] * 22 + [
        ("A", "principal", None, DAYS[0])
    ] * 3
    visible = {
        v: frozenset(i for i, p in enumerate(people) if v.has(p))
        for v in every_view()
        if not privacy.hides(sum(v.has(p) for p in people), min_n=10)
    }
    gaps = [
        len(visible[a] - visible[b]) for a, b in itertools.permutations(visible, 2) if b.narrows(a)
    ]
    assert 3 in gaps


def test_safe_edges_are_the_minimum_apart() -> None:
    days = {DAYS[0]: 4, DAYS[1]: 7, DAYS[2]: 1, DAYS[3]: 5}
    assert privacy.safe_edges(days, min_n=5) == frozenset({0, 11, 17})
    assert privacy.window_shown(days, None, DAYS[1], min_n=5)
    assert privacy.window_shown(days, DAYS[2], None, min_n=5)
    assert not privacy.window_shown(days, None, DAYS[0], min_n=5)
    assert not privacy.window_shown(days, DAYS[3], None, min_n=5)
    # A last stretch under the minimum is merged into the one before.
    assert privacy.safe_edges({DAYS[0]: 6, DAYS[1]: 2}, min_n=5) == frozenset({0, 8})
    # A parent under the minimum: only the window holding everyone.
    assert not privacy.window_shown({DAYS[0]: 1}, DAYS[1], None, min_n=5)
    assert privacy.window_shown({DAYS[0]: 1}, None, None, min_n=5)
