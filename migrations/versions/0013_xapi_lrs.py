"""xAPI: Learning Record Stores, statements sent to them, learners' opaque actor names,
and the statement dispatcher's cursor

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-07 16:12:50

New tables only. The cursor starts after the last domain event already recorded: no LRS
existed before, so nothing recorded earlier is owed to one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "xapi_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_cursor")),
    )
    op.create_table(
        "xapi_actor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_xapi_actor_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_xapi_actor")),
        sa.UniqueConstraint("name", name=op.f("uq_xapi_actor_name")),
    )
    op.create_table(
        "xapi_lrs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "secret_encrypted", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("send_email", sa.Boolean(), nullable=False),
        sa.Column("mastery_score", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_xapi_lrs_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_xapi_lrs_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_lrs")),
    )
    with op.batch_alter_table("xapi_lrs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_xapi_lrs_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "xapi_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lrs_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=True),
        sa.Column("statement_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("verb", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", utc, nullable=False),
        sa.Column("last_attempt_at", utc, nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("delivered_at", utc, nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["domain_event.id"], name=op.f("fk_xapi_statement_event_id_domain_event")
        ),
        sa.ForeignKeyConstraint(
            ["lrs_id"], ["xapi_lrs.id"], name=op.f("fk_xapi_statement_lrs_id_xapi_lrs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_statement")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_statement_statement_id")),
    )
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_xapi_statement_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_xapi_statement_lrs_id"), ["lrs_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_xapi_statement_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_xapi_statement_status"), ["status"], unique=False)

    last = op.get_bind().execute(sa.text("SELECT MAX(id) FROM domain_event")).scalar()
    op.execute(
        sa.text("INSERT INTO xapi_cursor (id, last_event_id) VALUES (1, :last)").bindparams(
            last=int(last or 0)
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_statement_status"))
        batch_op.drop_index(batch_op.f("ix_xapi_statement_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_xapi_statement_lrs_id"))
        batch_op.drop_index(batch_op.f("ix_xapi_statement_event_id"))

    op.drop_table("xapi_statement")
    with op.batch_alter_table("xapi_lrs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_lrs_organization_id"))

    op.drop_table("xapi_lrs")
    op.drop_table("xapi_actor")
    op.drop_table("xapi_cursor")
