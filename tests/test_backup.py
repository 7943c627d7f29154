"""Backups and restores: the restore drill (writes from several threads, a backup taken
during them, restored into a new database), and the refusals that keep data safe.

Runs on SQLite, and again on PostgreSQL with ``--postgres`` where pg_dump is installed.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import select
from typer.testing import CliRunner

from app import backup as backups
from app.accounts.models import LoginFailure
from app.cli import app as cli_app
from app.config import ROOT, get_settings
from app.db import make_engine, open_session, write_session


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _alembic(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def _head() -> str:
    heads = ScriptDirectory.from_config(_alembic("sqlite://")).get_heads()
    assert len(heads) == 1
    return heads[0]


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    """The test's database marked as migrated to head (its tables are the models')."""
    if engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian package postgresql-client)")
    command.stamp(_alembic(_url(engine)), "head")
    return engine


def _keys(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with open_session(engine=engine) as session:
            return set(session.exec(select(LoginFailure.key)).all())
    finally:
        engine.dispose()


def test_restore_drill(migrated: Engine, empty_database_url: str, tmp_path: Path) -> None:
    """Four threads write; a backup is taken meanwhile and restored into a new database:
    integrity holds, the revision matches and every write acknowledged before the backup
    began is there."""
    acknowledged: list[tuple[float, str]] = []
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in itertools.count():
                if stop.is_set():
                    return
                key = f"writer{n}-{i}"
                with write_session(migrated) as session:
                    session.add(LoginFailure(key=key))
                    session.commit()
                with lock:  # the commit returned: the write is acknowledged
                    acknowledged.append((time.monotonic(), key))
        except BaseException as exc:  # noqa: BLE001 (reported by the test below)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 30
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        began = time.monotonic()
        report = backups.backup(_url(migrated), tmp_path / "drill.backup")
        finished = time.monotonic()
        time.sleep(0.1)  # writes go on after the backup too
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors
    before = {key for at, key in acknowledged if at < began}
    after = {key for at, key in acknowledged if at > finished}
    assert len(before) >= 200, "the writers were not running before the backup"
    assert after, "the writers were not running after the backup"
    assert report.integrity == "ok"
    assert report.revision == _head()
    assert report.size_bytes == (tmp_path / "drill.backup").stat().st_size > 0

    restored = backups.restore(empty_database_url, tmp_path / "drill.backup")
    assert (restored.integrity, restored.revision, restored.upgrade_needed) == (
        "ok",
        _head(),
        False,
    )
    keys = _keys(empty_database_url)
    assert before <= keys, f"{len(before - keys)} acknowledged writes missing"
    assert keys <= {key for _, key in acknowledged} | _in_flight(acknowledged)
    command.check(_alembic(empty_database_url))  # the restored schema is the models'


def _in_flight(acknowledged: list[tuple[float, str]]) -> set[str]:
    """Keys committed but not yet recorded when the writers stopped (one per writer)."""
    last: dict[str, int] = {}
    for _, key in acknowledged:
        writer, i = key.split("-")
        last[writer] = max(last.get(writer, -1), int(i))
    return {f"{writer}-{i + 1}" for writer, i in last.items()}


def test_restore_refuses_to_replace_data_without_force(migrated: Engine, tmp_path: Path) -> None:
    with write_session(migrated) as session:
        session.add(LoginFailure(key="in the backup"))
        session.commit()
    backups.backup(_url(migrated), tmp_path / "b.backup")
    with write_session(migrated) as session:
        session.add(LoginFailure(key="written after the backup"))
        session.commit()
    with pytest.raises(backups.BackupError, match="--force"):
        backups.restore(_url(migrated), tmp_path / "b.backup")
    assert _keys(_url(migrated)) == {"in the backup", "written after the backup"}
    with pytest.raises(backups.BackupError, match="already exists"):
        backups.backup(_url(migrated), tmp_path / "b.backup")
    if migrated.dialect.name == "postgresql":
        migrated.dispose()  # the test's own pooled connections would count as "in use"
    report = backups.restore(_url(migrated), tmp_path / "b.backup", force=True)
    assert report.integrity == "ok"
    assert _keys(_url(migrated)) == {"in the backup"}


def _sqlite_backup_at(tmp_path: Path, revision: str | None) -> Path:
    source = tmp_path / "source.db"
    engine = make_engine(f"sqlite:///{source}")
    command.upgrade(_alembic(_url(engine)), "head")
    engine.dispose()
    conn = sqlite3.connect(source)
    if revision is None:
        conn.execute("DROP TABLE alembic_version")
    else:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.commit()
    conn.close()
    backups.backup(f"sqlite:///{source}", tmp_path / "at.backup")
    return tmp_path / "at.backup"


def test_restore_checks_the_migration_revision(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'target.db'}"
    newer = _sqlite_backup_at(tmp_path, "ffffffffffff")
    with pytest.raises(backups.BackupError, match="newer version"):
        backups.restore(target, newer)
    assert not (tmp_path / "target.db").exists()
    (tmp_path / "source.db").unlink()
    newer.unlink()
    unmigrated = _sqlite_backup_at(tmp_path, None)
    with pytest.raises(backups.BackupError, match="no migration revision"):
        backups.restore(target, unmigrated)
    (tmp_path / "source.db").unlink()
    unmigrated.unlink()
    older = _sqlite_backup_at(tmp_path, "0001")
    report = backups.restore(target, older)
    assert report.upgrade_needed
    assert report.revision == "0001"


def test_a_damaged_or_foreign_file_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(backups.BackupError, match="not a SQLite database|damaged"):
        backups.restore(f"sqlite:///{tmp_path / 't.db'}", junk)
    with pytest.raises(backups.BackupError, match="no backup file"):
        backups.restore(f"sqlite:///{tmp_path / 't.db'}", tmp_path / "missing.backup")


def test_postgres_without_pg_dump_says_so(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    url = "postgresql://groundwork:secret@db.internal/groundwork"
    with pytest.raises(backups.BackupError, match="pg_dump is not installed"):
        backups.backup(url, tmp_path / "x.dump")
    (tmp_path / "x.dump").write_bytes(b"PGDMP")
    with pytest.raises(backups.BackupError, match="pg_restore is not installed"):
        backups.restore(url, tmp_path / "x.dump")
    assert not (tmp_path / "x.dump.partial").exists()


def test_cli_backup_and_restore(migrated: Engine, empty_database_url: str, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    with write_session(migrated) as session:
        session.add(LoginFailure(key="through the command line"))
        session.commit()
    runner = CliRunner()
    monkeypatch.setenv("GROUNDWORK_DATABASE_URL", _url(migrated))
    get_settings.cache_clear()
    try:
        done = runner.invoke(cli_app, ["db", "backup", str(tmp_path / "cli.backup")])
        assert done.exit_code == 0, done.output
        assert f"migration revision {_head()}" in done.output
        assert "Integrity check of the copy: ok." in done.output
        again = runner.invoke(cli_app, ["db", "backup", str(tmp_path / "cli.backup")])
        assert again.exit_code == 1
        assert "already exists" in again.output
        monkeypatch.setenv("GROUNDWORK_DATABASE_URL", empty_database_url)
        get_settings.cache_clear()
        restored = runner.invoke(cli_app, ["db", "restore", str(tmp_path / "cli.backup")])
        assert restored.exit_code == 0, restored.output
        assert "integrity ok" in restored.output
        refused = runner.invoke(cli_app, ["db", "restore", str(tmp_path / "cli.backup")])
        assert refused.exit_code == 1
        assert "--force" in refused.output
    finally:
        get_settings.cache_clear()
    assert _keys(empty_database_url) == {"through the command line"}
