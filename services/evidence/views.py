"""What the API answers about an evidence file, and what the audit trail keeps of it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from persistence.tables import EvidenceRow


@dataclass(frozen=True)
class EvidenceView:
    id: str
    kind: str
    unit_code: str
    year_be: int
    round_id: int | None
    indicator_no: int | None
    filename: str
    title: str | None
    content_type: str
    size: int
    sha256: str
    created_by: str
    created_at: datetime


def evidence_view(
    row: EvidenceRow, unit_code: str, year_be: int, round_id: int | None
) -> EvidenceView:
    return EvidenceView(
        id=row.id,
        kind=row.kind,
        unit_code=unit_code,
        year_be=year_be,
        round_id=round_id,
        indicator_no=row.indicator_no,
        filename=row.filename,
        title=row.title,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def snapshot(view: EvidenceView, row: EvidenceRow, backend: str) -> dict[str, Any]:
    """Audit metadata: everything about the file but its bytes."""
    data = asdict(view)
    data.pop("created_at", None)
    return data | {"storage": backend, "storage_key": row.storage_key}
