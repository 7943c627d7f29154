"""Helpers for migration tests: an Alembic config for an engine, and an emptied database."""

from __future__ import annotations

from alembic.config import Config
from sqlalchemy import text

from app.config import ROOT
from app.db import metadata
from tests.settings_support import make_settings


def _config(engine) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = engine.url.render_as_string(hide_password=False)
    config.attributes["secret_key"] = make_settings().secret_key
    return config


def _empty(engine) -> None:
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
