"""`groundwork webhooks …` and `groundwork worker`."""

from __future__ import annotations

import signal
import threading

import typer

from app.community import digest
from app.config import get_settings
from app.db import engine_for, utcnow, write_session
from app.lti import ags as lti_ags
from app.lti import launch as lti_launch
from app.notifications import reminders
from app.webhooks import service
from app.webhooks.runtime import INTERVAL_SECONDS, PeriodicJob, deliver_round, run_worker

webhooks_app = typer.Typer(help="Signed webhooks to partner systems.", no_args_is_help=True)


@webhooks_app.command("add")
def webhooks_add(
    url: str = typer.Option(..., help="The receiver's https:// URL."),
    events: str = typer.Option(
        ..., help=f"Comma-separated events: {', '.join(service.EVENT_KINDS)}."
    ),
    organization: str = typer.Option(
        "", help="Only this organization's learners (its name); default: all organizations."
    ),
) -> None:
    """Register an endpoint and print its signing secret."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        org_id = None
        if organization:
            org = service.organization_by_name(session, name=organization)
            if org is None:
                typer.echo(f"There is no organization called {organization!r}.", err=True)
                raise typer.Exit(1)
            org_id = org.id
        try:
            endpoint, secret = service.add_endpoint(
                session,
                url=url,
                events=events.split(","),
                organization_id=org_id,
                created_by=None,
                policy=service.url_policy(settings),
                secret_key=settings.secret_key,
            )
        except service.WebhookError as exc:
            typer.echo("; ".join(exc.errors.values()), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"Endpoint {endpoint.id}: {endpoint.url} ({endpoint.events}).")
    typer.echo(f"Signing secret: {secret}")


@webhooks_app.command("list")
def webhooks_list() -> None:
    """Show every endpoint."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine, write_session(engine) as session:
        rows = service.endpoints(session)
    for endpoint, org in rows:
        state = "active" if endpoint.active else "paused"
        scope = org or "all organizations"
        typer.echo(f"{endpoint.id}\t{state}\t{scope}\t{endpoint.events}\t{endpoint.url}")


def worker(
    once: bool = typer.Option(False, help="Deliver what is due now, then stop."),
    interval: float = typer.Option(INTERVAL_SECONDS, help="Seconds between rounds."),
) -> None:
    """Deliver webhooks, xAPI statements and LMS gradebook scores from the outbox; send
    due-date reminders and discussion emails (reply emails, daily and weekly digests) and
    remove expired LTI logins, nonces and launch tickets every few minutes; until stopped
    (Ctrl-C or SIGTERM)."""
    settings = get_settings()
    with engine_for(settings.database_url) as engine:
        if once:
            for name, sent in deliver_round(engine, settings).items():
                typer.echo(f"Sent {sent} {name} deliveries.")
            typer.echo(f"Sent {reminders.run_once(engine, settings, utcnow())} reminders.")
            typer.echo(f"Tried {lti_ags.deliver_due(engine, settings)} LTI scores.")
            pruned = lti_launch.prune_expired(engine)
            typer.echo(f"Removed {pruned} expired LTI logins, nonces and tickets.")
            sent = digest.run_once(engine, settings, utcnow())
            typer.echo(f"Sent {sent} discussion emails.")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        typer.echo(
            "Delivering webhooks, xAPI statements and LTI scores, sending reminders and "
            "discussion emails; Ctrl-C stops."
        )
        job = PeriodicJob(
            "Reminders",
            reminders.INTERVAL_SECONDS,
            lambda: reminders.run_once(engine, settings, utcnow()),
        )
        scores = PeriodicJob("LTI scores", interval, lambda: lti_ags.deliver_due(engine, settings))
        logins = PeriodicJob(
            "Expired LTI logins",
            lti_launch.PRUNE_INTERVAL_SECONDS,
            lambda: lti_launch.prune_expired(engine),
        )
        discussions = PeriodicJob(
            "Discussion emails",
            digest.INTERVAL_SECONDS,
            lambda: digest.run_once(engine, settings, utcnow()),
        )
        try:
            run_worker(engine, settings, stop, interval, jobs=[job, scores, logins, discussions])
        except KeyboardInterrupt:
            stop.set()
