"""What members type: cleaning titles and bodies, limits, and rendering posts safely.

Posts are CommonMark rendered with raw HTML off (``<script>`` shows as text) and then
passed through the course's nh3 sanitiser (``app.content.markdown.sanitize``), whose
allow-list keeps only http, https, mailto and tel links: a ``javascript:`` link loses its
href. Images are not rendered (a post cannot load a remote picture into a peer's page).
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markupsafe import Markup

from app.content.markdown import sanitize

TITLE_MAX = 150
BODY_MAX = 20_000
# Characters that reorder or hide text: bidi embeddings, overrides and isolates, and
# zero-width marks. Titles lose every format character; bodies lose the reordering ones
# (a zero-width joiner inside an emoji sequence is harmless there).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_MD.disable("image")


def clean_title(title: str) -> str:
    """A title on one line: NFC, no control or format characters, spaces folded."""
    text = unicodedata.normalize("NFC", title)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(text.split())


def clean_body(body: str) -> str:
    """A body as typed: LF line endings, NFC, no NUL, control or bidi-reordering characters."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", _BIDI.sub("", text))
    return text.strip("\n ")


def title_error(title: str) -> str | None:
    """Why a cleaned title cannot be posted, or None."""
    if not title:
        return "Write a title for your thread."
    if len(title) > TITLE_MAX:
        return f"Use at most {TITLE_MAX} characters for the title (this one has {len(title):,})."
    return None


def body_error(body: str, *, what: str = "post") -> str | None:
    """Why a cleaned body cannot be posted, or None."""
    if not body.strip():
        return f"Write something in your {what} before posting."
    if len(body) > BODY_MAX:
        return (
            f"Your {what} is {len(body):,} characters long; the limit is {BODY_MAX:,}. "
            "Shorten it or split it into two posts."
        )
    return None


def render_post(body: str) -> Markup:
    """A post's Markdown as sanitised HTML."""
    return sanitize(_MD.render(body))
