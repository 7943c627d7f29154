"""`groundwork orgs sso`: set up an organization's district sign-in from the command line."""

from __future__ import annotations

import typer

from app.config import get_settings
from app.db import engine_for, id_of, write_session
from app.orgs import service as orgs
from app.sso import providers
from app.sso.models import ProviderKind


def orgs_sso(
    org: str = typer.Option(..., "--org", help="The organization's name."),
    issuer: str = typer.Option(..., help="The provider's https:// issuer address."),
    client_id: str = typer.Option(..., "--client-id", help="The client id from the provider."),
    client_secret: str = typer.Option(
        ..., "--client-secret", help="The client secret (stored encrypted)."
    ),
    domain: list[str] = typer.Option(
        [], "--domain", help="An email domain allowed to sign in (repeat for more)."
    ),
    kind: ProviderKind = typer.Option(ProviderKind.generic, help="google, entra or generic."),
    tenant: list[str] = typer.Option(
        [], "--tenant", help="An allowed Microsoft Entra tenant id (repeat for more)."
    ),
) -> None:
    """Set up (or replace) an organization's district sign-in (OpenID Connect)."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        found = orgs.organization_named(session, name=org)
        if found is None:
            typer.echo(f"There is no organization called {org!r}.", err=True)
            raise typer.Exit(1)
        # The CLI is an administrator's: it attaches the organization's domains it names
        # (the staff page accepts only domains already attached).
        attached = {d.domain for d in orgs.domains(session, organization_id=id_of(found))}
        for name in domain:
            clean = orgs.clean_domain(name)
            if clean is not None and clean not in attached:
                try:
                    orgs.add_domain(session, organization_id=id_of(found), domain=clean)
                except orgs.OrgError as exc:
                    typer.echo(exc.errors["domain"], err=True)
                    raise typer.Exit(1) from None
                typer.echo(f"Attached {clean} to {found.name}.")
        form = providers.ProviderForm(
            kind=kind.value,
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
            domains=" ".join(domain),
            tenant_ids=" ".join(tenant),
        )
        try:
            providers.save_provider(
                session, settings=settings, organization_id=id_of(found), form=form
            )
        except providers.ProviderError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
        typer.echo(f"District sign-in for {found.name} is saved.")
        typer.echo(
            f"Register this redirect URI at the provider: {providers.redirect_uri(settings)}"
        )
        typer.echo("Sign-in link: " + providers.login_url(settings, organization_id=id_of(found)))
