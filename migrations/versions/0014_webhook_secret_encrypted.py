"""webhook signing secrets encrypted at rest

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-07 16:40:00

``webhook_endpoint.secret`` held each endpoint's signing secret in plain text, and the
admin page showed it again at any time. It becomes ``secret_encrypted``: the same secret
encrypted with ``app/security/secret_box`` under a key derived from GROUNDWORK_SECRET_KEY
(the SSO client secrets' scheme), shown once at registration. Existing rows are encrypted
in place, so registered receivers keep verifying deliveries. The key is the one the
command runs with (``groundwork db upgrade`` passes its settings; plain ``alembic`` reads
GROUNDWORK_SECRET_KEY). Downgrade decrypts them back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from pydantic import SecretStr

from app.config import get_settings
from app.security import secret_box

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PURPOSE = "webhook-signing-secret"  # app.webhooks.service.SECRET_PURPOSE at this revision
endpoint = sa.table(
    "webhook_endpoint",
    sa.column("id", sa.Integer()),
    sa.column("secret", sa.String()),
    sa.column("secret_encrypted", sa.String()),
)


def _key() -> SecretStr:
    given = context.config.attributes.get("secret_key")
    return given if isinstance(given, SecretStr) else get_settings().secret_key


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoint") as batch:
        batch.add_column(sa.Column("secret_encrypted", sa.String(length=300), nullable=True))
    conn = op.get_bind()
    key = _key()
    for row_id, secret in conn.execute(sa.select(endpoint.c.id, endpoint.c.secret)).all():
        sealed = secret_box.encrypt(secret, secret_key=key, purpose=PURPOSE)
        conn.execute(
            endpoint.update().where(endpoint.c.id == row_id).values(secret_encrypted=sealed)
        )
    with op.batch_alter_table("webhook_endpoint") as batch:
        batch.alter_column("secret_encrypted", existing_type=sa.String(length=300), nullable=False)
        batch.drop_column("secret")


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoint") as batch:
        batch.add_column(sa.Column("secret", sa.String(length=100), nullable=True))
    conn = op.get_bind()
    key = _key()
    rows = conn.execute(sa.select(endpoint.c.id, endpoint.c.secret_encrypted)).all()
    for row_id, sealed in rows:
        secret = secret_box.decrypt(sealed, secret_key=key, purpose=PURPOSE)
        conn.execute(endpoint.update().where(endpoint.c.id == row_id).values(secret=secret))
    with op.batch_alter_table("webhook_endpoint") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=100), nullable=False)
        batch.drop_column("secret_encrypted")
