"""CSV for spreadsheets: UTF-8 with a BOM, CRLF lines, and formula-injection neutralised.

Every staff export (reports, shared reflections) is written here, so a cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is
always shown as text instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

__all__ = ["csv_response", "neutralise", "write_csv"]


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def write_csv(rows: Iterable[Sequence[str]]) -> str:
    """The rows as CSV text (header first), BOM-prefixed so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def csv_response(text: str, *, filename: str) -> Response:
    """A CSV download: UTF-8 text served as an attachment called ``filename``."""
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
