"""``groundwork content check [PATH]``: the single validator authors and CI run."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.config import get_settings
from app.content.loader import CourseLoad, load_all, load_course
from app.content.problems import Problem
from app.content.registry import build_registry
from app.content.sync import database_ready, orphaned_learner_data, sync_courses
from app.db import engine_for, make_engine, open_session

content_app = typer.Typer(help="Course content in course_content/.", no_args_is_help=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _line(problem: Problem) -> str:
    if problem.severity == "warning":
        return f"{problem.file}:{problem.line}: warning: {problem.message}"
    return str(problem)


def check_path(path: Path) -> list[CourseLoad]:
    """Load the course folder at ``path``, or every course when it is a content root."""
    path = path.absolute()
    if (path / "course.yaml").exists() or (path / "modules").is_dir():
        return [load_course(path, content_root=path.parent)]
    if path.parent.name == "modules" and path.suffix == ".md":
        course_dir = path.parent.parent
        return [load_course(course_dir, content_root=course_dir.parent)]
    return load_all(path)


def _add_learner_data_problems(loads: list[CourseLoad], url: str) -> None:
    """Compare the files with the database at ``url``: ids that vanished while learners
    have data."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (
        parsed.database and Path(parsed.database).exists()
    ):
        return  # no database yet: nothing learners could have written
    engine = make_engine(url)
    try:
        if not database_ready(engine):
            return
        with open_session(engine=engine) as session:
            for load in loads:
                if load.course is not None:
                    load.problems.extend(orphaned_learner_data(session, course=load.course))
    except SQLAlchemyError as exc:
        for load in loads:
            load.problems.append(
                Problem(
                    f"{load.slug}/course.yaml",
                    0,
                    f"could not compare with the database: {exc.__class__.__name__}",
                    "warning",
                )
            )
    finally:
        engine.dispose()


def _as_json(loads: list[CourseLoad]) -> str:
    return json.dumps(
        {
            "courses": [
                {
                    "slug": load.slug,
                    "loaded": load.course is not None,
                    "version": load.course.version if load.course else None,
                    "seconds": round(load.seconds, 4),
                    "problems": [
                        {
                            "file": p.file,
                            "line": p.line,
                            "message": p.message,
                            "severity": p.severity,
                        }
                        for p in load.problems
                    ],
                }
                for load in loads
            ],
            "errors": sum(len(load.errors) for load in loads),
            "warnings": sum(len(load.warnings) for load in loads),
        },
        indent=2,
    )


@content_app.command("check")
def check(
    path: Path | None = typer.Argument(
        None, help="A course folder or the content root (default: the configured content_dir)."
    ),
    output: OutputFormat = typer.Option(
        OutputFormat.text, "--format", help="text (file:line: message) or json."
    ),
    database: bool = typer.Option(
        True,
        "--database/--no-database",
        help="Also report changed ids that learners have data for (needs the database).",
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Exit 1 on warnings too (CI: verdict words, near misses)."
    ),
) -> None:
    """Validate course content; exit 1 when any course has an error (or, with --strict, a
    warning)."""
    settings = get_settings()
    if path is None:
        path = settings.content_dir
    if not path.exists():
        typer.echo(f"{path}: no such file or folder", err=True)
        raise typer.Exit(2)
    loads = check_path(path)
    if database:
        _add_learner_data_problems(loads, settings.database_url)
    errors = sum(len(load.errors) for load in loads)
    warnings = sum(len(load.warnings) for load in loads)
    if output is OutputFormat.json:
        typer.echo(_as_json(loads))
    else:
        for load in loads:
            for problem in load.problems:
                typer.echo(_line(problem))
        loaded = sum(1 for load in loads if load.course is not None)
        typer.echo(
            f"{len(loads)} course(s) checked: {loaded} OK, {len(loads) - loaded} with errors "
            f"({errors} error(s), {warnings} warning(s))",
            err=bool(errors),
        )
    if not loads:
        typer.echo(f"{path}: no course folders found", err=True)
    failed = errors or not loads or (strict and warnings)
    raise typer.Exit(1 if failed else 0)


@content_app.command("sync")
def sync() -> None:
    """Load the courses of the content folder and sync them to the database; every running
    instance serves the new versions within GROUNDWORK_CONTENT_CHECK_SECONDS. Exit 1 when
    a course has errors (it is not synced) or the database is not migrated."""
    settings = get_settings()
    registry = build_registry(settings.content_dir)
    for problem in registry.problems:
        typer.echo(_line(problem), err=problem.severity == "error")
    with engine_for(settings.database_url) as engine:
        if not database_ready(engine):
            typer.echo("The database has no tables yet: run 'groundwork db upgrade'.", err=True)
            raise typer.Exit(1)
        reports = sync_courses(engine, list(registry.courses.values()))
    for slug, course in sorted(registry.courses.items()):
        state = "synced" if slug in reports else "NOT synced"
        typer.echo(f"{slug}: version {course.version[:12]} {state}")
    raise typer.Exit(1 if registry.has_errors or len(reports) < len(registry.courses) else 0)
