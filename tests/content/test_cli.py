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
    assert data["errors"] == 1
    assert data["warnings"] == 0
    [course] = data["courses"]
    assert course["slug"] == "unknown-key"
    assert course["loaded"] is False
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


def test_check_reports_renamed_id_with_learner_data(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from app.config import get_settings
    from app.content.loader import load_course
    from app.content.sync import course_record_id, sync_course
    from app.db import make_engine, metadata
    from app.learning.models import Enrollment, ModuleProgress
    from tests.factories import make_user

    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "good" / "sample-course", root / "sample-course")
    db_file = tmp_path / "check.db"
    engine = make_engine(f"sqlite:///{db_file}")
    metadata.create_all(engine)
    with Session(engine) as session:
        course = load_course(root / "sample-course", content_root=root).course
        assert course is not None
        sync_course(session, course=course)
        user = make_user(session)
        enrollment = Enrollment(
            user_id=user.id, course_id=course_record_id(session, course_slug="sample-course")
        )
        session.add(enrollment)
        session.flush()
        session.add(ModuleProgress(enrollment_id=enrollment.id, module_id="welcome"))
        session.commit()
    engine.dispose()
    module = root / "sample-course" / "modules" / "01-welcome.md"
    module.write_text(module.read_text().replace("id: welcome", "id: hello"))
    monkeypatch.setenv("GROUNDWORK_DATABASE_URL", f"sqlite:///{db_file}")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["content", "check", str(root)])
        skipped = runner.invoke(app, ["content", "check", str(root), "--no-database"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert (
        "sample-course/course.yaml:0: module id 'welcome' is gone but 1 learner record(s) refer "
        "to it; if you renamed it to 'hello', add 'previous_ids: [welcome]' to its front matter "
        "so learners keep their progress" in result.output.splitlines()
    )
    assert skipped.exit_code == 0


def test_bundled_courses_pass_the_check() -> None:
    """`make test` also runs this; here it fails with the problems listed. No warnings
    either: no near miss, no module far from its time estimate."""
    root = Path(__file__).resolve().parents[2] / "course_content"
    result = runner.invoke(app, ["content", "check", str(root), "--no-database"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "2 course(s) checked: 2 OK, 0 with errors (0 error(s), 0 warning(s))"
    ), result.output


def test_strict_fails_on_warnings_alone() -> None:
    """CI runs --strict: a course with a warning and no error fails it, and only it."""
    course = Path(__file__).parent / "fixtures" / "data-checks" / "near-miss"
    plain = runner.invoke(app, ["content", "check", str(course), "--no-database"])
    strict = runner.invoke(app, ["content", "check", str(course), "--no-database", "--strict"])
    assert plain.exit_code == 0, plain.output
    assert "0 error(s), 1 warning(s)" in plain.output
    assert strict.exit_code == 1, strict.output


def test_check_runs_each_exercise_self_check() -> None:
    """A planted wrong answer that passes the tolerance is a file:line error at the directive."""
    result = runner.invoke(
        app, ["content", "check", str(FIXTURES / "broken" / "exercise-self-check")]
    )
    assert result.exit_code == 1, result.output
    assert (
        "exercise-self-check/modules/01-a.md:8: {exercise} wide: a planted wrong answer (12.5) "
        "scores more than 0; is the tolerance too wide?" in result.output.splitlines()
    )


def test_feedback_that_repeats_the_verdict_is_a_warning(tmp_path: Path) -> None:
    """The page prints "Correct." itself; feedback that starts with it gets a warning."""
    course = tmp_path / "exercise-self-check"
    shutil.copytree(FIXTURES / "broken" / "exercise-self-check", course)
    module = course / "modules" / "01-a.md"
    yaml_file = course / "course.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("hours: 1\n", "hours: 0.03\n"))
    module.write_text(
        module.read_text()
        .replace("minutes: 5\n", "minutes: 2\n")
        .replace(
            "tolerance: 5\n",
            "tolerance: 0\nfeedback:\n  correct: Correct! Ten percent.\n"
            "  incorrect: It is a share of enrolled days.\n",
        )
    )
    result = runner.invoke(app, ["content", "check", str(course)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "exercise-self-check/modules/01-a.md:14: warning: {exercise} wide: feedback.correct: "
        'the page already says "Correct." above your feedback; start with what the learner '
        "should notice"
    )
