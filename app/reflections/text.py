"""Text helpers for reflections: normalising what learners send, counting words, and turning
a prompt's rendered HTML into plain text for Markdown, PDF and CSV."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# Drafts may run past a prompt's limit (the learner trims before submitting), up to this.
MAX_DRAFT_CHARS = 200_000
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
)


def clean_text(text: str) -> str:
    """Line endings as LF, NUL removed (PostgreSQL cannot store it); nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def word_count(text: str) -> int:
    """Words separated by whitespace."""
    return len(text.split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of sanitised prompt HTML, paragraphs separated by blank lines."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    text = unescape("".join(parser.parts))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
