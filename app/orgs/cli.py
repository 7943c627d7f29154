"""`groundwork orgs …`: create organizations, make invitation links, list them."""

from __future__ import annotations

import typer
from sqlmodel import Session

from app.accounts.models import Organization
from app.config import get_settings
from app.db import engine_for, id_of, open_session, write_session
from app.orgs import cohorts, invites
from app.orgs import service as orgs

orgs_app = typer.Typer(help="Organizations, invitation links and cohorts.", no_args_is_help=True)


def _org_or_exit(session: Session, name: str) -> Organization:
    org = orgs.organization_named(session, name=name)
    if org is None:
        typer.echo(
            f"No organization is called {name!r}. `groundwork orgs list` shows them.", err=True
        )
        raise typer.Exit(1)
    return org


@orgs_app.command("create")
def orgs_create(
    name: str = typer.Option(..., help="The organization's name."),
    domain: list[str] = typer.Option(
        [], help="An email domain whose verified addresses may join (repeatable)."
    ),
) -> None:
    """Create an organization, optionally with verified email domains."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        try:
            org = orgs.create_organization(session, name=name, domain_names=domain)
        except orgs.OrgError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
        domains = ", ".join(d.domain for d in orgs.domains(session, organization_id=id_of(org)))
    typer.echo(
        f"Created {org.name} (id {org.id})" + (f" with domains {domains}." if domains else ".")
    )


@orgs_app.command("invite")
def orgs_invite(
    org: str = typer.Option(..., help="The organization's name."),
    cohort: str = typer.Option("", help="A cohort of the organization (its name or code)."),
    max_uses: int | None = typer.Option(None, help="How many people may use the link."),
    expires_days: int | None = typer.Option(None, help="Days until the link expires."),
) -> None:
    """Make an invitation link and print its URL."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        organization = _org_or_exit(session, org)
        cohort_id = None
        if cohort:
            rows = cohorts.cohorts_of(session, organization_id=id_of(organization))
            match = [r.cohort for r in rows if cohort in (r.cohort.name, r.cohort.code)]
            if len(match) != 1:
                names = ", ".join(repr(r.cohort.name) for r in rows) or "none yet"
                typer.echo(
                    f"No single cohort {cohort!r} in {organization.name} (cohorts: {names}).",
                    err=True,
                )
                raise typer.Exit(1)
            cohort_id = id_of(match[0])
        try:
            invite = invites.create_invite(
                session,
                organization_id=id_of(organization),
                cohort_id=cohort_id,
                max_uses=max_uses,
                expires_days=expires_days,
            )
        except orgs.OrgError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"{settings.base_url.rstrip('/')}/join/{invite.code}")


@orgs_app.command("list")
def orgs_list() -> None:
    """Every organization with its domains, members and waiting memberships."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, open_session(engine=engine) as session:
        rows = orgs.overview(session)
    if not rows:
        typer.echo("No organizations yet. Create one with `groundwork orgs create --name …`.")
    for row in rows:
        domains = ", ".join(d.domain for d in row.domains) or "no domains"
        typer.echo(
            f"{row.organization.name}: {row.members} members, {row.waiting} waiting; {domains}"
        )
