"""Text helpers for reflections: normalising what learners send and counting words."""

from __future__ import annotations

# Drafts may run past a prompt's limit (the learner trims before submitting), up to this.
MAX_DRAFT_CHARS = 200_000


def clean_text(text: str) -> str:
    """Line endings as LF, NUL removed (PostgreSQL cannot store it); nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def word_count(text: str) -> int:
    """Words separated by whitespace."""
    return len(text.split())
