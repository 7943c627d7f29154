"""Delivering webhooks inside the web process, for development (production runs
``groundwork worker``). ``GROUNDWORK_WEBHOOK_DELIVERY`` chooses: ``auto`` delivers in the
background in development only."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy import Engine

from app.app_settings import settings_of
from app.config import Settings
from app.webhooks.delivery import deliver_due

log = logging.getLogger("groundwork.webhooks")
INTERVAL_SECONDS = 2.0


def background_wanted(settings: Settings) -> bool:
    if settings.webhook_delivery == "auto":
        return settings.environment == "development"
    return settings.webhook_delivery == "background"


@dataclass
class PeriodicJob:
    """Work the worker loop runs every ``every`` seconds beside the deliveries."""

    name: str
    every: float
    run: Callable[[], object]
    next_at: float = 0.0  # time.monotonic() of the next run; 0: at the first round


# Other senders that share the outbox (xAPI statements) register a round here: the
# worker and the in-process thread run each after the webhooks' own, so one loop (and
# one ``groundwork worker``) delivers everything.
_ROUNDS: dict[str, Callable[[Engine, Settings], int]] = {}


def register_round(name: str, deliver: Callable[[Engine, Settings], int]) -> None:
    """Have the worker call ``deliver(engine, settings)`` every round (once per name)."""
    _ROUNDS[name] = deliver


def deliver_round(engine: Engine, settings: Settings) -> dict[str, int]:
    """One round: webhooks, then each registered sender; how many each sent. An error in
    one sender is logged and the others still run."""
    sent = {"webhooks": deliver_due(engine, settings)}
    for name, deliver in _ROUNDS.items():
        try:
            sent[name] = deliver(engine, settings)
        except Exception:  # one sender's bad round never stops the others
            log.exception("%s delivery round failed", name)
    return sent


def run_worker(
    engine: Engine,
    settings: Settings,
    stop: threading.Event,
    interval: float = INTERVAL_SECONDS,
    jobs: Sequence[PeriodicJob] = (),
) -> None:
    """Deliver (and run each job when it is due) until ``stop`` is set; an error is logged
    and the loop goes on."""
    while not stop.is_set():
        try:
            deliver_round(engine, settings)
        except Exception:  # the loop must outlive one bad round (a busy database, a bug)
            log.exception("Webhook delivery round failed")
        for job in jobs:
            if time.monotonic() >= job.next_at:
                job.next_at = time.monotonic() + job.every
                try:
                    job.run()
                except Exception:  # as above: one bad round never stops the worker
                    log.exception("%s round failed", job.name)
        stop.wait(interval)


def start_background(app: FastAPI) -> None:
    """Start the in-process delivery thread when the settings ask for it."""
    if not background_wanted(settings_of(app)):
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker,
        args=(app.state.engine, settings_of(app), stop),
        name="webhooks",
        daemon=True,
    )
    thread.start()
    app.state.webhook_worker = (thread, stop)


def stop_background(app: FastAPI) -> None:
    found = getattr(app.state, "webhook_worker", None)
    if found is not None:
        thread, stop = found
        stop.set()
        thread.join(timeout=15)
        app.state.webhook_worker = None
