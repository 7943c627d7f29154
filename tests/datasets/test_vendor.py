"""Every vendored front-end file matches the checksum recorded in VERSIONS.md."""

from __future__ import annotations

import hashlib
import re

from app.config import ROOT

VENDOR = ROOT / "app" / "static" / "vendor"


def test_vendored_files_match_their_recorded_checksums() -> None:
    """A changed or missing vendored file fails until VERSIONS.md is updated with it."""
    text = (VENDOR / "VERSIONS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w.-]+\.(?:js|css))` \|.*\| `([0-9a-f]{64})` \|$", text, re.M)
    names = {name for name, _ in rows}
    assert {
        "htmx.min.js",
        "pico.min.css",
        "vega.min.js",
        "vega-lite.min.js",
        "vega-embed.min.js",
        "vega-interpreter.js",
    } <= names
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    on_disk = {p.name for p in VENDOR.iterdir() if p.suffix in (".js", ".css")}
    assert on_disk <= names, f"unrecorded vendored files: {on_disk - names}"
