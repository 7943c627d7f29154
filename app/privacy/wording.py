"""The words every page, CSV, API answer and chart uses for a withheld or coded figure.

One home, so a figure hidden on the page reads the same in the export and the API.
"""

from __future__ import annotations

COMPLEMENTARY = "hidden to protect a small group"
NARROWED = "hidden: comparing it with a wider view would reveal a small group"


def fewer_than(min_n: int, people: str = "learners") -> str:
    """Why a figure about a small group is withheld: "fewer than 10 learners"."""
    return f"fewer than {min_n} {people}"


def small_groups_note(min_n: int, people: str = "learners") -> str:
    """The sentence under a table that withholds small groups."""
    return (
        f"Figures for groups of fewer than {min_n} {people} are not shown, to protect their "
        "privacy. Where one small group is hidden, the next smallest is hidden too, so the "
        "first cannot be worked out from the total; a narrowed view is hidden when comparing "
        "it with the wider view would leave a small group."
    )


def coded_note(bottom: float, top: float) -> str:
    """The sentence under a table whose rates are shown as a range."""
    return (
        f"Rates of {bottom:g}% or less are shown as “≤ {bottom:g}%” and rates of {top:g}% "
        f"or more as “≥ {top:g}%” (with the counts they come from), because a rate of 0% or "
        "100% in a group would tell every member's outcome."
    )
