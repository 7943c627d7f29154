"""The small-number rules a report can apply, by name: each report in the catalog
(app/reports/catalog) declares the ones it uses, so its protection is read where it is
declared and listed in docs/reports.md "Privacy"."""

from __future__ import annotations

from enum import StrEnum


class Suppression(StrEnum):
    """One way a report keeps a small group from being seen or worked out."""

    # A view restricted to one organization, job role, cohort or date window shows no figure
    # of a course that it describes fewer than ``min_n`` learners of; rates and the counts
    # they come from are coded as "≤ 5%" / "≥ 95%" (``withheld``, ``rate_cell``).
    VIEW = "view"
    # Per group: small-n and complementary suppression within each course
    # (``breakdown_statuses``/``suppress``), and the narrowed-view rule (``shown_in_breakdown``).
    BREAKDOWN = "breakdown"
    # A restricted series (weeks) is shown whole or not at all: a hidden week could be
    # solved from the total shown next to it.
    SERIES = "series"
    # A row (a wrong answer) is listed only when at least ``min_n`` learners share it.
    LISTED = "listed"
    # Figures about fewer than ``min_n`` distinct posters are hidden (``hides``).
    POSTERS = "posters"
    # Rows about one learner each, for staff allowed to see those learners (comments, the
    # enrollment list); outside the staff member's organization names are not shown.
    NAMED = "named"
