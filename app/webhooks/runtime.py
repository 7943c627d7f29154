"""Delivering webhooks inside the web process, for development (production runs
``groundwork worker``). ``GROUNDWORK_WEBHOOK_DELIVERY`` chooses: ``auto`` delivers in the
background in development only."""

from __future__ import annotations

import logging
import threading

from fastapi import FastAPI
from sqlalchemy import Engine

from app.config import Settings
from app.webhooks.delivery import deliver_due

log = logging.getLogger("groundwork.webhooks")
INTERVAL_SECONDS = 2.0


def background_wanted(settings: Settings) -> bool:
    if settings.webhook_delivery == "auto":
        return settings.environment == "development"
    return settings.webhook_delivery == "background"


def run_worker(
    engine: Engine, settings: Settings, stop: threading.Event, interval: float = INTERVAL_SECONDS
) -> None:
    """Deliver until ``stop`` is set; an error is logged and the loop goes on."""
    while not stop.is_set():
        try:
            deliver_due(engine, settings)
        except Exception:  # the loop must outlive one bad round (a busy database, a bug)
            log.exception("Webhook delivery round failed")
        stop.wait(interval)


def start_background(app: FastAPI) -> None:
    """Start the in-process delivery thread when the settings ask for it."""
    if not background_wanted(app.state.settings):
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker,
        args=(app.state.engine, app.state.settings, stop),
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
