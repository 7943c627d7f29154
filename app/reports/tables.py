"""A report table: typed columns and raw cell values, formatted one way for the screen and
one way for CSV from the same values, so the page and the export never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from app import privacy
from app.privacy import Coded

ColumnKind = Literal["text", "count", "percent", "decimal", "datetime"]


@dataclass(frozen=True)
class Hidden:
    """A figure withheld to protect a small group; ``text`` says why (same on screen and CSV)."""

    text: str


CellValue = str | int | float | datetime | Hidden | Coded | None


def withheld(value: CellValue) -> bool:
    """True when a cell does not show its figure exactly: hidden, or coded as a range."""
    return isinstance(value, Hidden | Coded)


@dataclass(frozen=True)
class Column:
    """One column: ``label`` is the header on screen and in the CSV."""

    key: str
    label: str
    kind: ColumnKind = "text"
    # Names its row (with the first column) for screen readers: the module, week, exercise
    # or group that tells rows of the same course apart.
    row_header: bool = False

    @property
    def numeric(self) -> bool:
        """True for columns of numbers (right-aligned on screen)."""
        return self.kind in ("count", "percent", "decimal")


@dataclass
class Table:
    """A named report table; ``name`` is also its CSV file name."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[CellValue, ...]] = field(default_factory=list)
    described: int = 0  # enrollments behind the figures (enrollment tables only)
    more_rows: bool = False  # ``rows`` holds the first rows of a longer list (a page)

    @property
    def has_hidden(self) -> bool:
        """True when any figure is withheld."""
        return any(isinstance(v, Hidden) for row in self.rows for v in row)

    @property
    def has_coded(self) -> bool:
        """True when any figure is shown as a range ("≤ 5%", "≥ 95%")."""
        return any(isinstance(v, Coded) for row in self.rows for v in row)

    def privacy_notes(self, min_n: int) -> list[str]:
        """The sentences under the table that say why figures are hidden or coded."""
        notes = [privacy.small_groups_note(min_n)] if self.has_hidden else []
        if self.has_coded:
            notes.append(privacy.coded_note(privacy.BOTTOM, privacy.TOP))
        return notes

    def screen_cells(self) -> Iterator[list[tuple[str, bool, int]]]:
        """The rows as the page shows them: (text, withheld, columns spanned) per cell.

        Neighbouring figures withheld for the same reason are shown as one cell.
        """
        for row in self.rows:
            cells: list[tuple[str, bool, int]] = []
            for value, column in zip(row, self.columns, strict=True):
                text = screen_text(value, column.kind)
                hidden = isinstance(value, Hidden)
                if hidden and cells and cells[-1][1] and cells[-1][0] == text:
                    cells[-1] = (text, True, cells[-1][2] + 1)
                else:
                    cells.append((text, hidden, 1))
            yield cells

    def csv_rows(self) -> Iterator[list[str]]:
        """The header, then the rows as the CSV export writes them."""
        yield [c.label for c in self.columns]
        for row in self.rows:
            yield [csv_text(v, c.kind) for v, c in zip(row, self.columns, strict=True)]


def screen_text(value: CellValue, kind: ColumnKind) -> str:
    """A value as shown on the page: thousands separators, a % sign, dates in UTC."""
    if isinstance(value, Hidden | Coded):
        return value.text
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if kind == "count" and isinstance(value, int):
        return f"{value:,}"
    if kind == "percent" and isinstance(value, int | float):
        return f"{value:.1f}%"
    if kind == "decimal" and isinstance(value, int | float):
        return f"{value:.2f}"
    return str(value)


def csv_text(value: CellValue, kind: ColumnKind) -> str:
    """A value as written to CSV: plain numbers (the header names the unit), ISO 8601 times."""
    if isinstance(value, Hidden | Coded):
        return value.text
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if kind == "percent" and isinstance(value, int | float):
        return f"{value:.1f}"
    if kind == "decimal" and isinstance(value, int | float):
        return f"{value:.2f}"
    return str(value)
