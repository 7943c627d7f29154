"""Author pages (status, previews) and course assets."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from tests.factories import make_user
from tests.helpers import login

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "good" / "sample-course", root / "sample-course")
    shutil.copytree(FIXTURES / "broken" / "unknown-key", root / "unknown-key")
    return root


@pytest.fixture
def web(engine: Engine, settings, content_root: Path) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from app.main import create_app

    app = create_app(settings.model_copy(update={"content_dir": content_root}), engine)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def _as(web: TestClient, session: Session, role: str) -> None:
    login(web, make_user(session, role=role))


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("role", ["author", "admin"])
def test_status_page_lists_courses_with_errors(
    web: TestClient, session: Session, role: str
) -> None:
    _as(web, session, role)
    response = web.get("/author/content")
    assert response.status_code == 200
    page = _soup(response.text)
    assert page.h1 is not None
    assert page.h1.get_text() == "Content status"
    headings = [h.get_text() for h in page.find_all("h2")]
    assert headings == ["unknown-key", "Sample Course: Every Feature"]
    errors = [li.get_text() for li in page.select("ul.problems-error li")]
    assert errors == ["unknown-key/course.yaml:3: unknown key 'sumary' (did you mean 'summary'?)"]
    hrefs = [urlsplit(a["href"]).path for a in page.find_all("a")]
    assert "/author/preview/sample-course" in hrefs
    version = web.app.state.registry.get("sample-course").version  # type: ignore[attr-defined]
    assert page.find("code", title=version) is not None


@pytest.mark.parametrize("role", ["learner", "staff"])
def test_author_pages_refuse_other_roles(web: TestClient, session: Session, role: str) -> None:
    _as(web, session, role)
    for url in (
        "/author/content",
        "/author/preview/sample-course",
        "/author/preview/sample-course/welcome",
    ):
        assert web.get(url).status_code == 403


def test_author_pages_need_login(web: TestClient) -> None:
    response = web.get("/author/content")
    assert response.status_code == 303
    assert "/login" in response.headers["location"]


def test_preview_course_and_module(web: TestClient, session: Session) -> None:
    _as(web, session, "author")
    course_page = _soup(web.get("/author/preview/sample-course").text)
    links = [urlsplit(a["href"]).path for a in course_page.select("ol.preview-modules a")]
    assert links == [
        "/author/preview/sample-course/welcome",
        "/author/preview/sample-course/data",
        "/author/preview/sample-course/explore-data",
    ]
    response = web.get("/author/preview/sample-course/welcome")
    assert response.status_code == 200
    page = _soup(response.text)
    assert page.h1 is not None
    assert page.h1.get_text() == "Welcome"
    assert "Author preview" in page.get_text()
    prose = page.select("div.module-blocks > div.prose")
    assert len(prose) == 2
    assert prose[0].find("h2", id="why-look-past-averages") is not None
    image = prose[0].find("img")
    assert image is not None
    assert image["src"] == "/courses/sample-course/assets/chart.png"
    reflections = page.select("section.reflection")
    assert [s["id"] for s in reflections] == [
        "reflection-first-thoughts",
        "reflection-optional-note",
    ]
    assert web.get("/author/preview/sample-course/nope").status_code == 404
    assert web.get("/author/preview/unknown-key").status_code == 404
    assert web.get("/author/preview/no-such-course").status_code == 404


def test_draft_preview_and_assets(web: TestClient, session: Session, content_root: Path) -> None:
    yaml_file = content_root / "sample-course" / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("status: published", "status: draft"))
    from app.content.runtime import reload_content

    reload_content(web.app)  # type: ignore[arg-type]
    assert web.get("/courses/sample-course/assets/chart.png").status_code == 404
    _as(web, session, "author")
    assert "a <strong>draft</strong> course" in web.get("/author/preview/sample-course").text
    response = web.get("/courses/sample-course/assets/chart.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "sandbox" in response.headers["content-security-policy"]


def test_assets_are_served_safely(web: TestClient, content_root: Path, tmp_path: Path) -> None:
    response = web.get("/courses/sample-course/assets/chart.png")
    assert response.status_code == 200
    assert response.content == (content_root / "sample-course/assets/chart.png").read_bytes()
    (tmp_path / "secret.png").write_bytes(b"secret")
    (content_root / "sample-course" / "assets" / "link.png").symlink_to(tmp_path / "secret.png")
    (content_root / "sample-course" / "assets" / "notes.md").write_text("hidden")
    for path in (
        "missing.png",
        "../course.yaml",
        "..%2Fcourse.yaml",
        "%2e%2e/%2e%2e/secret.png",
        "link.png",
        "notes.md",
        ".hidden.png",
    ):
        assert web.get(f"/courses/sample-course/assets/{path}").status_code == 404, path
    assert web.get("/courses/no-course/assets/chart.png").status_code == 404


def test_preview_shows_answer_keys_only_to_authors(web: TestClient, session: Session) -> None:
    _as(web, session, "author")
    response = web.get("/author/preview/sample-course/explore-data")
    assert response.status_code == 200
    page = _soup(response.text)
    keys = page.select(".preview-keys")
    assert len(keys) == 3  # every exercise shows its answer key in preview
    assert "Excused absences" in keys[2].get_text()
    assert page.select("section.exercise form") == []  # nothing to submit in preview
    assert page.find(id="explore-absence-by-el") is not None  # the explorer renders in preview


def test_learner_module_page_has_no_answer_keys(
    web: TestClient, session: Session, content_root: Path
) -> None:
    from app.content.runtime import reload_content
    from tests.helpers import post_form

    yaml_file = content_root / "sample-course" / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("sequential", "free"))
    reload_content(web.app)  # type: ignore[arg-type]
    _as(web, session, "learner")
    assert post_form(web, "/courses/sample-course/enroll").status_code == 303
    response = web.get("/courses/sample-course/modules/explore-data")
    assert response.status_code == 200, response.text
    assert "preview-keys" not in response.text
    assert "Answer key" not in response.text
