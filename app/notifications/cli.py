"""`groundwork reminders send`: the reminder job, once (the worker runs it every few minutes)."""

from __future__ import annotations

import typer

from app.config import get_settings
from app.db import engine_for, utcnow
from app.notifications.reminders import run_once

reminders_app = typer.Typer(help="Due-date reminder emails.", no_args_is_help=True)


@reminders_app.command("send")
def reminders_send() -> None:
    """Send the due-date reminders and overdue notices due now (safe beside a worker)."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine:
        sent = run_once(engine, settings, utcnow())
    typer.echo(f"Sent {sent} reminder{'' if sent == 1 else 's'}.")
