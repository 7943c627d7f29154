"""community discussions: threads, posts, revisions, flags, moderation log, notifications,
digest bookkeeping, organization settings and guidelines acknowledgements

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07 16:10:00

New tables only (issue 22): no existing row or column changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "community_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("immediate_replies", sa.Boolean(), nullable=False),
        sa.Column("last_period_start", sa.Date(), nullable=True),
        sa.Column("last_sent_at", utc, nullable=True),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_community_digest_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_digest")),
        sa.UniqueConstraint("user_id", name=op.f("uq_community_digest_user_id")),
    )
    op.create_table(
        "community_guidelines_ack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("acknowledged_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_community_guidelines_ack_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_guidelines_ack")),
        sa.UniqueConstraint(
            "user_id", "course_slug", name=op.f("uq_community_guidelines_ack_user_id")
        ),
    )
    with op.batch_alter_table("community_guidelines_ack", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_guidelines_ack_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "community_org_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("allow_anonymous", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_community_org_setting_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_community_org_setting_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_org_setting")),
        sa.UniqueConstraint(
            "organization_id", name=op.f("uq_community_org_setting_organization_id")
        ),
    )
    op.create_table(
        "community_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("module_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("prompt_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("scope_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("scope_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("hidden_at", utc, nullable=True),
        sa.Column("hidden_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "moved_from_module_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True
        ),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.Column("last_posted_at", utc, nullable=False),
        sa.Column("deleted_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_community_thread_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["user_account.id"],
            name=op.f("fk_community_thread_hidden_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_community_thread_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_thread")),
    )
    with op.batch_alter_table("community_thread", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_thread_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_community_thread_listing",
            ["course_slug", "module_id", "scope_kind", "scope_key", "pinned", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_community_thread_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_community_thread_prompt", ["course_slug", "prompt_id"], unique=False
        )

    op.create_table(
        "community_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("is_opening", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("edited_at", utc, nullable=True),
        sa.Column("deleted_at", utc, nullable=True),
        sa.Column("hidden_at", utc, nullable=True),
        sa.Column("hidden_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("endorsed_at", utc, nullable=True),
        sa.Column("endorsed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_community_post_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["endorsed_by_id"],
            ["user_account.id"],
            name=op.f("fk_community_post_endorsed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["user_account.id"],
            name=op.f("fk_community_post_hidden_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["community_thread.id"],
            name=op.f("fk_community_post_thread_id_community_thread"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_post")),
    )
    with op.batch_alter_table("community_post", schema=None) as batch_op:
        batch_op.create_index("ix_community_post_author", ["author_id", "created_at"], unique=False)
        batch_op.create_index("ix_community_post_thread", ["thread_id", "created_at"], unique=False)

    op.create_table(
        "community_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("flagger_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("resolved_at", utc, nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["flagger_id"],
            ["user_account.id"],
            name=op.f("fk_community_flag_flagger_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_post.id"],
            name=op.f("fk_community_flag_post_id_community_post"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["user_account.id"],
            name=op.f("fk_community_flag_resolved_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_flag")),
        sa.UniqueConstraint("post_id", "flagger_id", name=op.f("uq_community_flag_post_id")),
    )
    with op.batch_alter_table("community_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_flag_flagger_id"), ["flagger_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_community_flag_post_id"), ["post_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_community_flag_resolved_at"), ["resolved_at"], unique=False
        )

    op.create_table(
        "community_moderation_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_community_moderation_action_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_post.id"],
            name=op.f("fk_community_moderation_action_post_id_community_post"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["community_thread.id"],
            name=op.f("fk_community_moderation_action_thread_id_community_thread"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_moderation_action")),
    )
    with op.batch_alter_table("community_moderation_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_moderation_action_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_moderation_action_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_moderation_action_post_id"), ["post_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_moderation_action_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "community_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("read_at", utc, nullable=True),
        sa.Column("emailed_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_community_notification_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_post.id"],
            name=op.f("fk_community_notification_post_id_community_post"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["user_account.id"],
            name=op.f("fk_community_notification_recipient_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["community_thread.id"],
            name=op.f("fk_community_notification_thread_id_community_thread"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_notification")),
    )
    with op.batch_alter_table("community_notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_notification_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_notification_thread_id"), ["thread_id"], unique=False
        )
        batch_op.create_index(
            "ix_community_notification_unread", ["recipient_id", "read_at"], unique=False
        )

    op.create_table(
        "community_post_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", utc, nullable=False),
        sa.Column("replaced_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["community_post.id"],
            name=op.f("fk_community_post_revision_post_id_community_post"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_post_revision")),
        sa.UniqueConstraint("post_id", "number", name=op.f("uq_community_post_revision_post_id")),
    )
    with op.batch_alter_table("community_post_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_post_revision_post_id"), ["post_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("community_post_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_post_revision_post_id"))

    op.drop_table("community_post_revision")
    with op.batch_alter_table("community_notification", schema=None) as batch_op:
        batch_op.drop_index("ix_community_notification_unread")
        batch_op.drop_index(batch_op.f("ix_community_notification_thread_id"))
        batch_op.drop_index(batch_op.f("ix_community_notification_created_at"))

    op.drop_table("community_notification")
    with op.batch_alter_table("community_moderation_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_moderation_action_thread_id"))
        batch_op.drop_index(batch_op.f("ix_community_moderation_action_post_id"))
        batch_op.drop_index(batch_op.f("ix_community_moderation_action_created_at"))
        batch_op.drop_index(batch_op.f("ix_community_moderation_action_actor_id"))

    op.drop_table("community_moderation_action")
    with op.batch_alter_table("community_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_flag_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_community_flag_post_id"))
        batch_op.drop_index(batch_op.f("ix_community_flag_flagger_id"))

    op.drop_table("community_flag")
    with op.batch_alter_table("community_post", schema=None) as batch_op:
        batch_op.drop_index("ix_community_post_thread")
        batch_op.drop_index("ix_community_post_author")

    op.drop_table("community_post")
    with op.batch_alter_table("community_thread", schema=None) as batch_op:
        batch_op.drop_index("ix_community_thread_prompt")
        batch_op.drop_index(batch_op.f("ix_community_thread_organization_id"))
        batch_op.drop_index("ix_community_thread_listing")
        batch_op.drop_index(batch_op.f("ix_community_thread_author_id"))

    op.drop_table("community_thread")
    op.drop_table("community_org_setting")
    with op.batch_alter_table("community_guidelines_ack", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_guidelines_ack_user_id"))

    op.drop_table("community_guidelines_ack")
    op.drop_table("community_digest")
