"""Strict date and date-time query parameters for the API.

Pydantic's lax mode reads a number as a Unix timestamp, so ``updated_since=2024`` meant
1970-01-01T00:33:44Z and ``enrolled_to=0`` meant 1970-01-01: a silent 200 for a typo.
These types accept ISO 8601 text only (``2026-03-01``; ``2026-03-01T00:00:00Z``) and
answer 422 otherwise. Every date or time the API reads uses them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?"
)


def _iso_date(value: object) -> object:
    if isinstance(value, str) and _DATE.fullmatch(value):
        return value
    raise ValueError("Give a date as YYYY-MM-DD, e.g. 2026-03-01.")


def _iso_datetime(value: object) -> object:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        return value
    raise ValueError("Give a time as ISO 8601 with a time zone, e.g. 2026-03-01T00:00:00Z.")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
