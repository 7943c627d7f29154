"""A web worker does without the heavy libraries until a page needs them (issue 24).

Polars (about 40 MB resident) serves the explorer and content loading; fpdf (with fontTools
and PIL) and segno make certificate and journal PDFs. Importing the application must load
none of them: each is imported where it is used.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("polars", "fpdf", "segno", "fontTools", "PIL")


def _modules_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def test_importing_the_app_loads_no_dataframe_or_pdf_library():
    loaded = _modules_after("import app.main")
    assert "fastapi" in loaded  # the probe saw the app's own imports
    assert sorted(loaded & set(HEAVY)) == []


@pytest.mark.parametrize(
    "statement",
    [
        "from app.datasets.loader import load_dataset",
        "from app.datasets.results import run_query",
        "from app.certificates.pdf import certificate_pdf",
        "from app.reflections.journal import journal_pdf",
    ],
)
def test_the_modules_that_use_them_import_them_only_when_called(statement):
    assert sorted(_modules_after(statement) & set(HEAVY)) == []


def test_making_a_pdf_still_loads_fpdf_and_segno():
    """The probe can see these libraries, so the test above can fail."""
    statement = (
        "from datetime import UTC, datetime\n"
        "from app.certificates.pdf import certificate_pdf\n"
        "certificate_pdf(name='A', course_title='C', hours=1, completed_at=datetime.now(UTC),"
        " code='X', verify_url='http://localhost/v/X')"
    )
    assert {"fpdf", "segno"} <= _modules_after(statement)
