"""The certificate PDF: fpdf2 with an embedded Unicode font and a QR code (segno)."""

from __future__ import annotations

import io
from datetime import datetime

from app.fonts import FONT_FAMILY as FONT
from app.fonts import add_unicode_font


def _date(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def _hours(value: float) -> str:
    text = f"{value:g}"
    return f"{text} professional-development hour{'' if value == 1 else 's'}"


def _qr_png(url: str) -> io.BytesIO:
    # segno and fpdf load on the first certificate, not in every web worker (docs/performance.md)
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def certificate_pdf(
    *,
    name: str,
    course_title: str,
    hours: float,
    completed_at: datetime,
    code: str,
    verify_url: str,
    revoked: bool = False,
) -> bytes:
    """A one-page landscape A4 certificate of completion."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"Certificate of completion: {course_title}")
    pdf.set_author("Groundwork")
    pdf.set_creator("Groundwork")
    pdf.set_lang("en")
    add_unicode_font(pdf)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    width, height = pdf.w, pdf.h

    pdf.set_draw_color(29, 79, 145)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, width - 28, height - 28)

    pdf.set_text_color(29, 79, 145)
    pdf.set_font(FONT, "B", 14)
    pdf.set_xy(20, 26)
    pdf.cell(width - 40, 8, "GROUNDWORK", align="C")
    pdf.set_text_color(20, 20, 20)
    pdf.set_font(FONT, "B", 30)
    pdf.set_xy(20, 40)
    pdf.cell(width - 40, 14, "Certificate of Completion", align="C")

    pdf.set_font(FONT, "", 14)
    pdf.set_xy(20, 62)
    pdf.cell(width - 40, 8, "This certifies that", align="C")
    pdf.set_font(FONT, "B", 26 if len(name) <= 40 else 18)
    pdf.set_xy(20, 74)
    pdf.multi_cell(width - 40, 13, name, align="C")

    pdf.set_font(FONT, "", 14)
    pdf.set_x(20)
    pdf.cell(
        width - 40, 10, "completed the self-paced course", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, "B", 18)
    pdf.set_x(30)
    pdf.multi_cell(width - 60, 9, course_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 14)
    pdf.ln(2)
    pdf.set_x(20)
    pdf.cell(
        width - 40,
        8,
        f"{_hours(hours)} · completed {_date(completed_at)}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )

    qr_size = 34
    pdf.image(_qr_png(verify_url), x=width - 20 - qr_size, y=height - 22 - qr_size, w=qr_size)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(60, 60, 60)
    pdf.set_xy(24, height - 44)
    pdf.cell(0, 6, f"Verification code: {code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(24)
    pdf.cell(0, 6, f"Check it at {verify_url}", new_x="LMARGIN", new_y="NEXT")
    if revoked:
        pdf.set_text_color(179, 38, 30)
        pdf.set_font(FONT, "B", 12)
        pdf.set_x(24)
        pdf.cell(0, 6, "This certificate has been revoked.")
    return bytes(pdf.output())
