"""sign-in back-off state and the users' token version

``login_throttle``: one row per account key (``user:…``, ``client:…``, ``device:…``) with its
consecutive failed sign-ins and when the last one was; a success deletes the row. A row per key
(not per attempt) is what the sign-in locks while it checks a password, so parallel guesses at
one account are taken one at a time on every database and every app instance.

``app_user.token_version``: access tokens carry the version current when they were made; a
disable, a password change or a role change increments it, so every token made before the
change is refused, however close in time. Existing users start at 1: access tokens made
before this revision carry no version (read as 0) and are all refused once, so none made before
an earlier password change can come back; holders sign in or refresh again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "last_failed_at", persistence.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute("UPDATE app_user SET token_version = 1")


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("token_version")
    op.drop_table("login_throttle")
