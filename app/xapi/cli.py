"""`groundwork xapi …`: configure Learning Record Stores."""

from __future__ import annotations

import typer

from app.config import get_settings
from app.db import engine_for, write_session
from app.webhooks import service as webhooks
from app.xapi import service

xapi_app = typer.Typer(help="xAPI statements to a Learning Record Store.", no_args_is_help=True)


@xapi_app.command("add-lrs")
def add_lrs(
    endpoint: str = typer.Option(
        ..., help="The LRS's xAPI base, e.g. https://lrs.example.org/xAPI/."
    ),
    key: str = typer.Option(..., help="The LRS key (basic-auth user name)."),
    secret: str = typer.Option(
        ..., prompt=True, hide_input=True, help="The LRS secret (asked for when left out)."
    ),
    name: str = typer.Option("", help="How the admin page names it; default: the host."),
    organization: str = typer.Option(
        "", help="Only this organization's learners (its name); default: all organizations."
    ),
    identify_by_email: bool = typer.Option(
        False, help="Send learners' email addresses (only if the organization agreed)."
    ),
    mastery_score: float = typer.Option(
        0.8, help="Share of exercises correct that passes a module or course (0 to 1)."
    ),
) -> None:
    """Configure an LRS; learning events from now on are sent to it."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        org_id = None
        if organization:
            org = webhooks.organization_by_name(session, name=organization)
            if org is None:
                typer.echo(f"There is no organization called {organization!r}.", err=True)
                raise typer.Exit(1)
            org_id = org.id
        try:
            lrs = service.add_lrs(
                session,
                name=name or service.default_name(endpoint),
                endpoint=endpoint,
                key=key,
                secret=secret,
                organization_id=org_id,
                send_email=identify_by_email,
                mastery_score=mastery_score,
                created_by=None,
                settings=settings,
            )
        except service.LrsError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
    scope = organization or "all organizations"
    typer.echo(f"LRS {lrs.id} “{lrs.name}”: {lrs.endpoint} for {scope}.")


@xapi_app.command("list")
def list_lrs() -> None:
    """Show every configured LRS (never its secret)."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        rows = service.configurations(session)
    if not rows:
        typer.echo("No LRS is configured; add one with `groundwork xapi add-lrs`.")
    for lrs, org in rows:
        state = "active" if lrs.active else "paused"
        who = "email" if lrs.send_email else "account"
        typer.echo(f"{lrs.id}\t{state}\t{org or 'all organizations'}\t{who}\t{lrs.endpoint}")
