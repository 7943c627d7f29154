"""``groundwork demo seed``: a demo district so that staff reports have something to show."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from app import tokens
from app.config import Settings, get_settings
from app.content.course import Course
from app.content.registry import build_registry
from app.content.sync import database_ready, sync_courses
from app.db import engine_for, write_session
from app.demo import writer
from app.demo.seed import SeedOptions, SeedRefused, SeedReport, check_database, seed
from app.reports import summary_store
from app.security.passwords import hash_password, password_problem

demo_app = typer.Typer(help="A demo district with realistic activity.", no_args_is_help=True)
PASSWORD_ENV = "GROUNDWORK_DEMO_PASSWORD"  # noqa: S105 (a variable name)


def published_courses(engine: Engine, settings: Settings) -> list[Course]:
    """The published courses of the content folder, synced to the database."""
    registry = build_registry(settings.content_dir)
    courses = registry.published()
    sync_courses(engine, courses)
    return courses


def after_seed(engine: Engine) -> None:
    """What runs once the demo rows are committed, in this order.

    1. The report summaries are rebuilt from the raw rows: the seed writes rows in bulk,
       not through the services that keep the summaries as events happen.
    2. Planner statistics are refreshed (ANALYZE), summaries included.
    """
    with write_session(engine) as session:
        summary_store.rebuild(session)
        session.commit()
    writer.analyze(engine)


def seed_district(
    engine: Engine,
    courses: list[Course],
    *,
    options: SeedOptions,
    password: str,
    settings: Settings,
    on_batch: Callable[[int], None] | None = None,
) -> SeedReport:
    """Seed, then ``after_seed``: the one path the command and the benchmarks take."""
    report = seed(
        engine,
        courses,
        options=options,
        staff_password_hash=hash_password(password, settings=settings),
        # Nobody logs in as a demo learner: one hash of a random secret serves them all.
        learner_password_hash=hash_password(tokens.random_token(), settings=settings),
        on_batch=on_batch,
    )
    after_seed(engine)
    return report


def _anchor(day: str) -> datetime:
    if not day:
        return datetime.combine(date.today(), time.min, tzinfo=UTC)
    try:
        return datetime.combine(date.fromisoformat(day), time.min, tzinfo=UTC)
    except ValueError:
        raise typer.BadParameter("use a date such as 2026-06-30", param_hint="--until") from None


def _password(given: str) -> str:
    secret = given or os.environ.get(PASSWORD_ENV, "")
    if not secret:
        secret = typer.prompt(
            "Password for the demo staff and admin accounts",
            hide_input=True,
            confirmation_prompt=True,
        )
    problem = password_problem(secret)
    if problem is not None:
        typer.echo(problem, err=True)
        raise typer.Exit(1)
    return secret


@demo_app.command("seed")
def seed_command(
    learners: int = typer.Option(..., min=1, max=5_000_000, help="How many learners to make."),
    organizations: int = typer.Option(12, min=1, max=500, help="How many organizations."),
    seed_value: int = typer.Option(1, "--seed", help="Random seed: the same seed, the same data."),
    password: str = typer.Option(
        "", help=f"Password of the staff and admin accounts (else {PASSWORD_ENV} or a prompt)."
    ),
    until: str = typer.Option(
        "", help="Day the demo history ends, YYYY-MM-DD (default: today, UTC)."
    ),
    force: bool = typer.Option(False, "--force", help="Seed even when real accounts exist."),
) -> None:
    """Fill the database with a deterministic demo district and print its staff logins."""
    anchor = _anchor(until)
    settings = get_settings()
    console = Console()
    with engine_for(settings.database_url) as engine:
        if not database_ready(engine):
            typer.echo(
                "The database has no tables yet: run `groundwork db upgrade` first.", err=True
            )
            raise typer.Exit(1)
        try:
            check_database(engine, force=force)  # before asking for a password
        except SeedRefused as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        secret = _password(password)
        courses = published_courses(engine, settings)
        options = SeedOptions(
            learners=learners, organizations=organizations, seed=seed_value, anchor=anchor,
            force=force,
        )  # fmt: skip
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("Learners", total=learners)
            try:
                report = seed_district(
                    engine,
                    courses,
                    options=options,
                    password=secret,
                    settings=settings,
                    on_batch=lambda done: bar.update(task, completed=done),
                )
            except SeedRefused as exc:
                typer.echo(str(exc), err=True)
                raise typer.Exit(1) from None
    _print_report(console, report)


def _print_report(console: Console, report: SeedReport) -> None:
    console.print(
        f"Made {report.learners:,} learners and {report.enrollments:,} enrollments "
        f"({sum(report.rows.values()):,} rows) in {report.seconds:,.1f} s."
    )
    table = Table(title="Demo logins (password: the one you gave)")
    table.add_column("email", no_wrap=True)
    table.add_column("role")
    table.add_column("sees")
    for login in report.logins:
        table.add_row(login.email, login.role, login.scope)
    console.print(table)
    console.print("Open /staff/reports after logging in as one of them.")
