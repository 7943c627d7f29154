"""Top and bottom coding of a group's rates (education-agency practice, shared/DOMAIN.md).

A rate of 0% or 100% about a group tells every member's outcome. In a view of a group
(a breakdown row, or a report narrowed to one organization, job role, cohort or date
window) a rate at or below ``BOTTOM`` percent is shown as "≤ 5%" and one at or above
``TOP`` percent as "≥ 95%"; the count the rate comes from is shown the same way, or the
count would give the rate back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BOTTOM = 5.0
TOP = 95.0


@dataclass(frozen=True)
class Coded:
    """A rate (or the count behind it) shown only as a range: ``text`` is "≤ 5%" or "≥ 95%"."""

    bound: Literal["at_most", "at_least"]
    percent: float

    @property
    def text(self) -> str:
        """The range as every page, CSV and API answer writes it."""
        sign = "≤" if self.bound == "at_most" else "≥"
        return f"{sign} {self.percent:g}%"


def code(numerator: int | float, denominator: int | float) -> Coded | None:
    """The range a share of ``numerator`` out of ``denominator`` is shown as, or None when it
    may be shown exactly (or there is no one to count)."""
    if denominator <= 0:
        return None
    rate = 100 * numerator / denominator
    if rate <= BOTTOM:
        return Coded("at_most", BOTTOM)
    if rate >= TOP:
        return Coded("at_least", TOP)
    return None


def rate_cell(
    numerator: int | float, denominator: int | float, *, group: bool
) -> float | Coded | None:
    """A rate in percent as a report shows it: None without a denominator, coded in a view
    of a group (``group``), exact otherwise."""
    if denominator <= 0:
        return None
    coded = code(numerator, denominator) if group else None
    return coded if coded is not None else 100 * numerator / denominator


def count_cell(count: int, denominator: int, *, group: bool) -> int | Coded:
    """A count that is a share of ``denominator`` (completed of enrolled): coded like its rate."""
    coded = code(count, denominator) if group else None
    return coded if coded is not None else count
