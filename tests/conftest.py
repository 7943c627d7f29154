"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL with --postgres),
the app, a test client, and helpers to make users and log in.

``make test`` runs the suite on SQLite, then the database tests (every test that uses the
``engine`` fixture) again with ``--postgres`` against a server this run starts itself.
"""

from __future__ import annotations

import itertools
import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import Phase
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, text
from sqlmodel import Session

from app import models, registries  # noqa: F401  (every table, kind and hook registered)
from app.config import Settings, get_settings
from app.db import make_engine, metadata, open_session
from tests.factories import make_user  # noqa: F401
from tests.helpers import login, post_form  # noqa: F401
from tests.oidc_provider import oidc_provider  # noqa: F401  (the OIDC provider fixture)
from tests.pg_databases import DatabasePool
from tests.pg_server import PostgresServer, PostgresUnavailable
from tests.settings_support import TEST_ENVIRONMENT, export_to_environment, make_settings

# Subprocesses (serve, the CLI as a program) and CLI commands run in-process read these;
# the app under test gets its settings from the ``settings`` fixture instead.
for _name, _value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
_empty_names = itertools.count()

# `make mutants` runs with --hypothesis-profile=mutation: the same examples every run, no
# shrinking (a mutant only needs to fail, not a minimal example) and no deadline (the
# mutation trampolines make every call slower).
hypothesis_settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
)

# The summary mutation check (docs/testing.md) runs with --hypothesis-profile=catch: a fresh
# search every run (no example database), and no shrinking, since a caught mutant only
# needs to fail.
hypothesis_settings.register_profile(
    "catch", database=None, deadline=None, phases=[Phase.explicit, Phase.generate]
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres",
        action="store_true",
        help="run the database tests against a PostgreSQL server started for this run",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Checked here as well as in the fixture: with pytest-xdist this runs in the controller,
    # so a CI run without PostgreSQL stops at once instead of in every worker.
    if config.getoption("--postgres") and os.environ.get("CI"):
        try:
            PostgresServer.check_installed()
        except PostgresUnavailable as exc:
            pytest.exit(f"PostgreSQL is required in CI: {exc}", returncode=1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--postgres"):
        return
    keep = [i for i in items if "engine" in getattr(i, "fixturenames", ())]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest) -> Iterator[PostgresServer | None]:
    if not request.config.getoption("--postgres"):
        yield None
        return
    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        message = f"\n\n*** PostgreSQL IS NOT INSTALLED: {exc} The PostgreSQL run is SKIPPED. ***\n"
        if os.environ.get("CI"):
            pytest.exit("PostgreSQL is required in CI." + message, returncode=1)
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_databases(postgres: PostgresServer | None) -> Iterator[DatabasePool]:
    """Empty databases on this process's PostgreSQL server, reused between tests."""
    assert postgres is not None
    pool = DatabasePool(postgres)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def empty_sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every table and no rows, made once per test process."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    eng = make_engine(f"sqlite:///{path}")
    metadata.create_all(eng)
    eng.dispose()  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture
def engine(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres: PostgresServer | None,
    empty_sqlite_database: Path,
) -> Iterator[Engine]:
    """An empty database with every table, for this test only (on PostgreSQL, an earlier
    test's database emptied again: see tests/pg_databases.py)."""
    if postgres is None:
        # A copy of an empty database: the same as create_all, without its 10-40 ms per test.
        path = tmp_path / "test.db"
        shutil.copyfile(empty_sqlite_database, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    pg_databases: DatabasePool = request.getfixturevalue("pg_databases")
    name = pg_databases.take()
    eng = make_engine(postgres.url(name))
    yield eng
    eng.dispose()
    pg_databases.give_back(name)


@pytest.fixture
def empty_database_url(
    engine: Engine, tmp_path: Path, postgres: PostgresServer | None
) -> Iterator[str]:
    """A second database with no tables at all, for tests that migrate or restore into one:
    a new SQLite file, or a new PostgreSQL database (the test's ``engine`` stays as it is)."""
    if postgres is None:
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    name = f"e_{os.getpid()}_{next(_empty_names)}"
    admin = make_engine(postgres.url("postgres")).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres.url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine=engine) as s:
        yield s


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Settings fields a test folder changes (e.g. ``content_dir``); override this fixture,
    not ``settings``."""
    return {}


@pytest.fixture
def settings(settings_overrides: dict[str, object]) -> Settings:
    """This test's settings, handed to ``create_app``: the suite's values plus overrides."""
    return make_settings(**settings_overrides)


@pytest.fixture
def cli_environment(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine
) -> Iterator[None]:
    """CLI commands run in-process read this test's settings and database (they read the
    environment once at their start, like any entry point)."""
    export_to_environment(
        monkeypatch, settings, database_url=engine.url.render_as_string(hide_password=False)
    )
    yield
    get_settings.cache_clear()


@pytest.fixture
def app(engine: Engine, settings):  # type: ignore[no-untyped-def]
    from app.main import create_app

    return create_app(settings, engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as c:
        yield c
