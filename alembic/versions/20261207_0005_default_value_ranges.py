"""plausible ranges of the default framework's indicators, added to stored versions

The default framework now states what a value can be: percentages 0-100, minutes at least 0,
steps 0-5, the directly given score 1-5 (issue 19). A range is a physical limit, not a
scoring rule: no valid value scores differently with it, so the stored versions of
``sqs-default`` get it in place, without a new version. An indicator gets its range only when
it is still the default's (same number, code, kind and unit), states no range of its own and
its criteria lie inside the range; anything an administrator changed is left alone. Values
already stored outside a range are not touched: the report holding one cannot be submitted
until it is corrected (services/reports/review.py).

The ranges are written out here, not read from domain/data, so the revision means the same
thing whatever the default framework becomes later.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 07:00:00
"""

import json
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE = "sqs-default"
# indicator_no: (code, kind, unit, min, max)
RANGES = {
    1: ("service_targets", "quantitative", "%", "0", "100"),
    2: ("satisfaction", "quantitative", "%", "0", "100"),
    3: ("complaints_on_time", "quantitative", "%", "0", "100"),
    4: ("service_time", "quantitative", "minutes", "0", None),
    5: ("budget_disbursement", "quantitative", "%", "0", "100"),
    6: ("process_improvement", "milestone", "steps", "0", "5"),
    7: ("staff_development", "milestone", "steps", "0", "5"),
    8: ("knowledge_management", "milestone", "steps", "0", "5"),
    9: ("service_manual_it", "milestone", "steps", "0", "5"),
    10: ("energy_saving", "direct", "score", "1", "5"),
}

framework = sa.table(
    "framework", sa.column("id", sa.Integer), sa.column("code"), sa.column("definition")
)


def _fits(indicator: dict, low: str | None, high: str | None) -> bool:
    for c in indicator.get("criteria") or []:
        value = Decimal(str(c))
        if (low is not None and value < Decimal(low)) or (high is not None and value > Decimal(high)):
            return False
    return True


def _with_ranges(definition: dict) -> bool:
    changed = False
    for ind in definition.get("indicators", []):
        spec = RANGES.get(ind.get("indicator_no"))
        if spec is None or ind.get("min") is not None or ind.get("max") is not None:
            continue
        code, kind, unit, low, high = spec
        if (ind.get("code"), ind.get("kind"), ind.get("unit")) != (code, kind, unit):
            continue
        if not _fits(ind, low, high):
            continue
        ind["min"], ind["max"] = low, high
        changed = True
    return changed


def _without_ranges(definition: dict) -> bool:
    changed = False
    for ind in definition.get("indicators", []):
        spec = RANGES.get(ind.get("indicator_no"))
        if spec is None or ind.get("code") != spec[0]:
            continue
        if (ind.get("min"), ind.get("max")) == (spec[3], spec[4]):
            ind.pop("min", None)
            ind.pop("max", None)
            changed = True
    return changed


def _rewrite(change) -> None:  # type: ignore[no-untyped-def]
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(framework.c.id, framework.c.definition).where(framework.c.code == CODE)
    ).all()
    for row_id, text in rows:
        definition = json.loads(text)
        if change(definition):
            conn.execute(
                framework.update()
                .where(framework.c.id == row_id)
                .values(definition=json.dumps(definition, ensure_ascii=False, sort_keys=True))
            )


def upgrade() -> None:
    _rewrite(_with_ranges)


def downgrade() -> None:
    _rewrite(_without_ranges)
