"""users' e-mail and language, notice preferences, and the notice queue

Users gain an optional e-mail address (unique ignoring case, through ``email_key``), a
preferred language and the notice kinds they turned off. The outbox gains ``noticed_at`` (the
notice worker's own fan-out mark, independent of the webhook worker's ``dispatched_at``) and
``notice`` holds one rendered e-mail per event and recipient.

Events already in the outbox are marked noticed: they happened before anyone could be mailed,
and mailing them all at the first start would be a flood of stale news.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("email_key", sa.String(length=320), nullable=True))
        batch.add_column(
            sa.Column("language", sa.String(length=2), nullable=False, server_default="th")
        )
        batch.add_column(
            sa.Column("notices_off", sa.String(length=500), nullable=False, server_default="")
        )
        batch.create_unique_constraint("uq_app_user_email_key", ["email_key"])
    with op.batch_alter_table("app_user") as batch:
        batch.alter_column("language", server_default=None)
        batch.alter_column("notices_off", server_default=None)
    op.add_column(
        "outbox_event",
        sa.Column("noticed_at", persistence.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_outbox_event_noticed_at", "outbox_event", ["noticed_at"], unique=False)
    op.execute("UPDATE outbox_event SET noticed_at = created_at")
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name="fk_notice_user_id_app_user", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notice"),
        sa.UniqueConstraint("event_key", "user_id", name="uq_notice_event_key_user_id"),
    )
    op.create_index("ix_notice_status_next", "notice", ["status", "next_attempt_at"])
    op.create_index("ix_notice_user_id_id", "notice", ["user_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_notice_user_id_id", table_name="notice")
    op.drop_index("ix_notice_status_next", table_name="notice")
    op.drop_table("notice")
    op.drop_index("ix_outbox_event_noticed_at", table_name="outbox_event")
    op.drop_column("outbox_event", "noticed_at")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("uq_app_user_email_key", type_="unique")
        batch.drop_column("notices_off")
        batch.drop_column("language")
        batch.drop_column("email_key")
        batch.drop_column("email")
