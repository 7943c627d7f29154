"""`groundwork lti`: register LMS platforms and print what their administrators enter."""

from __future__ import annotations

import json

import typer

from app.config import get_settings
from app.db import engine_for, write_session
from app.lti import keys, platforms, tool_config
from app.orgs import service as orgs

lti_app = typer.Typer(help="LTI 1.3: LMS platforms that launch Groundwork.", no_args_is_help=True)


@lti_app.command("add-platform")
def add_platform(
    issuer: str = typer.Option(..., help="The platform's issuer (iss), an https:// address."),
    client_id: str = typer.Option(..., "--client-id", help="The client id the platform gave."),
    deployment_id: str = typer.Option(
        ..., "--deployment-id", help="The deployment id (add the command again for more)."
    ),
    auth_url: str = typer.Option(..., "--auth-url", help="The platform's OIDC auth URL."),
    token_url: str = typer.Option(..., "--token-url", help="The platform's OAuth2 token URL."),
    jwks_url: str = typer.Option(..., "--jwks-url", help="The platform's public key set URL."),
    org: str = typer.Option(..., "--org", help="The organization whose LMS this is."),
) -> None:
    """Register a platform (or add a deployment id to one already registered)."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        organization = orgs.organization_named(session, name=org)
        if organization is None:
            typer.echo(f"There is no organization called {org!r}.", err=True)
            raise typer.Exit(1)
        form = platforms.PlatformForm(
            issuer=issuer,
            client_id=client_id,
            deployment_id=deployment_id,
            auth_url=auth_url,
            token_url=token_url,
            jwks_url=jwks_url,
        )
        try:
            platforms.add_platform(
                session,
                organization=organization,
                form=form,
                allow_loopback_http=settings.lti_allow_loopback_http,
            )
        except platforms.PlatformError as exc:
            for name, message in exc.errors.items():
                typer.echo(f"--{name.replace('_', '-')}: {message}", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"Registered {issuer} (client {client_id}, deployment {deployment_id}) for {org}.")
    typer.echo("Enter these in the platform (`groundwork lti show` prints them again):")
    _print_addresses()


def _print_addresses() -> None:
    for label, url in tool_config.addresses(get_settings()).items():
        typer.echo(f"  {label}: {url}")


@lti_app.command("show")
def show() -> None:
    """Print what a platform administrator enters: URLs and the tool's public key."""
    settings = get_settings()
    _print_addresses()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        jwk = keys.active_public_jwk(session, secret_key=settings.secret_key)
        session.commit()
    typer.echo("  Public key (JWK):")
    typer.echo(json.dumps(jwk, indent=2))


@lti_app.command("rotate-key")
def rotate_key() -> None:
    """Make a new signing key; the old one stays published for a week."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        kid = keys.rotate(session, secret_key=settings.secret_key)
        session.commit()
    typer.echo(f"The tool now signs with key {kid}.")
