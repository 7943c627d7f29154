"""Vega-Lite charts drawn from report tables: the module funnel, the weekly trend and the
first-attempt success of each exercise, one chart per course.

Each chart's data is read from the same ``Table`` the page's table and the CSV are written
from, with numbers rounded as the CSV writes them; withheld figures are left out (a trend's
hidden weeks are gaps in the line) and counted, so the page can say so. The accessible
version of every chart is the table next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.reports.tables import CellValue, Table, withheld

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
CHARTED = ("funnel", "trend", "item-analysis")


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


def _number(value: CellValue, kind: str) -> float | int | None:
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


def _spec(
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


def _by_course(table: Table) -> dict[str, list[tuple[CellValue, ...]]]:
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


def _label(kind: str, title: str, summary: str, left_out: int) -> str:
    """The chart's text alternative: what it shows, what stands out, what is left out."""
    return (
        f"{kind}. {title}.{summary}{_left_out_text(left_out)}"
        " The same numbers are in the table below."
    )


def funnel_charts(table: Table) -> list[Chart]:
    """Per course: bars of learners who opened and who completed each module."""
    charts = []
    for index, (course, rows) in enumerate(_by_course(table).items()):
        values: list[dict[str, Any]] = []
        left_out = 0
        for row in rows:
            for measure, value in (("Opened", row[2]), ("Completed", row[3])):
                if withheld(value):
                    left_out += 1
                elif isinstance(value, int):
                    values.append({"module": row[1], "measure": measure, "learners": value})
        opened = [(str(r[1]), r[2]) for r in rows if isinstance(r[2], int)]
        summary = ""
        drops = [
            (before - after, name, before, after)
            for (_, before), (name, after) in zip(opened, opened[1:], strict=False)
            if isinstance(before, int) and isinstance(after, int)
        ]
        if drops and max(drops)[0] > 0:
            _, name, before, after = max(drops)
            summary = (
                f" The biggest drop is at “{name}”: opened by {after} after {before}"
                " opened the module before it."
            )
        title = f"Learners who opened and completed each module: {course}"
        label = _label("Bar chart", title, summary, left_out)
        order = list(dict.fromkeys(str(r[1]) for r in rows))
        spec = _spec(
            course,
            title,
            label,
            values,
            mark={"type": "bar"},
            encoding={
                "y": {"field": "module", "type": "nominal", "sort": order, "title": None},
                "yOffset": {"field": "measure", "sort": ["Opened", "Completed"]},
                "x": {"field": "learners", "type": "quantitative", "title": "Learners"},
                "color": {
                    "field": "measure",
                    "type": "nominal",
                    "title": None,
                    "sort": ["Opened", "Completed"],
                },
            },
        )
        charts.append(Chart(f"chart-funnel-{index}", table.name, course, label, spec, left_out))
    return charts


SERIES = ["Enrollments", "Completions"]


def _week_axis(weeks: list[str]) -> dict[str, Any]:
    """Ticks on the Mondays themselves while there are few weeks (Vega's own weeks start on
    Sunday); over longer spans, Vega's month ticks."""
    axis: dict[str, Any] = {"format": "%d %b %Y", "labelAngle": 0}
    if len(weeks) <= 8:
        axis["values"] = [
            {"year": int(w[:4]), "month": int(w[5:7]), "date": int(w[8:10]), "utc": True}
            for w in weeks
        ]
    return axis


def _peak(rows: list[tuple[Any, ...]]) -> str:
    """The week with the most enrollments shown, and the latest week, as a sentence."""
    shown = [(int(n), str(week)) for _, week, n, *_ in rows if _number(n, "count") is not None]
    if not shown:
        return ""
    most, week = max(shown)
    latest_n, latest = shown[-1]
    text = f" Most enrollments: {most:,} in the week starting {week}."
    if latest != week:
        text += f" Latest week shown ({latest}): {latest_n:,}."
    return text


def trend_charts(table: Table) -> list[Chart]:
    """Per course: a line each for enrollments and completions per week (gaps where hidden)."""
    charts = []
    for index, (course, rows) in enumerate(_by_course(table).items()):
        values: list[dict[str, Any]] = []
        left_out = 0
        totals = {"Enrollments": 0, "Completions": 0}
        for row in rows:
            for series, value in (("Enrollments", row[2]), ("Completions", row[3])):
                count = _number(value, "count")
                left_out += withheld(value)
                totals[series] += int(count or 0)
                values.append({"week": row[1], "series": series, "count": count})
        title = f"Enrollments and completions per week: {course}"
        summary = (
            f" Weeks starting {rows[0][1]} to {rows[-1][1]}: {totals['Enrollments']:,} enrollments"
            f" and {totals['Completions']:,} completions shown." + _peak(rows)
        )
        label = _label("Line chart", title, summary, left_out)
        spec = _spec(
            course,
            title,
            label,
            values,
            mark={"type": "line", "point": True, "invalid": "break-paths-show-domains"},
            encoding={
                "x": {
                    "field": "week",
                    "type": "temporal",
                    "timeUnit": "utcyearmonthdate",
                    "title": "Week starting",
                    "axis": _week_axis([str(row[1]) for row in rows]),
                },
                "y": {"field": "count", "type": "quantitative", "title": "Learners"},
                "color": {"field": "series", "type": "nominal", "title": None, "sort": SERIES},
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": SERIES,
                },
            },
        )
        charts.append(Chart(f"chart-trend-{index}", table.name, course, label, spec, left_out))
    return charts


def item_charts(table: Table) -> list[Chart]:
    """Per course: a bar per exercise of the share right on the first attempt."""
    charts = []
    for index, (course, rows) in enumerate(_by_course(table).items()):
        values: list[dict[str, Any]] = []
        left_out = sum(withheld(row[4]) for row in rows)
        for row in rows:
            share = _number(row[4], "percent")
            if share is not None:
                label = str(row[2])
                values.append(
                    {"id": label.split(":")[0], "exercise": label, "first_correct": share}
                )
        title = f"Correct on first attempt, by exercise: {course}"
        summary = ""
        if values:
            hardest = min(values, key=lambda v: v["first_correct"])
            summary = (
                f" {len(values)} exercises drawn; the lowest is “{hardest['exercise']}” at"
                f" {hardest['first_correct']:.1f}%. Exercises nobody attempted are left out."
            )
        label = _label("Bar chart", title, summary, left_out)
        spec = _spec(
            course,
            title,
            label,
            values,
            mark={"type": "bar"},
            encoding={
                # The exercise's id names its bar (the table also has the prompt's start).
                "y": {
                    "field": "id",
                    "type": "nominal",
                    "sort": [v["id"] for v in values],
                    "title": None,
                },
                "x": {
                    "field": "first_correct",
                    "type": "quantitative",
                    "title": "Correct on first attempt (%)",
                    "scale": {"domain": [0, 100]},
                },
            },
        )
        charts.append(Chart(f"chart-items-{index}", table.name, course, label, spec, left_out))
    return charts


_MAKERS = {"funnel": funnel_charts, "trend": trend_charts, "item-analysis": item_charts}


def report_charts(tables: Mapping[str, Table]) -> dict[str, list[Chart]]:
    """The charts of the charted tables among ``tables``, by table name."""
    return {name: _MAKERS[name](table) for name, table in tables.items() if name in _MAKERS}
