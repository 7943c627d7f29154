"""assignments with due dates, notification settings, sent reminders, outbox headers

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-07 13:40:00

New tables only, plus an empty ``headers`` column on ``outbox_email`` (existing emails had
none): nothing is transformed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("module_ids", sa.Text(), nullable=False),
        sa.Column("due_kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_days", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_assignment_cohort_id_cohort")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_assignment_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_assignment_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    op.create_index(op.f("ix_assignment_cohort_id"), "assignment", ["cohort_id"])
    op.create_index(op.f("ix_assignment_course_id"), "assignment", ["course_id"])
    op.create_table(
        "notification_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_setting_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_setting")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notification_setting_user_id")),
    )
    op.create_index(op.f("ix_notification_setting_user_id"), "notification_setting", ["user_id"])
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sent_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_reminder_sent_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_reminder_sent_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint(
            "user_id", "assignment_id", "due_on", "kind", name=op.f("uq_reminder_sent_user_id")
        ),
    )
    op.create_index(op.f("ix_reminder_sent_user_id"), "reminder_sent", ["user_id"])
    op.create_index(op.f("ix_reminder_sent_assignment_id"), "reminder_sent", ["assignment_id"])
    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.drop_column("headers")
    op.drop_table("reminder_sent")
    op.drop_table("notification_setting")
    op.drop_table("assignment")
