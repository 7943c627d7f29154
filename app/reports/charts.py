"""Vega-Lite charts drawn from report tables, one chart per course: what every chart shares.
Each charted report declares its chart in its catalog module (the module funnel, the weekly
trend and the first-attempt success of each exercise).

Each chart's data is read from the same ``Table`` the page's table and the CSV are written
from, with numbers rounded as the CSV writes them; withheld figures are left out (a trend's
hidden weeks are gaps in the line) and counted, so the page can say so. The accessible
version of every chart is the table next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.reports.tables import CellValue, Table, withheld

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


@dataclass(frozen=True)
class Chart:
    """One chart: ``dom_id`` names its element, ``label`` is its text alternative."""

    dom_id: str
    table: str
    course: str
    label: str
    spec: dict[str, Any]
    left_out: int  # withheld figures not drawn

    @property
    def drawable(self) -> bool:
        """True when the chart has at least one figure to draw."""
        return any(
            value is not None
            for item in self.spec["data"]["values"]
            for key, value in item.items()
            if key in ("learners", "count", "first_correct")
        )


def chart_number(value: CellValue, kind: str) -> float | int | None:
    """A figure as the CSV writes it (percent and decimals rounded), None when withheld."""
    if withheld(value) or value is None or isinstance(value, str):
        return None
    if isinstance(value, int | float) and kind == "percent":
        return round(float(value), 1)
    if isinstance(value, int | float) and kind == "decimal":
        return round(float(value), 2)
    return value if isinstance(value, int) else None


def _title_lines(text: str, width: int = 40) -> list[str]:
    """A chart title in short lines: Vega never wraps a title, and a phone is narrow."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def chart_spec(
    course: str, title: str, description: str, values: list[dict[str, Any]], **body: Any
) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "usermeta": {"course": course},
        "description": description,
        "title": {"text": _title_lines(title), "anchor": "start"},
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {"legend": {"orient": "bottom"}},
        "data": {"values": values},
        **body,
    }


def by_course(table: Table) -> dict[str, list[tuple[CellValue, ...]]]:
    """The table's rows by course title (its first column), in table order."""
    found: dict[str, list[tuple[CellValue, ...]]] = {}
    for row in table.rows:
        found.setdefault(str(row[0]), []).append(row)
    return found


def _left_out_text(n: int) -> str:
    if not n:
        return ""
    figures, verb = ("figure", "is") if n == 1 else ("figures", "are")
    why = "hidden or shown only as a range, to protect small groups,"
    return f" {n} {figures} {why} {verb} left out."


def chart_label(kind: str, title: str, summary: str, left_out: int) -> str:
    """The chart's text alternative: what it shows, what stands out, what is left out."""
    return (
        f"{kind}. {title}.{summary}{_left_out_text(left_out)}"
        " The same numbers are in the table below."
    )
