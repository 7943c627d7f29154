"""user_account.role limited to the four roles by a CHECK constraint

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 11:30:00

Until now the column took any string, and the app let a user through a role check only when
the string was exactly one of the four roles, so a user holding any other value could do
what a learner can and nothing more. Such a value becomes ``learner``, the access it
already gave; the migration log names each changed account and its old value. Then the
constraint ``ck_user_account_role`` keeps every later value one of the four.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("learner", "author", "staff", "admin")
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    known = sa.bindparam("known", value=list(ROLES), expanding=True)
    bind = op.get_bind()
    strays = bind.execute(
        sa.text(
            "SELECT id, role FROM user_account WHERE role NOT IN :known ORDER BY id"
        ).bindparams(known)
    ).all()
    for user_id, role in strays:
        log.warning("user_account %s: unknown role %r becomes 'learner'", user_id, role)
    if strays:
        bind.execute(
            sa.text("UPDATE user_account SET role = 'learner' WHERE role NOT IN :known").bindparams(
                known
            )
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_user_account_role"),
            "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")",
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_role"), type_="check")
