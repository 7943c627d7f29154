"""Content at run time: load and sync at start-up, and in development reload on file change.

The watcher runs in a thread (watchfiles). On a change it rebuilds the registry with the
previous one as fallback (a bad edit keeps the last good version for learners while authors
see the errors on /author/content), syncs the courses to the database and swaps
``app.state.registry`` in one assignment, so requests never see a half-built registry.

With several instances (or worker processes), each holds its own registry. The database
holds the version each course was last synced at (``course.content_hash``): every
``GROUNDWORK_CONTENT_CHECK_SECONDS`` a thread of each process reads those versions (one
small SELECT) and, when another process or ``groundwork content sync`` has synced a
version this one does not serve, rebuilds its registry from its own files and swaps it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine
from watchfiles import watch

from app.app_settings import settings_of
from app.content.registry import Registry, build_registry
from app.content.sync import database_ready, stored_versions, sync_courses

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


class VersionCheck:
    """Follows the course versions synced to the database, for one app."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.seen: dict[str, str] | None = None

    def run_once(self) -> bool:
        """Compare the database's versions with the served ones; rebuild the registry from
        the files when another process synced a version this one does not serve. True when
        it rebuilt. Each state of the database is acted on once: an instance whose files are
        older (a rolling deploy) keeps serving them, and says so, without rebuilding again."""
        stored = stored_versions(self.app.state.engine)
        if stored == self.seen:
            return False
        self.seen = stored
        registry: Registry = self.app.state.registry
        if all(_served(registry, slug) == version for slug, version in stored.items()):
            return False
        fresh = build_registry(settings_of(self.app).content_dir, previous=registry)
        self.app.state.registry = fresh
        behind = sorted(slug for slug, v in stored.items() if _served(fresh, slug) != v)
        log.info("Content synced elsewhere: registry rebuilt from the files")
        if behind:
            log.warning(
                "The database holds other versions than this instance's files for %s: "
                "deploy the same course_content to every instance",
                ", ".join(behind),
            )
        return True


def _served(registry: Registry, slug: str) -> str | None:
    course = registry.courses.get(slug)
    return course.version if course is not None else None


def _check_versions(check: VersionCheck, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            check.run_once()
        except Exception:  # a busy database or a bad edit must not end the checks
            log.exception("Content version check failed; still serving the current version")


def _start_thread(app: FastAPI, name: str, target: Callable[..., None], *args: object) -> None:
    running = getattr(app.state, name, None)
    if running is not None and running[0].is_alive():
        return  # a second lifespan of this app (tests): one thread, or the first one leaks
    stop = threading.Event()
    thread = threading.Thread(target=target, args=(*args, stop), name=name, daemon=True)
    thread.start()
    setattr(app.state, name, (thread, stop))


def start_content(app: FastAPI) -> None:
    """Start-up: load every course, sync it to the database, watch files in development,
    and follow versions that other processes sync (``content_check_seconds``)."""
    settings = settings_of(app)
    registry = cached_registry(settings.content_dir)
    app.state.registry = registry
    _sync(app.state.engine, registry)
    if settings.environment == "development" and Path(settings.content_dir).is_dir():
        _start_thread(app, "content_watcher", _watch, app)
    if settings.content_check_seconds > 0 and database_ready(app.state.engine):
        check = VersionCheck(app)
        _start_thread(
            app, "content_version_check", _check_versions, check, settings.content_check_seconds
        )


def stop_content(app: FastAPI) -> None:
    """Shut-down: stop the development watcher and the version check, where they run."""
    for name in ("content_watcher", "content_version_check"):
        running = getattr(app.state, name, None)
        if running is not None:
            thread, stop = running
            stop.set()
            thread.join(timeout=5)
            setattr(app.state, name, None)


async def get_registry(request: Request) -> Registry:
    """The application's current registry (read per request: reloads swap it)."""
    registry: Registry | None = getattr(request.app.state, "registry", None)
    if registry is None:  # an app used without its lifespan (some tests)
        registry = cached_registry(settings_of(request.app).content_dir)
        request.app.state.registry = registry
    return registry


RegistryDep = Annotated[Registry, Depends(get_registry)]
