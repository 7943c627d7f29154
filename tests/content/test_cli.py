"""`groundwork content check`: file:line output, exit codes, JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from app.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def test_check_good_content_exits_zero() -> None:
    result = runner.invoke(app, ["content", "check", str(FIXTURES / "good")])
    assert result.exit_code == 0, result.output
    assert "1 course(s) checked: 1 OK, 0 with errors (0 error(s), 0 warning(s))" in result.output


def test_check_single_course_folder_and_module_file() -> None:
    course = FIXTURES / "broken" / "duplicate-key"
    for target in (course, course / "modules" / "01-a.md"):
        result = runner.invoke(app, ["content", "check", str(target)])
        assert result.exit_code == 1
        assert (
            "duplicate-key/course.yaml:8: duplicate key 'title' (first given on line 2)"
            in result.output.splitlines()
        )


def test_check_broken_root_lists_every_error_and_exits_one() -> None:
    result = runner.invoke(app, ["content", "check", str(FIXTURES / "broken")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        "yaml-tab/course.yaml:7: tab character used for indentation; YAML needs spaces "
        "(set your editor to insert spaces)" in lines
    )
    assert any(line.startswith("missing-alt-text/modules/01-a.md:8: warning: ") for line in lines)


def test_check_json_format() -> None:
    result = runner.invoke(
        app, ["content", "check", str(FIXTURES / "broken" / "unknown-key"), "--format", "json"]
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == 1 and data["warnings"] == 0
    [course] = data["courses"]
    assert course["slug"] == "unknown-key" and course["loaded"] is False
    assert course["problems"] == [
        {
            "file": "unknown-key/course.yaml",
            "line": 3,
            "message": "unknown key 'sumary' (did you mean 'summary'?)",
            "severity": "error",
        }
    ]


def test_check_missing_path_and_empty_root(tmp_path: Path) -> None:
    result = runner.invoke(app, ["content", "check", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    result = runner.invoke(app, ["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "no course folders found" in result.output


def test_check_reports_good_and_bad_side_by_side(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "good" / "sample-course", tmp_path / "sample-course")
    shutil.copytree(FIXTURES / "broken" / "slug-mismatch", tmp_path / "slug-mismatch")
    result = runner.invoke(app, ["content", "check", str(tmp_path), "--format", "json"])
    data = json.loads(result.output)
    loaded = {c["slug"]: c["loaded"] for c in data["courses"]}
    assert loaded == {"sample-course": True, "slug-mismatch": False}
    assert result.exit_code == 1
