"""The registry: broken courses skipped, last good version kept on a bad edit."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.content.registry import build_registry

FIXTURES = Path(__file__).parent / "fixtures"


def _root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "good" / "sample-course", root / "sample-course")
    shutil.copytree(FIXTURES / "broken" / "unknown-key", root / "unknown-key")
    return root


def test_registry_serves_good_courses_and_reports_broken(tmp_path: Path) -> None:
    registry = build_registry(_root(tmp_path))
    assert set(registry.courses) == {"sample-course"}
    assert registry.get("unknown-key") is None
    assert [c.slug for c in registry.published()] == ["sample-course"]
    status = registry.statuses["unknown-key"]
    assert not status.loaded
    assert status.version is None
    assert not status.stale
    assert [str(p) for p in status.errors] == [
        "unknown-key/course.yaml:3: unknown key 'sumary' (did you mean 'summary'?)"
    ]
    assert registry.has_errors
    assert registry.statuses["sample-course"].loaded


def test_bad_edit_keeps_last_good_version(tmp_path: Path) -> None:
    root = _root(tmp_path)
    first = build_registry(root)
    good = first.get("sample-course")
    assert good is not None
    yaml_file = root / "sample-course" / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("hours: 0.1", "hours: lots"))
    second = build_registry(root, previous=first)
    assert second.get("sample-course") is good
    status = second.statuses["sample-course"]
    assert status.stale
    assert not status.loaded
    assert status.version == good.version
    assert [str(p) for p in status.errors] == [
        "sample-course/course.yaml:12: 'hours': Input should be a valid number, unable to parse "
        "string as a number"
    ]
    yaml_file.write_text(yaml_file.read_text().replace("hours: lots", "hours: 0.2"))
    third = build_registry(root, previous=second)
    fixed = third.get("sample-course")
    assert fixed is not None
    assert fixed.hours == 0.2
    assert fixed.version != good.version
    assert not third.statuses["sample-course"].stale


def test_draft_courses_are_in_the_registry_but_not_published(tmp_path: Path) -> None:
    root = _root(tmp_path)
    yaml_file = root / "sample-course" / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("status: published", "status: draft"))
    registry = build_registry(root)
    assert registry.get("sample-course") is not None
    assert registry.published() == []
