"""district sign-in: each organization's OpenID Connect provider, and sign-in attempts

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-07 13:45:00

Two new tables and no change to existing rows. ``sso_provider`` holds one provider per
organization, its client secret encrypted with a key derived from GROUNDWORK_SECRET_KEY;
``sso_login_attempt`` holds each trip to the provider (state hash, nonce, PKCE verifier),
single use and valid for ten minutes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

utc = sa.DateTime(timezone=True)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "sso_provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(20), nullable=False),
        sa.Column("issuer", _text(500), nullable=False),
        sa.Column("client_id", _text(255), nullable=False),
        sa.Column("client_secret_encrypted", _text(2000), nullable=False),
        sa.Column("domains", _text(2000), nullable=False),
        sa.Column("tenant_ids", _text(2000), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_sso_provider_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_provider")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_sso_provider_organization_id")),
    )
    op.create_table(
        "sso_login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", _text(64), nullable=False),
        sa.Column("nonce", _text(128), nullable=False),
        sa.Column("code_verifier", _text(128), nullable=False),
        sa.Column("browser_hash", _text(64), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("next_path", _text(500), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("used_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sso_provider.id"],
            name=op.f("fk_sso_login_attempt_provider_id_sso_provider"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_login_attempt")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_sso_login_attempt_state_hash")),
    )
    op.create_index(op.f("ix_sso_login_attempt_created_at"), "sso_login_attempt", ["created_at"])
    op.create_index(op.f("ix_sso_login_attempt_provider_id"), "sso_login_attempt", ["provider_id"])
    op.create_table(
        "sso_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("subject", _text(255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sso_provider.id"],
            name=op.f("fk_sso_identity_provider_id_sso_provider"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_sso_identity_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identity")),
        sa.UniqueConstraint("provider_id", "subject", name=op.f("uq_sso_identity_provider_id")),
    )
    op.create_index(op.f("ix_sso_identity_provider_id"), "sso_identity", ["provider_id"])
    op.create_index(op.f("ix_sso_identity_user_id"), "sso_identity", ["user_id"])


def downgrade() -> None:
    op.drop_table("sso_identity")
    op.drop_index(op.f("ix_sso_login_attempt_provider_id"), table_name="sso_login_attempt")
    op.drop_index(op.f("ix_sso_login_attempt_created_at"), table_name="sso_login_attempt")
    op.drop_table("sso_login_attempt")
    op.drop_table("sso_provider")
