"""sync stamps: when a unit, a round or a unit's part in a fiscal year last changed

The scoreboard's ``updated_since`` answers the rows whose score or shown facts changed since a
time. A row's time is the latest of its report's, its central values', its not-applicable
marks' and these three: a unit renamed or moved (unit), a round closed or reopened (round: the
missing-value policy changes every level), a not-applicable mark removed or a budget changed
(participation; a removed mark leaves no row of its own to date it).

Nullable: rows older than this revision have no such time and count as unchanged since long
ago (adding a NOT NULL column with a default would rebuild the tables on SQLite).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("unit", "round", "participation")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("updated_at", persistence.types.UTCDateTime(timezone=True), nullable=True),
        )


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+): a batch rebuild of ``unit`` would cascade deletes
    for table in reversed(TABLES):
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN updated_at')
