"""Helpers for the district inquiry tests: a good form, and sending it."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import OutboxEmail
from app.inquiries.models import DistrictInquiry
from tests.helpers import post_form

FORM_URL = "/bring-groundwork"
GOOD: dict[str, str] = {
    "name": "Rosa Alvarez",
    "job_title": "Director of assessment",
    "district": "Lakeview Unified",
    "district_size": "10000_50000",
    "email": "rosa.alvarez@lakeview.example.org",
    "message": "We would like our 40 instructional coaches\nto take the course together.",
    "website": "",
}


def send(client: TestClient, **changes: Any) -> httpx.Response:
    """POST the inquiry form with good values, ``changes`` applied."""
    return post_form(client, FORM_URL, {**GOOD, **changes})


def stored(session: Session) -> list[DistrictInquiry]:
    session.commit()  # a new transaction, and fresh objects: what the app wrote since
    session.expire_all()
    return list(session.exec(select(DistrictInquiry).order_by(col(DistrictInquiry.id))))


def outbox(session: Session) -> list[OutboxEmail]:
    session.commit()  # a new transaction, and fresh objects: what the app wrote since
    session.expire_all()
    return list(session.exec(select(OutboxEmail).order_by(col(OutboxEmail.id))))
