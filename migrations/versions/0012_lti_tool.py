"""LTI 1.3 tool: platforms, deployments, the tool's keys, logins, launches and scores

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07 16:10:00

New tables only; no existing row changes. ``lti_platform`` (one organization's LMS, its
JWKS cached), ``lti_deployment``, ``lti_tool_key`` (the tool's RSA keys, private halves
sealed with a key derived from GROUNDWORK_SECRET_KEY), ``lti_login`` and ``lti_nonce``
(single use), ``lti_launch_ticket`` and ``lti_deep_link`` (one-time tokens, hashed),
``lti_platform_user``, ``lti_context``, ``lti_resource_link`` and ``lti_score`` (the
gradebook outbox).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

utc = sa.DateTime(timezone=True)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "lti_platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("issuer", _text(500), nullable=False),
        sa.Column("client_id", _text(255), nullable=False),
        sa.Column("auth_login_url", _text(2000), nullable=False),
        sa.Column("token_url", _text(2000), nullable=False),
        sa.Column("jwks_url", _text(2000), nullable=False),
        sa.Column("jwks_cache", sa.Text(), nullable=True),
        sa.Column("jwks_fetched_at", utc, nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_lti_platform_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platform")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_lti_platform_issuer")),
    )
    op.create_index(op.f("ix_lti_platform_organization_id"), "lti_platform", ["organization_id"])
    op.create_table(
        "lti_deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", _text(255), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_deployment_platform_id_lti_platform"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_deployment")),
        sa.UniqueConstraint(
            "platform_id", "deployment_id", name=op.f("uq_lti_deployment_platform_id")
        ),
    )
    op.create_index(op.f("ix_lti_deployment_platform_id"), "lti_deployment", ["platform_id"])
    op.create_table(
        "lti_tool_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", _text(100), nullable=False),
        sa.Column("private_key_encrypted", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("retired_at", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_tool_key")),
        sa.UniqueConstraint("kid", name=op.f("uq_lti_tool_key_kid")),
    )
    op.create_index(op.f("ix_lti_tool_key_active"), "lti_tool_key", ["active"])
    op.create_table(
        "lti_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", _text(64), nullable=False),
        sa.Column("nonce", _text(128), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("target_link_uri", _text(2000), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("expires_at", utc, nullable=False),
        sa.Column("used_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platform.id"], name=op.f("fk_lti_login_platform_id_lti_platform")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_login")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_lti_login_state_hash")),
        sa.UniqueConstraint("nonce", name=op.f("uq_lti_login_nonce")),
    )
    op.create_index(op.f("ix_lti_login_created_at"), "lti_login", ["created_at"])
    op.create_index(op.f("ix_lti_login_platform_id"), "lti_login", ["platform_id"])
    op.create_table(
        "lti_nonce",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("nonce", _text(255), nullable=False),
        sa.Column("expires_at", utc, nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platform.id"], name=op.f("fk_lti_nonce_platform_id_lti_platform")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_nonce")),
        sa.UniqueConstraint("platform_id", "nonce", name=op.f("uq_lti_nonce_platform_id")),
    )
    op.create_index(op.f("ix_lti_nonce_expires_at"), "lti_nonce", ["expires_at"])
    op.create_index(op.f("ix_lti_nonce_platform_id"), "lti_nonce", ["platform_id"])
    op.create_table(
        "lti_launch_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _text(64), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target_path", _text(500), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("expires_at", utc, nullable=False),
        sa.Column("used_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_launch_ticket_platform_id_lti_platform"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_lti_launch_ticket_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_launch_ticket")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_lti_launch_ticket_token_hash")),
    )
    op.create_index(op.f("ix_lti_launch_ticket_platform_id"), "lti_launch_ticket", ["platform_id"])
    op.create_index(op.f("ix_lti_launch_ticket_user_id"), "lti_launch_ticket", ["user_id"])
    op.create_table(
        "lti_platform_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("subject", _text(255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_platform_user_platform_id_lti_platform"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_lti_platform_user_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platform_user")),
        sa.UniqueConstraint(
            "platform_id", "subject", name=op.f("uq_lti_platform_user_platform_id")
        ),
    )
    op.create_index(op.f("ix_lti_platform_user_platform_id"), "lti_platform_user", ["platform_id"])
    op.create_index(op.f("ix_lti_platform_user_user_id"), "lti_platform_user", ["user_id"])
    op.create_table(
        "lti_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", _text(255), nullable=False),
        sa.Column("title", _text(255), nullable=False),
        sa.Column("cohort_code", _text(64), nullable=True),
        sa.Column("memberships_url", _text(2000), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_context_platform_id_lti_platform"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_context")),
        sa.UniqueConstraint("platform_id", "context_id", name=op.f("uq_lti_context_platform_id")),
    )
    op.create_index(op.f("ix_lti_context_platform_id"), "lti_context", ["platform_id"])
    op.create_table(
        "lti_deep_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _text(64), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", _text(255), nullable=False),
        sa.Column("return_url", _text(2000), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("expires_at", utc, nullable=False),
        sa.Column("used_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["context_id"], ["lti_context.id"], name=op.f("fk_lti_deep_link_context_id_lti_context")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_deep_link_platform_id_lti_platform"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_lti_deep_link_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_deep_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_lti_deep_link_token_hash")),
    )
    op.create_index(op.f("ix_lti_deep_link_platform_id"), "lti_deep_link", ["platform_id"])
    op.create_index(op.f("ix_lti_deep_link_user_id"), "lti_deep_link", ["user_id"])
    op.create_table(
        "lti_resource_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", _text(255), nullable=False),
        sa.Column("resource_link_id", _text(255), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=True),
        sa.Column("title", _text(255), nullable=False),
        sa.Column("course_slug", _text(100), nullable=False),
        sa.Column("module_slug", _text(100), nullable=True),
        sa.Column("lineitem_url", _text(2000), nullable=True),
        sa.Column("lineitems_url", _text(2000), nullable=True),
        sa.Column("ags_scopes", _text(1000), nullable=False),
        sa.Column("score_mode", _text(20), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lti_context.id"],
            name=op.f("fk_lti_resource_link_context_id_lti_context"),
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platform.id"],
            name=op.f("fk_lti_resource_link_platform_id_lti_platform"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_resource_link")),
        sa.UniqueConstraint(
            "platform_id", "resource_link_id", name=op.f("uq_lti_resource_link_platform_id")
        ),
    )
    op.create_index(op.f("ix_lti_resource_link_context_id"), "lti_resource_link", ["context_id"])
    op.create_index(op.f("ix_lti_resource_link_platform_id"), "lti_resource_link", ["platform_id"])
    op.create_table(
        "lti_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("activity_progress", _text(20), nullable=False),
        sa.Column("grading_progress", _text(20), nullable=False),
        sa.Column("status", _text(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", utc, nullable=False),
        sa.Column("last_attempt_at", utc, nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", _text(500), nullable=True),
        sa.Column("sent_at", utc, nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_link_id"],
            ["lti_resource_link.id"],
            name=op.f("fk_lti_score_resource_link_id_lti_resource_link"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_lti_score_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_score")),
    )
    op.create_index(op.f("ix_lti_score_next_attempt_at"), "lti_score", ["next_attempt_at"])
    op.create_index(op.f("ix_lti_score_resource_link_id"), "lti_score", ["resource_link_id"])
    op.create_index(op.f("ix_lti_score_status"), "lti_score", ["status"])
    op.create_index(op.f("ix_lti_score_user_id"), "lti_score", ["user_id"])
    _upgrade_services()


def _upgrade_services() -> None:
    """LTI Advantage services (app/lti/roster_models.py): the gradebook outbox's event marks
    and the rosters synced from the platforms."""
    op.create_table(
        "lti_event_mark",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_lti_event_mark")),
    )
    op.create_table(
        "lti_roster_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.Integer(), nullable=False),
        sa.Column("subject", _text(255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", _text(200), nullable=False),
        sa.Column("email", _text(320), nullable=False),
        sa.Column("instructor", sa.Boolean(), nullable=False),
        sa.Column("status", _text(20), nullable=False),
        sa.Column("note", _text(300), nullable=False),
        sa.Column("synced_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["context_id"],
            ["lti_context.id"],
            name=op.f("fk_lti_roster_member_context_id_lti_context"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_lti_roster_member_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_roster_member")),
        sa.UniqueConstraint("context_id", "subject", name=op.f("uq_lti_roster_member_context_id")),
    )
    op.create_index(op.f("ix_lti_roster_member_context_id"), "lti_roster_member", ["context_id"])
    op.create_index(op.f("ix_lti_roster_member_user_id"), "lti_roster_member", ["user_id"])


def downgrade() -> None:
    op.drop_table("lti_roster_member")
    op.drop_table("lti_event_mark")
    op.drop_table("lti_score")
    op.drop_table("lti_resource_link")
    op.drop_table("lti_deep_link")
    op.drop_table("lti_context")
    op.drop_table("lti_platform_user")
    op.drop_table("lti_launch_ticket")
    op.drop_table("lti_nonce")
    op.drop_table("lti_login")
    op.drop_table("lti_tool_key")
    op.drop_table("lti_deployment")
    op.drop_table("lti_platform")
