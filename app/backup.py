"""Backups and restores of the database, safe while the server is running.

SQLite: SQLite's online backup API copies a consistent snapshot while other processes keep
writing (WAL mode lets readers and writers proceed together), and restores the same way
into the live file, so open connections see the restored data instead of a file swapped
under them. ``PRAGMA integrity_check`` runs on every copy.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot) and ``pg_restore``; the
programs come with PostgreSQL's client package and must match the server's major version
or be newer.

Either way, the backup's migration revision is read and checked against the code's, so a
restore never leaves a database that this version of Groundwork does not understand.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import URL, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.config import ROOT
from app.db import make_engine, metadata

__all__ = ["BackupError", "BackupReport", "RestoreReport", "backup", "restore"]

_PG_TIMEOUT_SECONDS = 3600


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says what to do."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote and what the check of the copy found."""

    path: Path
    size_bytes: int
    revision: str | None
    integrity: str  # "ok", or the problems PRAGMA integrity_check / pg_restore --list found


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did; ``upgrade_needed`` when the backup predates the code."""

    revision: str | None
    integrity: str
    upgrade_needed: bool


def _heads() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return set(ScriptDirectory.from_config(config).get_heads())


def _known(revision: str) -> bool:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    try:
        return ScriptDirectory.from_config(config).get_revision(revision) is not None
    except (CommandError, RevisionError):  # an unknown or ambiguous id
        return False


def _check_revision(revision: str | None) -> bool:
    """True when an upgrade is needed after restoring a backup at ``revision``."""
    if revision is None:
        raise BackupError(
            "The backup has no migration revision (no alembic_version table): it is not a "
            "Groundwork database, or it was never migrated. Nothing was restored."
        )
    if not _known(revision):
        raise BackupError(
            f"The backup is at migration revision {revision}, which this version of "
            "Groundwork does not know: it was made by a newer version. Install that version "
            "(or newer) before restoring. Nothing was restored."
        )
    return revision not in _heads()


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The database URL names no SQLite file.")
    return Path(url.database)


def _read_only(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _sqlite_integrity(conn: sqlite3.Connection) -> str:
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    problems = [str(r) for r in conn.execute("PRAGMA foreign_key_check").fetchall()]
    if rows == ["ok"] and not problems:
        return "ok"
    return "; ".join([r for r in rows if r != "ok"] + [f"foreign key: {p}" for p in problems])


def _fresh_destination(dest: Path) -> None:
    if dest.exists():
        raise BackupError(f"{dest} already exists: choose a new file name for the backup.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist.")


def _backup_sqlite(url: URL, dest: Path) -> BackupReport:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"There is no database file at {source_path}.")
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(_read_only(source_path), uri=True, timeout=30)
    target = sqlite3.connect(partial)
    try:
        # One step: a single read transaction, so the copy is one consistent snapshot
        # (WAL lets the server go on writing meanwhile).
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        integrity = _sqlite_integrity(target)
        revision = _sqlite_revision(target)
    except sqlite3.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup failed: {exc}") from exc
    finally:
        target.close()
        source.close()
    partial.rename(dest)
    return BackupReport(dest, dest.stat().st_size, revision, integrity)


def _pg_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed, so PostgreSQL cannot be backed up or restored from "
            "here. Install PostgreSQL's client programs (Debian: apt-get install "
            "postgresql-client) at the server's major version or newer, then run this again."
        )
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment: the password goes in the environment, where
    other users' `ps` cannot read it."""
    args = ["--no-password"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 (fixed program, arguments from the settings)
            cmd, env=env, capture_output=True, text=True, timeout=_PG_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{Path(cmd[0]).name} did not finish within an hour.") from exc


def _pg_revision(url: URL) -> str | None:
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        raise BackupError(f"Could not read the database: {exc.__class__.__name__}") from exc
    finally:
        engine.dispose()


def _backup_postgres(url: URL, dest: Path) -> BackupReport:
    pg_dump = _pg_program("pg_dump")
    pg_restore = _pg_program("pg_restore")
    revision = _pg_revision(url)
    args, env = _pg_args(url)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    dumped = _run(
        [pg_dump, *args, "--format=custom", "--file", str(partial), "--dbname", str(url.database)],
        env,
    )
    if dumped.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {dumped.stderr.strip()}")
    listed = _run([pg_restore, "--list", str(partial)], env)
    integrity = "ok" if listed.returncode == 0 else f"unreadable: {listed.stderr.strip()}"
    partial.rename(dest)
    return BackupReport(dest, dest.stat().st_size, revision, integrity)


def backup(database_url: str, dest: Path) -> BackupReport:
    """Copy the database at ``database_url`` to the new file ``dest`` and check the copy."""
    url = make_url(database_url)
    _fresh_destination(dest)
    if _is_sqlite(url):
        return _backup_sqlite(url, dest)
    if url.get_backend_name() == "postgresql":
        return _backup_postgres(url, dest)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {url.get_backend_name()}.")


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(_read_only(path), uri=True, timeout=30)
    try:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        return bool(row and row[0])
    finally:
        conn.close()


def _restore_sqlite(url: URL, source: Path, *, force: bool) -> RestoreReport:
    target_path = _sqlite_path(url)
    backup_conn = sqlite3.connect(_read_only(source), uri=True)
    try:
        integrity = _sqlite_integrity(backup_conn)
        revision = _sqlite_revision(backup_conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite database: {exc}") from exc
    try:
        if integrity != "ok":
            raise BackupError(f"The backup is damaged ({integrity}). Nothing was restored.")
        upgrade_needed = _check_revision(revision)
        if _sqlite_has_tables(target_path) and not force:
            raise BackupError(
                f"{target_path} already holds a database. Restoring replaces everything in "
                "it: stop the server, take a backup of it, then run again with --force."
            )
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            # Into the live file, through SQLite's locks: connections still open see the
            # restored data, never a half-written or swapped file.
            backup_conn.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=WAL")
            after = _sqlite_integrity(target)
            restored = _sqlite_revision(target)
        finally:
            target.close()
    finally:
        backup_conn.close()
    return RestoreReport(restored, after, upgrade_needed)


def _pg_is_busy_or_full(url: URL) -> tuple[int, bool]:
    """(other sessions connected to the database, whether it holds any table)."""
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            others = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            return int(others), bool(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        raise BackupError(
            f"Could not reach the database to restore into ({exc.__class__.__name__}); create "
            "it first (createdb), then run again."
        ) from exc
    finally:
        engine.dispose()


def _dump_revision(pg_restore: str, source: Path, env: dict[str, str]) -> str | None:
    """The migration revision stored in a custom-format dump, read without a database."""
    listed = _run(
        [pg_restore, "--data-only", "--table", "alembic_version", "--file", "-", str(source)],
        env,
    )
    if listed.returncode != 0:
        raise BackupError(f"{source} is not a pg_dump custom-format file: {listed.stderr.strip()}")
    lines = listed.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return value if value and value != "\\." else None
    return None


def _restore_postgres(url: URL, source: Path, *, force: bool) -> RestoreReport:
    pg_restore = _pg_program("pg_restore")
    args, env = _pg_args(url)
    upgrade_needed = _check_revision(_dump_revision(pg_restore, source, env))
    others, has_tables = _pg_is_busy_or_full(url)
    if has_tables and not force:
        raise BackupError(
            f"The database {url.database} already holds tables. Restoring replaces "
            "everything in it: stop the servers, take a backup, then run again with --force."
        )
    if others:
        raise BackupError(
            f"{others} other connection(s) are using {url.database}: stop the Groundwork "
            "servers (and close other clients) before restoring."
        )
    restored = _run(
        [
            pg_restore,
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(url.database),
            str(source),
        ],
        env,
    )
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was changed: {restored.stderr.strip()}")
    return RestoreReport(_pg_revision(url), _pg_integrity(url), upgrade_needed)


def _pg_integrity(url: URL) -> str:
    """Every table the code expects is there (PostgreSQL checks the rest as it restores)."""
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    missing = sorted(set(metadata.tables) - present)
    return "ok" if not missing else f"missing tables: {', '.join(missing)}"


def restore(database_url: str, source: Path, *, force: bool = False) -> RestoreReport:
    """Replace the database at ``database_url`` with the backup ``source``.

    Refuses to replace a database that holds tables unless ``force``; refuses a backup whose
    migration revision this code does not know.
    """
    url = make_url(database_url)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if _is_sqlite(url):
        return _restore_sqlite(url, source, force=force)
    if url.get_backend_name() == "postgresql":
        return _restore_postgres(url, source, force=force)
    raise BackupError(f"Restores support SQLite and PostgreSQL, not {url.get_backend_name()}.")
