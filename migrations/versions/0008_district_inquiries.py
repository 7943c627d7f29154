"""district inquiries and their throttle

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 13:10:00

Two new tables and no data changed: ``district_inquiry`` keeps each message sent with the
public "Bring Groundwork to your district" form, and ``inquiry_attempt`` counts stored
inquiries per client address and per email address for the form's throttle.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIZES = ("under_1000", "1000_10000", "10000_50000", "over_50000", "not_sure")
STATUSES = ("new", "answered")


def _one_of(column: str, values: Sequence[str]) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")",
        name=op.f(f"ck_district_inquiry_{column}"),
    )


def upgrade() -> None:
    op.create_table(
        "district_inquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("job_title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("district", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("district_size", sa.String(length=20), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_district_inquiry_answered_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_inquiry")),
        _one_of("district_size", SIZES),
        _one_of("status", STATUSES),
    )
    with op.batch_alter_table("district_inquiry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_district_inquiry_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "inquiry_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_attempt")),
    )
    with op.batch_alter_table("inquiry_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inquiry_attempt_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inquiry_attempt_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inquiry_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_attempt_key"))
        batch_op.drop_index(batch_op.f("ix_inquiry_attempt_created_at"))
    op.drop_table("inquiry_attempt")
    with op.batch_alter_table("district_inquiry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_district_inquiry_created_at"))
    op.drop_table("district_inquiry")
