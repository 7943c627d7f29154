"""The report catalog: every staff report, registered in one place.

Each module here declares its reports (``ReportSpec``: query, columns and CSV header,
chart, small-number rules, page). ``MODULES`` registers them, one line per module, in the
order the API and the CSV list them; the report pages, the CSV export, the API and the
charts all read ``REGISTRY``. ``problems()`` is checked at start-up (app/registries.py).
docs/reports.md "Adding a report" says how to add one.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.reports.catalog import (
    discussion,
    enrollments,
    exercises,
    feedback,
    funnel,
    items,
    overview,
    trend,
)
from app.reports.catalog.spec import ReportSpec
from app.reports.charts import Chart
from app.reports.tables import Table

__all__ = [
    "MODULES",
    "PAGES",
    "REGISTRY",
    "ReportSpec",
    "page_reports",
    "problems",
    "report_charts",
]

MODULES = (
    overview,
    funnel,
    trend,
    exercises,
    items,
    feedback,
    enrollments,
    discussion,
)
REGISTRY: dict[str, ReportSpec] = {spec.name: spec for module in MODULES for spec in module.REPORTS}
# The report pages, each with the routes' page name: the templates are reports/{page}.html.
PAGES = ("overview", "exercises", "feedback", "discussion")


def page_reports(page: str) -> tuple[ReportSpec, ...]:
    """The reports a page shows, in the order it shows them."""
    on_page = [spec for spec in REGISTRY.values() if spec.page == page]
    return tuple(sorted(on_page, key=lambda spec: spec.position))


def report_charts(tables: Mapping[str, Table]) -> dict[str, list[Chart]]:
    """The charts of the charted reports among ``tables``, by report name."""
    found = {}
    for name, table in tables.items():
        chart = REGISTRY[name].chart
        if chart is not None:
            found[name] = chart(table)
    return found


def problems() -> list[str]:
    """What is wrong with the registered reports: none registered, a name used twice, a
    page with no report, a declaration missing its parts."""
    found = [] if REGISTRY else ["no report is registered"]
    declared = [spec.name for module in MODULES for spec in module.REPORTS]
    found += [
        f"two reports are called {name}"
        for name in sorted(set(declared))
        if declared.count(name) > 1
    ]
    found += [
        f"page {page} shows no report" for page in PAGES if REGISTRY and not page_reports(page)
    ]
    for spec in REGISTRY.values():
        if spec.page is not None and spec.page not in PAGES:
            found.append(f"{spec.name}: there is no report page {spec.page}")
        found += spec.problems()
    return found
