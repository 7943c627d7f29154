"""CSV for spreadsheets: UTF-8 with a BOM, CRLF lines, and formula-injection neutralised.

Every staff export (reports, shared reflections) is written here, so a cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is
always shown as text instead.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Collection, Iterable, Iterator, Sequence

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

__all__ = ["csv_lines", "csv_response", "csv_stream_response", "neutralise", "write_csv"]
CHUNK_BYTES = 64 * 1024


_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def _risky(value: str) -> bool:
    """True when a spreadsheet could run ``value`` as a formula (a plain signed number, such
    as a wrong answer of -1.1, is only a number)."""
    return value.startswith(_FORMULA_STARTS) and _NUMBER.fullmatch(value) is None


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if _risky(value) else value


class _LastLine:
    """A file for ``csv.writer`` that keeps the one line each ``writerow`` writes."""

    line = ""

    def write(self, text: str) -> int:
        self.line = text
        return len(text)


def csv_lines(rows: Iterable[Sequence[str]], *, plain: Collection[int] = ()) -> Iterator[str]:
    """The rows as CSV lines (header first), one at a time; the first starts with a BOM so
    spreadsheets read the file as UTF-8.

    Every cell is neutralised except in the ``plain`` columns: those the caller builds from
    values that cannot start a formula (numbers, ISO dates, fixed labels), which a long
    export then need not check row by row. A row with nothing to quote (no comma, quote or
    line break in any cell) is joined directly, the same text ``csv.writer`` writes in a
    fortieth of the time; any other row goes through ``csv.writer``.
    """
    out = _LastLine()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    remaining = iter(rows)
    header = next(remaining, None)
    if header is None:  # no rows at all: still a UTF-8 file with its mark
        yield "\ufeff"
        return
    writer.writerow([neutralise(cell) for cell in header])
    yield "\ufeff" + out.line
    checked = [i for i in range(len(header)) if i not in plain]
    separators = len(header) - 1
    for row in remaining:
        cells = list(row)
        for i in checked:
            if _risky(cells[i]):
                cells[i] = "'" + cells[i]
        line = ",".join(cells)
        if (
            line.count(",") == separators
            and '"' not in line
            and "\n" not in line
            and "\r" not in line
            and len(cells) > 1
        ):
            yield line + "\r\n"
        else:
            writer.writerow(cells)
            yield out.line


def write_csv(rows: Iterable[Sequence[str]]) -> str:
    """The rows as CSV text (header first), BOM-prefixed so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    for line in csv_lines(rows):
        out.write(line)
    return out.getvalue()


def _chunks(lines: Iterator[str], size: int) -> Iterator[bytes]:
    """Lines joined into UTF-8 chunks of about ``size`` bytes (one socket write each)."""
    batch: list[str] = []
    length = 0
    try:
        for line in lines:
            batch.append(line)
            length += len(line)
            if length >= size:
                yield "".join(batch).encode("utf-8")
                batch, length = [], 0
        if batch:
            yield "".join(batch).encode("utf-8")
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()


async def _in_threadpool(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Each chunk made in a worker thread (it reads the database); the source is closed
    when the response ends, also when the client goes away, so its session closes at once."""
    try:
        while True:
            chunk = await run_in_threadpool(next, chunks, None)
            if chunk is None:
                return
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await run_in_threadpool(close)


def csv_stream_response(lines: Iterator[str], *, filename: str) -> StreamingResponse:
    """A CSV download sent while it is written: memory stays flat whatever its length."""
    return StreamingResponse(
        _in_threadpool(_chunks(lines, CHUNK_BYTES)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_response(text: str, *, filename: str) -> Response:
    """A CSV download: UTF-8 text served as an attachment called ``filename``."""
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
