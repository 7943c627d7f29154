"""SQLite runs with WAL, a busy timeout and foreign keys; concurrent writers never see
"database is locked"; the CLI creates users and sets roles."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.accounts.models import LoginFailure, User
from app.config import ROOT
from app.db import make_engine, open_session


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def _writer(url: str, n: int) -> int:
    engine = make_engine(url)
    for i in range(n):
        # Read first, then write: the pattern that fails under deferred transactions.
        with open_session(write=True, engine=engine) as session:
            session.exec(select(LoginFailure).limit(1)).all()
            session.add(LoginFailure(key=f"w{os.getpid()}-{i}"))
            session.commit()
    return n


def test_concurrent_writer_processes_never_fail_with_locked(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking only")
    url = engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        done = pool.starmap(_writer, [(url, 60)] * 4)
    assert sum(done) == 240
    with open_session(engine=engine) as session:
        assert len(session.exec(select(LoginFailure)).all()) == 240


def test_cli_creates_an_admin_and_sets_roles(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    env = {
        **os.environ,
        "GROUNDWORK_DATABASE_URL": url,
        "GROUNDWORK_NEW_PASSWORD": "first admin pw",
    }
    cli = [sys.executable, "-m", "app.cli"]
    run = subprocess.run(
        [*cli, "users", "create", "--email", "Boss@Example.org", "--role", "admin"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    again = subprocess.run(
        [*cli, "users", "create", "--email", "boss@example.org"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
    setrole = subprocess.run(
        [*cli, "users", "set-role", "--email", "boss@example.org", "--role", "staff"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert setrole.returncode == 0, setrole.stderr
    with open_session(engine=engine) as session:
        user = session.exec(select(User)).one()
    assert (user.email, user.role) == ("boss@example.org", "staff")
