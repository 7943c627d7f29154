"""Content at run time: load and sync at start-up, and in development reload on file change.

The watcher runs in a thread (watchfiles). On a change it rebuilds the registry with the
previous one as fallback (a bad edit keeps the last good version for learners while authors
see the errors on /author/content), syncs the courses to the database and swaps
``app.state.registry`` in one assignment, so requests never see a half-built registry.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine
from watchfiles import watch

from app.app_settings import settings_of
from app.content.registry import Registry, build_registry
from app.content.sync import database_ready, sync_courses

log = logging.getLogger("groundwork.content")

_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], Registry]] = {}
_cache_lock = threading.Lock()


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    entries: list[tuple[str, int, int]] = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def cached_registry(content_root: Path) -> Registry:
    """A registry for ``content_root``, reused while no file under it has changed.

    Many apps are created per process in tests; the content is parsed once for all of them.
    """
    key = content_root.resolve()
    with _cache_lock:
        fingerprint = _fingerprint(key)
        hit = _cache.get(key)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
        registry = build_registry(content_root, previous=hit[1] if hit else None)
        _cache[key] = (fingerprint, registry)
        return registry


def reload_content(app: FastAPI) -> Registry:
    """Rebuild the registry from the files (keeping last good versions) and sync it."""
    previous: Registry | None = getattr(app.state, "registry", None)
    registry = build_registry(settings_of(app).content_dir, previous=previous)
    _sync(app.state.engine, registry)
    app.state.registry = registry
    log.info(
        "Content reloaded: %d course(s) served, %d problem(s)",
        len(registry.courses),
        len(registry.problems),
    )
    return registry


def _sync(engine: Engine, registry: Registry) -> None:
    if database_ready(engine):
        sync_courses(engine, list(registry.courses.values()))
    else:
        log.warning("Content not synced: the database has no tables yet (groundwork db upgrade)")


def _watch(app: FastAPI, stop: threading.Event) -> None:
    root = settings_of(app).content_dir
    for _changes in watch(root, stop_event=stop, debounce=300, rust_timeout=500, recursive=True):
        try:
            reload_content(app)
        except Exception:  # the watcher must survive anything an edit can do
            log.exception("Content reload failed; still serving the previous version")


def start_content(app: FastAPI) -> None:
    """Start-up: load every course, sync it to the database, watch files in development."""
    settings = settings_of(app)
    registry = cached_registry(settings.content_dir)
    app.state.registry = registry
    _sync(app.state.engine, registry)
    running = getattr(app.state, "content_watcher", None)
    if running is not None and running[0].is_alive():
        return  # a second lifespan of this app (tests): one watcher, or the first one leaks
    if settings.environment == "development" and Path(settings.content_dir).is_dir():
        stop = threading.Event()
        thread = threading.Thread(
            target=_watch, args=(app, stop), name="content-watcher", daemon=True
        )
        thread.start()
        app.state.content_watcher = (thread, stop)


def stop_content(app: FastAPI) -> None:
    """Shut-down: stop the development watcher, if one runs."""
    watcher = getattr(app.state, "content_watcher", None)
    if watcher is not None:
        thread, stop = watcher
        stop.set()
        thread.join(timeout=5)
        app.state.content_watcher = None


async def get_registry(request: Request) -> Registry:
    """The application's current registry (read per request: reloads swap it)."""
    registry: Registry | None = getattr(request.app.state, "registry", None)
    if registry is None:  # an app used without its lifespan (some tests)
        registry = cached_registry(settings_of(request.app).content_dir)
        request.app.state.registry = registry
    return registry


RegistryDep = Annotated[Registry, Depends(get_registry)]
