"""`groundwork reports …`: rebuild the report summaries, or check them against the raw rows."""

from __future__ import annotations

import time

import typer

from app.config import get_settings
from app.db import engine_for, open_session, write_session
from app.reports import summary_store as summaries

reports_app = typer.Typer(help="Staff report summaries.", no_args_is_help=True)


@reports_app.command("rebuild")
def reports_rebuild() -> None:
    """Recompute every report summary from the raw rows (safe while the server runs)."""
    started = time.perf_counter()
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        rows = summaries.rebuild(session)
        session.commit()
    typer.echo(f"Rebuilt {rows:,} summary rows in {time.perf_counter() - started:.1f} s.")


@reports_app.command("check")
def reports_check() -> None:
    """Compare the kept summaries with a fresh computation; exit 1 if they differ."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, open_session(engine=engine) as session:
        differences = summaries.drift(session)
    if not differences:
        typer.echo("The report summaries match the raw rows.")
        return
    typer.echo(f"{len(differences):,} summary rows differ from the raw rows:", err=True)
    for key, (kept, actual) in sorted(differences.items())[:20]:
        typer.echo(f"  {key}: kept {kept}, actual {actual}", err=True)
    typer.echo("Run `groundwork reports rebuild` to recompute them.", err=True)
    raise typer.Exit(1)
