"""The PostgreSQL test databases are reused only as good as new (tests/pg_databases.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import make_engine


@pytest.fixture
def pool(engine, postgres, request):  # type: ignore[no-untyped-def]
    if postgres is None:
        pytest.skip("PostgreSQL only (make test's second pass)")
    return request.getfixturevalue("pg_databases")


def _insert_organization(url: str, key: str) -> int:
    eng = make_engine(url)
    try:
        with eng.begin() as conn:
            new_id = conn.execute(
                text(
                    "INSERT INTO organization (name, name_key, created_at)"
                    " VALUES (:key, :key, now()) RETURNING id"
                ),
                {"key": key},
            ).scalar_one()
    finally:
        eng.dispose()
    return int(new_id)


def test_a_database_comes_back_empty_with_ids_from_one(pool, postgres) -> None:  # type: ignore[no-untyped-def]
    name = pool.take()
    url = postgres.url(name)
    assert _insert_organization(url, "a") == 1
    assert _insert_organization(url, "b") == 2
    pool.give_back(name)
    assert pool.take() == name  # reused
    assert _insert_organization(url, "a") == 1  # no rows left, the sequence restarted
    pool.give_back(name)


def test_a_database_whose_schema_changed_is_dropped(pool, postgres) -> None:  # type: ignore[no-untyped-def]
    name = pool.take()
    eng = make_engine(postgres.url(name))
    with eng.begin() as conn:
        conn.execute(text("ALTER TABLE organization ADD COLUMN extra integer"))
    eng.dispose()
    pool.give_back(name)
    assert name not in pool.free
    with pool.admin.connect() as conn:
        exists = conn.execute(
            text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar_one()
    assert exists == 0
