"""The vendored Unicode font every PDF uses (certificates, journals)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fpdf is imported where a PDF is made, not by every web worker
    from fpdf import FPDF

FONT_DIR = Path(__file__).parent
FONT_FAMILY = "DejaVu"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


def add_unicode_font(pdf: FPDF) -> None:
    """Register DejaVu Sans regular and bold on ``pdf`` as ``FONT_FAMILY``."""
    pdf.add_font(FONT_FAMILY, "", str(FONT_REGULAR))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_BOLD))
