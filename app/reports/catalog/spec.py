"""What a report declares: its name and place, its columns (the CSV header), how its rows
are read, its chart and the small-number rules it applies. Each module of the catalog
declares its reports with ``ReportSpec``; ``app/reports/catalog/__init__.py`` registers
them, and the pages, the CSV export, the API and the charts read them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from app import privacy
from app.reports.charts import Chart
from app.reports.scope import ReportScope
from app.reports.tables import Column, Table

Build = Callable[[Session, ReportScope], Table]
# Reports read together in one query: (session, scope, names) -> {name: table}.
BuildTogether = Callable[[Session, ReportScope, Sequence[str]], dict[str, Table]]
Stream = Callable[[Engine, ReportScope], Iterator[list[str]]]


@dataclass(frozen=True)
class ReportSpec:
    """One report. ``name`` is its URL (``/staff/reports/{name}.csv``), its API name and
    its table's id on the page; ``columns`` are its table's columns, whose labels are the
    CSV header."""

    name: str
    title: str
    columns: tuple[Column, ...]
    suppression: tuple[privacy.Suppression, ...]
    build: Build | None = None
    build_together: BuildTogether | None = None
    page: str | None = None  # the report page that shows it; None: CSV and API only
    position: int = 0  # its place on that page
    chart: Callable[[Table], list[Chart]] | None = None
    note: Callable[[int], str] | None = None  # the sentence above its table, given min_n
    # A CSV too long to build as a table is streamed as rows of text; ``plain`` names the
    # columns that cannot start a formula.
    stream: Stream | None = None
    plain: frozenset[int] = frozenset()

    def table(self) -> Table:
        """An empty table with this report's name, title and columns."""
        return Table(self.name, self.title, self.columns)

    def problems(self) -> list[str]:
        """What is missing from the declaration (checked at start-up)."""
        found = []
        if (self.build is None) == (self.build_together is None):
            found.append(f"{self.name}: declare one of build or build_together")
        if not self.suppression:
            found.append(f"{self.name}: declare its small-number rules (privacy.Suppression)")
        if self.chart is not None and self.page is None:
            found.append(f"{self.name}: a chart needs a page")
        return found
