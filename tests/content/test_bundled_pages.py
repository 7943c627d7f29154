"""Every module of the bundled courses renders, with its {data} numbers computed."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.content.loader import load_course
from tests.factories import make_user
from tests.helpers import login, soup

ROOT = Path(__file__).resolve().parents[2] / "course_content"


def _roles_in(path: Path) -> int:
    return len(re.findall(r"\{data\}`", path.read_text(encoding="utf-8")))


def test_every_bundled_module_renders_its_data_numbers(
    client: TestClient, session: Session
) -> None:
    login(client, make_user(session, role="author"))
    checked = 0
    for slug in ("data-for-liberation", "data-partnerships"):
        course = load_course(ROOT / slug, content_root=ROOT).course
        assert course is not None
        for module in course.modules:
            response = client.get(f"/author/preview/{slug}/{module.id}")
            assert response.status_code == 200, (slug, module.id)
            text = soup(response).get_text(" ")
            assert "{data}" not in text, (slug, module.id)
            checked += _roles_in(ROOT / module.file)
    assert checked >= 40  # the prose's numbers come from the data, not from the keyboard


def test_the_course_page_says_how_the_hours_were_computed(
    client: TestClient, session: Session
) -> None:
    login(client, make_user(session, role="author"))
    for slug in ("data-for-liberation", "data-partnerships"):
        page = soup(client.get(f"/courses/{slug}"))
        basis = page.select_one(".hours-basis")
        assert basis is not None, slug
        text = " ".join(basis.get_text(" ").split())
        assert "words it asks for written at 10 words a minute" in text
        assert "hours are the modules' minutes added up, rounded down to the half hour" in text
        preview = soup(client.get(f"/author/preview/{slug}"))
        assert preview.select_one(".hours-basis") is not None


def test_survey_explorers_call_the_adults_respondents(client: TestClient, session: Session) -> None:
    login(client, make_user(session, role="author"))
    page = soup(client.get("/author/preview/data-partnerships/culture-of-data-use"))
    explorer = page.select_one("#explore-access-by-role-result")
    assert explorer is not None
    text = " ".join(explorer.get_text(" ").split())
    assert "All respondents" in text
    assert "Respondents" in [th.get_text(strip=True) for th in explorer.select("th")]
    assert "describes no real person" in text
    assert "student" not in " ".join(th.get_text() for th in explorer.select("table th")).lower()
