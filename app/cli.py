"""The `groundwork` command: database, users, content and the web server."""

from __future__ import annotations

import getpass
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from alembic.config import Config

from app import backup as backups
from app.accounts import mail
from app.accounts import service as accounts
from app.accounts.models import Role
from app.api.cli import tokens_app
from app.cartridge.cli import courses_app
from app.config import ROOT, Settings, get_settings
from app.content.cli import content_app
from app.db import engine_for, id_of, open_session, write_session
from app.demo.cli import demo_app
from app.lti.cli import lti_app
from app.notifications.cli import reminders_app
from app.orgs import service as orgs
from app.orgs.cli import orgs_app
from app.orgs.models import Proof
from app.registries import verify_registered
from app.reports.cli import reports_app
from app.sso.cli import orgs_sso
from app.webhooks.cli import webhooks_app, worker
from app.xapi import delivery as xapi_delivery  # noqa: F401  (the worker sends statements too)
from app.xapi.cli import xapi_app

app = typer.Typer(help="Groundwork: a self-paced course platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts and roles.", no_args_is_help=True)
mail_app = typer.Typer(help="Outgoing email.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(mail_app, name="mail")
app.add_typer(content_app, name="content")
app.add_typer(tokens_app, name="tokens")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(reports_app, name="reports")
app.add_typer(demo_app, name="demo")
app.add_typer(reminders_app, name="reminders")
app.add_typer(orgs_app, name="orgs")
app.add_typer(lti_app, name="lti")
app.add_typer(xapi_app, name="xapi")
app.add_typer(courses_app, name="courses")
# District sign-in sits above orgs, so its command joins the group here.
orgs_app.command("sso")(orgs_sso)
app.command("worker")(worker)


@app.callback()
def _start() -> None:
    """Groundwork: a self-paced course platform."""
    # Every registry filled (activity kinds, hooks) before any command runs.
    verify_registered()


# Each command is an entry point: it reads the settings once, at its start, and passes
# them (or the engine made from them) down.


def _alembic_config(settings: Settings) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = settings.database_url
    config.attributes["secret_key"] = settings.secret_key  # 0014 encrypts webhook secrets
    return config


@contextmanager
def _migration_messages() -> Iterator[None]:
    """Alembic's progress lines and the migrations' own warnings (e.g. a value a migration
    had to change) on stderr while the command runs, as ``alembic upgrade`` shows them."""
    logger = logging.getLogger("alembic")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from alembic import command

    with _migration_messages():
        command.upgrade(_alembic_config(get_settings()), revision)
    typer.echo(f"Database upgraded to {revision}.")


@db_app.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    from alembic import command

    command.current(_alembic_config(get_settings()))


@db_app.command("backup")
def db_backup(
    path: Path = typer.Argument(..., help="New file to write the backup to."),
) -> None:
    """Back up the database to PATH (safe while the server runs) and check the copy."""
    try:
        report = backups.backup(get_settings().database_url, path)
    except backups.BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Backed up to {report.path} ({report.size_bytes:,} bytes), migration revision "
        f"{report.revision or 'none'}. Integrity check of the copy: {report.integrity}."
    )
    if report.integrity != "ok":
        raise typer.Exit(2)


@db_app.command("restore")
def db_restore(
    path: Path = typer.Argument(..., help="A file written by `groundwork db backup`."),
    force: bool = typer.Option(False, "--force", help="Replace a database that holds data."),
) -> None:
    """Replace the database with the backup at PATH (checks its integrity and revision)."""
    try:
        report = backups.restore(get_settings().database_url, path, force=force)
    except backups.BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Restored {path}: migration revision {report.revision}, integrity {report.integrity}."
    )
    if report.upgrade_needed:
        typer.echo("The backup predates this version: run `groundwork db upgrade` next.")
    if report.integrity != "ok":
        raise typer.Exit(2)


@users_app.command("create")
def users_create(
    email: str = typer.Option(..., help="The account's email address."),
    role: Role = typer.Option(Role.learner, help="learner, author, staff or admin."),
    name: str = typer.Option("", help="Display name (defaults to the part before @)."),
    organization: str = typer.Option(
        "",
        help="An existing organization to add the account to (as an administrator's act); "
        "for staff, also the one organization their account covers.",
    ),
    password: str = typer.Option(
        "", help="Password; prompted for when omitted (or GROUNDWORK_NEW_PASSWORD)."
    ),
) -> None:
    """Create an account, e.g. the first admin."""
    settings = get_settings()
    secret = password or os.environ.get("GROUNDWORK_NEW_PASSWORD", "")
    if not secret:
        secret = getpass.getpass("Password: ")
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        org = orgs.organization_named(session, name=organization) if organization else None
        if organization and org is None:
            typer.echo(
                f"No organization is called {organization!r}: create it first with "
                "`groundwork orgs create`.",
                err=True,
            )
            raise typer.Exit(1)
        try:
            user = accounts.create_user(
                session,
                settings=settings,
                email=email,
                password=secret,
                display_name=name or email.split("@")[0],
                role=role,
            )
        except accounts.AccountError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
        if org is not None:
            orgs.join(session, user=user, organization_id=id_of(org), proof=Proof.admin)
            if role == Role.staff:  # district staff manage their own organization only
                user.staff_organization_id = id_of(org)
            session.commit()
        elif role == Role.staff:
            typer.echo(
                "Note: this staff account covers every organization. Give --organization to "
                "scope it to one district, or set its scope on /admin/users.",
                err=True,
            )
    typer.echo(f"Created {user.email} with role {user.role}.")


@users_app.command("set-role")
def users_set_role(
    email: str = typer.Option(..., help="The account's email address."),
    role: Role = typer.Option(..., help="learner, author, staff or admin."),
) -> None:
    """Change an account's role."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        try:
            user = accounts.set_role(session, email=email, role=role)
        except accounts.AccountError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"{user.email} now has role {user.role}.")


@mail_app.command("retry")
def mail_retry() -> None:
    """Send the outbox's messages that SMTP could not take before (run it from a timer)."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, open_session(engine=engine) as session:
        try:
            report = mail.deliver_pending(session, settings=settings)
        except mail.MailError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"Sent {report.sent} email(s); {report.still_pending} still waiting.")
    if report.error:
        typer.echo(f"SMTP failed: {report.error}", err=True)
        raise typer.Exit(1)


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", envvar="HOST", help="Address to listen on."),
    port: int = typer.Option(8000, envvar="PORT", help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes (production)."),
    reload: bool = typer.Option(False, help="Development: reload code and course content."),
) -> None:
    """Run the web server (uvicorn with uvloop and httptools)."""
    import uvicorn

    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        reload_dirs=[str(ROOT / "app"), str(ROOT / "templates")] if reload else None,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
    )


if __name__ == "__main__":
    app()
