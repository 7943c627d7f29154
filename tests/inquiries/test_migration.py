"""Revision 0008: the inquiry tables, with CHECK constraints that match the model's choices,
and a clean way back down."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.inquiries.models import DistrictSize, InquiryStatus
from tests.migration_support import _config, _empty

_INSERT = (
    "INSERT INTO district_inquiry (name, job_title, district, district_size, email, message,"
    " status, created_at) VALUES ('N', 'R', 'D', :size, 'e@example.org', 'M', :status,"
    " CURRENT_TIMESTAMP)"
)


def test_0008_tables_accept_the_models_choices_and_nothing_else(engine) -> None:
    _empty(engine)
    config = _config(engine)
    command.upgrade(config, "0008")
    with engine.begin() as conn:
        for size in DistrictSize:
            for status in InquiryStatus:
                conn.execute(text(_INSERT), {"size": size.value, "status": status.value})
    for size, status in (("huge", "new"), ("not_sure", "ignored")):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(_INSERT), {"size": size, "status": status})
    with engine.connect() as conn:
        count = conn.execute(text("SELECT COUNT(*) FROM district_inquiry")).scalar()
    assert count == len(DistrictSize) * len(InquiryStatus)


def test_0008_downgrades_to_its_parent(engine) -> None:
    _empty(engine)
    config = _config(engine)
    command.upgrade(config, "0008")
    parent = ScriptDirectory.from_config(config).get_revision("0008").down_revision
    assert isinstance(parent, str)
    command.downgrade(config, parent)
    tables = set(inspect(engine).get_table_names())
    assert "district_inquiry" not in tables
    assert "inquiry_attempt" not in tables
    assert "user_account" in tables
