"""The ceiling for `bench_ceiling.py`: a bare async FastAPI app serving fixed bytes per path.

It serves, for each page the benchmark measures, the exact bytes Groundwork sent for it
(read from the folder named by CEILING_PAGES at start). What Groundwork adds on top of this
(sessions, the database, rendering, middleware) is what the ratio to the ceiling measures.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import Response

_folder = Path(os.environ["CEILING_PAGES"])
_pages: dict[str, bytes] = {
    path: (_folder / name).read_bytes()
    for path, name in json.loads((_folder / "index.json").read_text()).items()
}

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/{path:path}")
async def page(path: str) -> Response:
    """The stored bytes of ``/path``."""
    body = _pages.get("/" + path)
    if body is None:
        raise HTTPException(status_code=404)
    return Response(body, media_type="text/html; charset=utf-8")
