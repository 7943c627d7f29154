"""Reading report pages and CSVs the way a person or a spreadsheet would."""

from __future__ import annotations

import csv
import io

import httpx
from bs4 import BeautifulSoup

from app.spreadsheets import neutralise


def read_csv(response: httpx.Response) -> list[list[str]]:
    """The CSV as Python's csv reader reads it (the BOM stripped by utf-8-sig)."""
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def html_table(page: BeautifulSoup, name: str) -> list[list[str]]:
    """The header and rows of the report table ``name`` as the page shows them."""
    table = page.find("table", attrs={"data-report": name})
    assert table is not None, name
    rows = []
    for tr in table.find_all("tr"):
        row: list[str] = []
        for cell in tr.find_all(["th", "td"]):
            # A run of figures withheld for one reason is one cell spanning their columns.
            row += [cell.get_text().strip()] * int(cell.get("colspan", 1))
        rows.append(row)
    return rows


def as_csv_text(text: str) -> str:
    """What the CSV holds for a cell the page shows as ``text``."""
    if text == "—":
        return ""
    if text.endswith(" UTC") and len(text) == 20:  # 2026-02-10 12:00 UTC
        return text[:10] + "T" + text[11:16]
    stripped = text.rstrip("%").replace(",", "")
    return stripped if stripped.replace(".", "", 1).isdigit() else neutralise(text)


def comparable(csv_rows: list[list[str]]) -> list[list[str]]:
    # Times: the page shows minutes, the CSV seconds and the offset.
    return [[c[:16] if len(c) == 25 and c[10] == "T" else c for c in row] for row in csv_rows]
