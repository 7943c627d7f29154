"""Every process-wide registry, and the start-up check that none is empty.

Lower layers keep small registries that higher layers fill when they are imported
(docs/architecture.md, "Registries and caches"). A registry left empty would make its
owner answer a default silently (no survey ever "submitted", no kind to render a block),
so the entry points call :func:`verify_registered` before serving or running a command,
and a missing import fails loudly there instead.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app import (
    activities,  # noqa: F401  (activity kinds, progress, surveys, summaries)
    deps,  # noqa: F401  (the login lookup on every request session)
)
from app.accounts.credential_hooks import listener_names
from app.api import tokens  # noqa: F401  (tokens end when a password changes)
from app.content.claims import claim_checker_installed
from app.content.inline_roles import registered_roles
from app.content.kinds import content_listeners, dataset_loader, kind_names, progress_keeper
from app.db import request_session_hooks
from app.learning.progress import survey_condition_registered
from app.reports import catalog
from app.reports.summary_tracking import HOOKS


class RegistryError(RuntimeError):
    """A registry that the application relies on is empty at start-up."""


def _has_progress_keeper() -> bool:
    try:
        progress_keeper()
    except RuntimeError:
        return False
    return True


def _summary_hooks_listening() -> bool:
    return all(event.contains(OrmSession, name, hook) for name, hook in HOOKS)


# (registry, who fills it, check): the table in docs/architecture.md lists the same rows.
REQUIRED: tuple[tuple[str, str, Callable[[], bool]], ...] = (
    (
        "activity kinds",
        "datasets, exercises, reflections",
        lambda: {"explore", "exercise", "reflection"} <= set(kind_names()),
    ),
    ("dataset loader", "datasets.activity", lambda: dataset_loader() is not None),
    ("content listeners", "learning.progress", lambda: bool(content_listeners())),
    ("progress keeper", "learning.progress", _has_progress_keeper),
    ("inline roles", "datasets.inline", lambda: "data" in registered_roles()),
    ("claim checker", "datasets.claims", claim_checker_installed),
    ("survey condition", "surveys.service", survey_condition_registered),
    ("credentials listeners", "api.tokens", lambda: "api-tokens" in listener_names()),
    ("request-session hooks", "deps", lambda: bool(request_session_hooks())),
    ("report summary listeners", "reports.summary_tracking", _summary_hooks_listening),
    ("report catalog", "reports.catalog", lambda: not catalog.problems()),
)


def missing_registrations() -> list[str]:
    """The registries that are empty, each with the module that should fill it."""
    return [f"{name} (filled by app.{owner})" for name, owner, check in REQUIRED if not check()]


def verify_registered() -> None:
    """Raise :class:`RegistryError` naming every empty registry."""
    missing = missing_registrations()
    if missing:
        raise RegistryError(
            "empty at start-up: " + "; ".join(missing) + " (docs/architecture.md, Registries)"
        )
