"""Privacy: one home for small-number suppression, its wording, rate coding and the
differencing rules (docs/reports.md "Privacy").

A pure core: it imports nothing from the application but itself, so every layer may use it.
Use it as a module (``from app import privacy``):

- ``privacy.hides(n, min_n=...)``: a figure about ``n`` people must be withheld;
- ``privacy.fewer_than(min_n)``, ``privacy.COMPLEMENTARY``, ``privacy.NARROWED``: the words;
- ``privacy.suppress(...)``: small-group and complementary suppression of a table (with
  top/bottom coding of rates by count, as the data explorer does);
- ``privacy.rate_cell(num, den, group=...)`` / ``privacy.count_cell``: "≤ 5%" / "≥ 95%";
- ``privacy.Suppression``: the rules by name, as each report declares them;
- ``privacy.shown_in_breakdown`` / ``privacy.window_shown``: the narrowed-view rule.
"""

from __future__ import annotations

from app.privacy.coding import BOTTOM, TOP, Coded, code, count_cell, rate_cell
from app.privacy.rules import Suppression
from app.privacy.suppression import (
    HIDDEN,
    CellStatus,
    coded_range,
    deducible_bounds,
    is_coded,
    leaks,
    suppress,
)
from app.privacy.views import (
    breakdown_statuses,
    day_counts,
    safe_edges,
    shown_in_breakdown,
    window_shown,
)
from app.privacy.wording import (
    COMPLEMENTARY,
    NARROWED,
    coded_note,
    fewer_than,
    small_groups_note,
)

__all__ = [
    "BOTTOM",
    "COMPLEMENTARY",
    "HIDDEN",
    "Suppression",
    "NARROWED",
    "TOP",
    "breakdown_statuses",
    "CellStatus",
    "Coded",
    "code",
    "coded_note",
    "coded_range",
    "count_cell",
    "day_counts",
    "deducible_bounds",
    "fewer_than",
    "hides",
    "is_coded",
    "leaks",
    "rate_cell",
    "safe_edges",
    "shown_in_breakdown",
    "small_groups_note",
    "suppress",
    "window_shown",
]


def hides(n: int, *, min_n: int) -> bool:
    """True when a figure about ``n`` people (some, but fewer than ``min_n``) is withheld."""
    return 0 < n < min_n
