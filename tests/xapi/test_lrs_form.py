"""Configuring an LRS: identifying learners by email is one organization's choice."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.xapi import service
from app.xapi.models import LrsConfig


def test_an_lrs_for_all_organizations_never_identifies_by_email(session: Session, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(service.LrsError) as refused:
        service.add_lrs(
            session,
            name="Everyone's LRS",
            endpoint="https://lrs.example.org/xAPI/",
            key="key",
            secret="secret",
            organization_id=None,
            send_email=True,
            mastery_score=0.8,
            created_by=None,
            settings=settings,
        )
    assert "one organization" in refused.value.errors["organization"]
    assert session.exec(select(LrsConfig)).all() == []
