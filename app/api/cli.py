"""`groundwork tokens …`: personal access tokens from the command line."""

from __future__ import annotations

import typer
from sqlmodel import select

from app.accounts.models import User
from app.accounts.service import normalize_email
from app.api import tokens
from app.api.models import ApiToken
from app.config import get_settings
from app.db import engine_for, write_session

tokens_app = typer.Typer(help="Personal access tokens for the JSON API.", no_args_is_help=True)


@tokens_app.command("create")
def tokens_create(
    email: str = typer.Option(..., help="The account the token acts for."),
    scope: list[str] = typer.Option(
        ..., help="read:me, read:enrollments, read:reports or admin:webhooks (repeatable)."
    ),
    name: str = typer.Option("command line", help="Where the token is used."),
    expires_days: int | None = typer.Option(None, help="Days until it expires (none: never)."),
) -> None:
    """Make a token and print it once (only its hash is kept)."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        owner = session.exec(select(User).where(User.email == normalize_email(email))).first()
        if owner is None:
            typer.echo(f"No account has the email {normalize_email(email)}.", err=True)
            raise typer.Exit(1)
        scopes = [s.strip() for part in scope for s in part.split(",") if s.strip()]
        try:
            row, raw = tokens.create_token(
                session,
                owner=owner,
                name=name,
                scopes=scopes,
                expires_days=expires_days,
                created_by=owner,
            )
        except tokens.TokenError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"Token {row.id} for {owner.email} ({row.scopes}); it is shown only this once:")
    typer.echo(raw)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int = typer.Argument(..., help="The token's number.")) -> None:
    """Revoke a token at once."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            typer.echo(f"There is no token {token_id}.", err=True)
            raise typer.Exit(1)
        owner = session.get(User, row.user_id)
        assert owner is not None
        tokens.revoke_token(session, token_id=token_id, actor=owner)
    typer.echo(f"Token {token_id} is revoked.")
