"""The one place that reads the settings ``create_app`` keeps on the application.

Routes take them as ``SettingsDep`` (re-exported by ``app/deps.py``); code that holds the
application rather than a request (lifespan start-up, exception handlers) calls
``settings_of(app)``. ``tests/test_one_home.py`` fails when ``app.state.settings`` is read
anywhere else. It sits in the lowest layer so that every package's dependencies can use it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.applications import Starlette

from app.config import Settings


def settings_of(app: Starlette) -> Settings:
    """The settings ``create_app`` was given."""
    settings: Settings = app.state.settings
    return settings


async def _settings(request: Request) -> Settings:
    return settings_of(request.app)


# The settings create_app was given: routes read them here, never from the environment.
SettingsDep = Annotated[Settings, Depends(_settings)]
