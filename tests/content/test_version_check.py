"""Following versions synced by another process (another instance, ``groundwork content
sync``): ``VersionCheck`` rebuilds the registry when the database holds a version it does not
serve, and acts on each state of the database once. tests/deploy/test_two_instances.py
proves the same across real processes."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, update

from app.content.models import CourseRecord
from app.content.registry import build_registry
from app.content.runtime import VersionCheck, start_content, stop_content
from app.content.sync import stored_versions, sync_courses
from app.db import write_session

FIXTURES = Path(__file__).parent / "fixtures"
SLUG = "sample-course"


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "good" / SLUG, root / SLUG)
    return root


@pytest.fixture
def instance(engine: Engine, settings, content_root: Path) -> FastAPI:  # type: ignore[no-untyped-def]
    """One instance, started (its courses loaded and synced), without a check thread."""
    from app.main import create_app

    app = create_app(settings.model_copy(update={"content_dir": content_root}), engine)
    start_content(app)
    return app


def _rename_welcome(content_root: Path, title: str) -> None:
    module = content_root / SLUG / "modules" / "01-welcome.md"
    module.write_text(module.read_text().replace("title: Welcome", f"title: {title}", 1))


def test_a_version_synced_elsewhere_is_served_here(
    instance: FastAPI, engine: Engine, content_root: Path
) -> None:
    check = VersionCheck(instance)
    assert check.run_once() is False  # what this instance synced itself
    old = instance.state.registry
    _rename_welcome(content_root, "Welcome again")
    assert check.run_once() is False  # files alone change nothing in production
    # Another process syncs the edited files.
    sync_courses(engine, list(build_registry(content_root).courses.values()))
    assert check.run_once() is True
    served = instance.state.registry.get(SLUG)
    assert served.module("welcome").title == "Welcome again"
    assert served.version == stored_versions(engine)[SLUG] != old.get(SLUG).version
    assert check.run_once() is False  # nothing new since


def test_an_instance_with_older_files_says_so_once(
    instance: FastAPI, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """A rolling deploy: the database has a version from a newer image."""
    check = VersionCheck(instance)
    check.run_once()
    served = instance.state.registry.get(SLUG).version
    with write_session(engine) as session:
        session.execute(update(CourseRecord).values(content_hash="f" * 64))
        session.commit()
    with caplog.at_level(logging.WARNING, logger="groundwork.content"):
        assert check.run_once() is True
        assert check.run_once() is False  # not rebuilt again for the same database state
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert SLUG in warnings[0]
    assert instance.state.registry.get(SLUG).version == served  # its own files, still


def test_the_check_runs_in_a_thread_that_stops_with_the_app(
    engine: Engine, settings, content_root: Path
) -> None:  # type: ignore[no-untyped-def]
    from app.main import create_app

    app = create_app(
        settings.model_copy(update={"content_dir": content_root, "content_check_seconds": 0.05}),
        engine,
    )
    start_content(app)
    thread, _ = app.state.content_version_check
    assert thread.is_alive()
    _rename_welcome(content_root, "Welcome, threaded")
    sync_courses(engine, list(build_registry(content_root).courses.values()))
    deadline = 200
    while app.state.registry.get(SLUG).module("welcome").title != "Welcome, threaded":
        deadline -= 1
        assert deadline, "the thread never picked up the new version"
        thread.join(timeout=0.05)
    stop_content(app)
    assert not thread.is_alive()
