"""Hostile input: script, giant posts, Unicode tricks, javascript: links (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import Session

from app.community.models import CommunityThread
from app.community.text import BODY_MAX, TITLE_MAX, clean_body, clean_title, render_post
from tests.community.pages import new_thread, thread_id_of, thread_url
from tests.community.support import make_learner
from tests.helpers import login, soup

START = datetime(2026, 12, 7, 15, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _assert_inert(html: str) -> None:
    """No script element, no event handler attribute, no javascript: URL in any link."""
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None
    for tag in page.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        for attr in ("href", "src"):
            assert not str(tag.get(attr, "")).strip().lower().startswith("javascript"), tag


def test_markdown_never_renders_script_or_javascript_links() -> None:
    html = render_post(
        "<script>alert(1)</script>\n\n[click](javascript:alert(1)) [x](JaVaScRiPt:alert(2))"
        " <img src=x onerror=alert(3)> ![pic](https://evil.example/p.png)"
        "\n\n[fine](https://example.org)"
    )
    _assert_inert(html)
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert "<img" not in html
    assert '<a href="https://example.org">fine</a>' in html


def test_unicode_tricks_are_removed_from_titles_and_bodies() -> None:
    # Right-to-left override, isolates, zero-width space and joiner, a BOM, NUL.
    assert (
        clean_title("Safe\u202e txt.exe\u2066x\u2069 \u200bname\ufeff\x00") == "Safe txt.exex name"
    )
    assert clean_title("   \u200b\u200d  ") == ""
    assert clean_body("a\u202eb\r\nc\x00") == "ab\nc"
    # Real right-to-left text stays.
    assert clean_title("שלום עולם") == "שלום עולם"


def test_hostile_posts_through_the_pages(client, session: Session, clock) -> None:
    learner = make_learner(session)
    login(client, learner)
    # An invisible-only title is empty: refused, with the text kept.
    refused = new_thread(client, title="\u200b\u202e", body="body")
    assert refused.status_code == 400
    assert "Write a title" in refused.text
    # A giant post: refused with a clear limit, text kept.
    giant = "word " * (BODY_MAX // 5 + 10)
    refused = new_thread(client, title="Long", body=giant)
    assert refused.status_code == 400
    assert f"the limit is {BODY_MAX:,}" in refused.text
    assert soup(refused).find("textarea", attrs={"name": "body"}).text == giant
    refused = new_thread(client, title="t" * (TITLE_MAX + 1), body="x")
    assert refused.status_code == 400
    assert f"at most {TITLE_MAX} characters" in refused.text
    # Script in the title and body is shown as text.
    tid = thread_id_of(
        new_thread(
            client,
            title="<script>alert('t')</script>\u202eevil",
            body="<script>alert('b')</script> [x](javascript:alert(1))",
        )
    )
    page = client.get(thread_url(tid))
    assert "&lt;script&gt;alert" in page.text
    body = soup(page).find("main") or soup(page)
    _assert_inert(str(body.find("article")))
    thread = session.get(CommunityThread, tid)
    assert thread is not None
    assert "\u202e" not in thread.title
