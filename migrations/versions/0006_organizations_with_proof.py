"""organizations with a proof for every membership: domains, invitations, join requests, cohorts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 13:15:00

Before this revision anyone could join an organization by typing its name at sign-up, and
cohorts were codes that learners typed. On upgrade:

- every existing membership becomes a *self-declared* ``membership_request``: the learner
  leaves ``user_account.organization_id`` until staff confirm them on the members page, so
  that no district counts (or reads the shared reflections of) someone nobody vouched for;
- every cohort code in use becomes a ``cohort`` row of the organization its learners named,
  for the course they took. A code used by two organizations or two courses keeps its name,
  and the second and later get a code with a numeric suffix (the migration log names each);
- ``enrollment.cohort`` then refers to ``cohort.code``;
- the report summaries are rebuilt, since memberships moved.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlmodel import Session

from app.reports.summary_store import rebuild

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")
utc = sa.DateTime(timezone=True)


def _tables() -> None:
    op.create_table(
        "organization_domain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_organization_domain_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_domain")),
        sa.UniqueConstraint("domain", name=op.f("uq_organization_domain_domain")),
    )
    op.create_index(
        op.f("ix_organization_domain_organization_id"),
        "organization_domain",
        ["organization_id"],
    )
    op.create_table(
        "cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_cohort_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["user_account.id"],
            name=op.f("fk_cohort_facilitator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_cohort_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort")),
        sa.UniqueConstraint("code", name=op.f("uq_cohort_code")),
    )
    op.create_index(op.f("ix_cohort_course_id"), "cohort", ["course_id"])
    op.create_index(op.f("ix_cohort_organization_id"), "cohort", ["organization_id"])
    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("expires_at", utc, nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("revoked_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_invite_cohort_id_cohort")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_invite_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_invite_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
        sa.UniqueConstraint("code", name=op.f("uq_invite_code")),
    )
    op.create_index(op.f("ix_invite_cohort_id"), "invite", ["cohort_id"])
    op.create_index(op.f("ix_invite_organization_id"), "invite", ["organization_id"])
    op.create_table(
        "membership_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_membership_request_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_membership_request_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_request")),
        sa.UniqueConstraint("user_id", name=op.f("uq_membership_request_user_id")),
    )
    op.create_index(
        op.f("ix_membership_request_organization_id"),
        "membership_request",
        ["organization_id"],
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "organization_proof", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True
            )
        )
        batch_op.add_column(sa.Column("organization_joined_at", utc, nullable=True))


def _cohorts(bind: sa.Connection) -> None:
    """One cohort per (organization, course, code) in use; later clashes get a suffix."""
    groups = bind.execute(
        sa.text(
            "SELECT DISTINCT u.organization_id, e.course_id, e.cohort FROM enrollment e"
            " JOIN user_account u ON u.id = e.user_id WHERE e.cohort IS NOT NULL"
            " ORDER BY e.cohort, e.course_id, u.organization_id"
        )
    ).all()
    taken: set[str] = set()
    for organization_id, course_id, code in groups:
        new_code = code
        suffix = 2
        while new_code in taken:
            tail = f"-{suffix}"
            new_code = code[: 64 - len(tail)] + tail
            suffix += 1
        taken.add(new_code)
        bind.execute(
            sa.text(
                "INSERT INTO cohort (organization_id, course_id, name, code, created_at)"
                " VALUES (:org, :course, :name, :code, CURRENT_TIMESTAMP)"
            ),
            {"org": organization_id, "course": course_id, "name": code, "code": new_code},
        )
        if new_code != code:
            log.warning(
                "cohort %r of organization %s, course %s is now %r (the code was taken)",
                code,
                organization_id,
                course_id,
                new_code,
            )
            # "u.organization_id = :org" is never true for NULL: say "no organization" apart.
            bind.execute(
                sa.text(
                    "UPDATE enrollment SET cohort = :new WHERE cohort = :old"
                    " AND course_id = :course AND user_id IN (SELECT u.id FROM user_account u"
                    " WHERE u.organization_id = :org OR (:none AND u.organization_id IS NULL))"
                ),
                {
                    "new": new_code,
                    "old": code,
                    "course": course_id,
                    "org": organization_id,
                    "none": organization_id is None,
                },
            )


def _memberships(bind: sa.Connection) -> None:
    """Every membership so far was typed, not proven: it waits for staff."""
    bind.execute(
        sa.text(
            "INSERT INTO membership_request (user_id, organization_id, kind, message, created_at)"
            " SELECT id, organization_id, 'self_declared', '', CURRENT_TIMESTAMP"
            " FROM user_account WHERE organization_id IS NOT NULL"
        )
    )
    bind.execute(sa.text("UPDATE user_account SET organization_id = NULL"))


def upgrade() -> None:
    _tables()
    bind = op.get_bind()
    _cohorts(bind)
    _memberships(bind)
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_enrollment_cohort_cohort"), "cohort", ["cohort"], ["code"]
        )
    with Session(bind=bind) as session:
        rebuild(session)
        session.flush()


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_enrollment_cohort_cohort"), type_="foreignkey")
    bind.execute(
        sa.text(
            "UPDATE user_account SET organization_id = (SELECT r.organization_id FROM"
            " membership_request r WHERE r.user_id = user_account.id)"
            " WHERE organization_id IS NULL"
        )
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("organization_joined_at")
        batch_op.drop_column("organization_proof")
    op.drop_table("membership_request")
    op.drop_table("invite")
    op.drop_table("cohort")
    op.drop_table("organization_domain")
    with Session(bind=bind) as session:
        rebuild(session)
        session.flush()
