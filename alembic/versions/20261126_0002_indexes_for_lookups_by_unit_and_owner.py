"""indexes for lookups by unit and by owner

Every list and filter in persistence/repositories/ is served by an index. These were missing:
a unit's values across rounds (score history) scanned whole tables, because the existing
unique constraints lead with the round or the fiscal year; a report's comments, a user's or a
client's tokens and an endpoint's deliveries were looked up by an unindexed foreign key.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_report_unit_id", "report", ["unit_id"]),
    ("ix_central_value_unit_id", "central_value", ["unit_id"]),
    ("ix_not_applicable_unit_id", "not_applicable", ["unit_id"]),
    ("ix_review_comment_report_id", "review_comment", ["report_id"]),
    ("ix_api_token_user_id", "api_token", ["user_id"]),
    ("ix_refresh_token_user_id", "refresh_token", ["user_id"]),
    ("ix_refresh_token_client_id", "refresh_token", ["client_id"]),
    ("ix_webhook_delivery_endpoint_id_id", "webhook_delivery", ["endpoint_id", "id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
