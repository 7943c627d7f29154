"""The journal page and its Markdown and PDF downloads."""

from __future__ import annotations

import io

from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlmodel import Session

from tests.helpers import login
from tests.reflections.conftest import enrolled_learner
from tests.reflections.helpers import write


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_journal_lists_reflections_by_course_and_module(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    write(client, "r3", "Norms first", shared=True)
    write(client, "r1", "I noticed the gap", shared=False)
    write(client, "r2", "a draft only", action="draft")
    page = client.get("/me/journal")
    soup = BeautifulSoup(page.text, "html.parser")
    assert [h.get_text() for h in soup.select(".journal-course h2")] == ["Reflecting on Data"]
    assert [h.get_text() for h in soup.select(".journal-course h3")] == [
        "Looking at data",
        "Talking about data",
    ]
    texts = [d.get_text() for d in soup.select(".journal-entry .learner-text")]
    assert texts == ["I noticed the gap", "a draft only", "Norms first"]
    metas = " ".join(p.get_text(" ", strip=True) for p in soup.select(".journal-meta"))
    assert "private" in metas
    assert "shared with facilitators" in metas
    assert "Draft" in metas


def test_empty_journal(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    assert "not written any reflections yet" in client.get("/me/journal").text
    assert client.get("/me/journal.pdf").status_code == 200
    assert "not written any reflections yet" in client.get("/me/journal.md").text


def test_markdown_download_keeps_the_text_verbatim(client, session: Session, course):
    learner = enrolled_learner(session, course, display_name="Zoë O'Brien-Łukasz")
    login(client, learner)
    text = "# not a heading of ours\n\n*stars* and <b>tags</b> stay as written 🌱"
    write(client, "r2", text, shared=True)
    response = client.get("/me/journal.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert "attachment" in response.headers["content-disposition"]
    body = response.text
    assert body.startswith("# Reflection journal: Zoë O'Brien-Łukasz")
    assert text in body
    assert "> What will you try next?" in body
    assert "shared with facilitators" in body


def test_pdf_download_has_the_learners_words_in_unicode(client, session: Session, course):
    learner = enrolled_learner(session, course, display_name="Nguyễn Thị Ánh")
    login(client, learner)
    write(client, "r1", "José Ñúñez asked: why does the average hide Łódź? — “quotes” ok")
    write(client, "r2", "Emoji 🌱 are skipped; the rest stays: done")
    response = client.get("/me/journal.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Nguyễn Thị Ánh" in text
    assert "José Ñúñez asked: why does the average hide Łódź?" in text
    assert "the rest stays: done" in text
    assert "What did you notice in your data?" in text


def test_pdf_of_a_long_reflection_spans_pages(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    long_text = "\n\n".join(f"Paragraph {i}: " + "words about data " * 30 for i in range(40))
    assert write(client, "r1", long_text[:10_000]).status_code == 303
    reader = PdfReader(io.BytesIO(client.get("/me/journal.pdf").content))
    assert len(reader.pages) >= 3
