"""Start-up load + sync, and the development watcher that reloads on file changes."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from app.content.models import CourseRecord, ModuleRecord
from app.content.runtime import cached_registry
from app.db import open_session

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "good" / "sample-course", root / "sample-course")
    return root


@pytest.fixture
def content_app(engine: Engine, settings, content_root: Path) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from app.main import create_app

    app = create_app(settings.model_copy(update={"content_dir": content_root}), engine)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def test_startup_loads_and_syncs(content_app: TestClient, engine: Engine) -> None:
    registry = content_app.app.state.registry  # type: ignore[attr-defined]
    assert registry.get("sample-course") is not None
    with open_session(engine=engine) as session:
        record = session.exec(select(CourseRecord)).one()
        assert record.slug == "sample-course"
        assert {m.stable_id for m in session.exec(select(ModuleRecord))} == {
            "welcome",
            "data",
            "explore-data",
        }


def _wait_for(predicate, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_watcher_reloads_and_keeps_last_good_version(
    content_app: TestClient, content_root: Path, engine: Engine
) -> None:
    app = content_app.app
    first = app.state.registry.get("sample-course")  # type: ignore[attr-defined]
    yaml_file = content_root / "sample-course" / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace('title: "Sample', 'title: "Edited'))
    assert _wait_for(
        lambda: app.state.registry.get("sample-course").title.startswith("Edited")  # type: ignore[attr-defined]
    )
    with open_session(engine=engine) as session:
        assert session.exec(select(CourseRecord)).one().title.startswith("Edited")
    edited = app.state.registry.get("sample-course")  # type: ignore[attr-defined]
    assert edited is not first
    yaml_file.write_text(yaml_file.read_text().replace("hours: 0.1", "hours: [broken"))
    assert _wait_for(lambda: app.state.registry.statuses["sample-course"].stale)  # type: ignore[attr-defined]
    assert app.state.registry.get("sample-course") is edited  # type: ignore[attr-defined]
    assert app.state.registry.statuses["sample-course"].errors  # type: ignore[attr-defined]


def test_cached_registry_reuses_until_a_file_changes(content_root: Path) -> None:
    first = cached_registry(content_root)
    assert cached_registry(content_root) is first
    module = content_root / "sample-course" / "modules" / "01-welcome.md"
    module.write_text(module.read_text().replace("title: Welcome", "title: Hello"))
    second = cached_registry(content_root)
    assert second is not first
    course = second.get("sample-course")
    assert course is not None
    assert course.modules[0].title == "Hello"
