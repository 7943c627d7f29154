"""Revision 0014 on a database holding endpoints: each plain-text signing secret becomes
the same secret encrypted, so registered receivers keep verifying; downgrade restores it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from app.security import secret_box
from app.webhooks.service import SECRET_PURPOSE
from tests.migration_support import _config, _empty
from tests.settings_support import TEST_SECRET_KEY

SECRETS = {4: "whsec_" + "A" * 43 + "=", 9: "whsec_" + "b" * 43 + "="}


def test_0014_encrypts_existing_secrets_and_downgrade_restores_them(engine) -> None:  # type: ignore[no-untyped-def]
    _empty(engine)
    config = _config(engine)
    command.upgrade(config, "0009")
    with engine.begin() as conn:
        for endpoint_id, secret in SECRETS.items():
            conn.execute(
                text(
                    "INSERT INTO webhook_endpoint (id, url, secret, events, active, created_at)"
                    " VALUES (:id, 'https://hooks.example.org/in', :secret,"
                    " 'enrollment.created', true, CURRENT_TIMESTAMP)"
                ),
                {"id": endpoint_id, "secret": secret},
            )
    command.upgrade(config, "0014")
    columns = {c["name"] for c in inspect(engine).get_columns("webhook_endpoint")}
    assert "secret" not in columns
    assert "secret_encrypted" in columns
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, url, secret_encrypted FROM webhook_endpoint ORDER BY id")
        ).all()
    assert [r[0] for r in rows] == [4, 9]
    assert {r[1] for r in rows} == {"https://hooks.example.org/in"}
    for endpoint_id, _, sealed in rows:
        assert SECRETS[endpoint_id] not in sealed
        plain = secret_box.decrypt(sealed, secret_key=TEST_SECRET_KEY, purpose=SECRET_PURPOSE)
        assert plain == SECRETS[endpoint_id]
    command.downgrade(config, "0009")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT id, secret FROM webhook_endpoint ORDER BY id")).all()
    assert {r[0]: r[1] for r in back} == SECRETS
    command.upgrade(config, "head")
