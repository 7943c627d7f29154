"""report summaries backfilled from the raw rows; enrollments indexed by start, survey responses by submission

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlmodel import Session

from app.reports.summary_store import rebuild

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("job_role", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("cohort", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_summary")),
        sa.UniqueConstraint(
            "measure",
            "course_id",
            "key",
            "value",
            "organization_id",
            "job_role",
            "cohort",
            name=op.f("uq_report_summary_measure"),
        ),
    )
    op.create_index(
        "ix_report_summary_level",
        "report_summary",
        ["level", "measure", "course_id", "organization_id", "job_role", "cohort"],
    )
    # Reports filtered by enrollment date compute their window live.
    op.create_index(op.f("ix_enrollment_enrolled_at"), "enrollment", ["enrolled_at"])
    # The feedback page lists the newest comments: read them in submission order.
    op.create_index(op.f("ix_survey_response_submitted_at"), "survey_response", ["submitted_at"])
    # Backfill: summaries are derived data, so they are computed with the rules of the code
    # being installed (app/reports/summary_sql.py). A later change to those rules ships a
    # migration that rebuilds them the same way.
    with Session(bind=op.get_bind()) as session:
        rebuild(session)
        session.flush()


def downgrade() -> None:
    op.drop_index(op.f("ix_enrollment_enrolled_at"), table_name="enrollment")
    op.drop_index(op.f("ix_survey_response_submitted_at"), table_name="survey_response")
    op.drop_table("report_summary")
