"""Evidence metadata rows (the bytes live behind ``persistence.evidence_store``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, col, select

from persistence.evidence_store import EvidenceStore, make_store
from persistence.tables import EvidenceRow, FiscalYearRow, ReportRow, UnitRow

INDICATOR = "indicator"
WORKING_GROUP_ORDER = "working_group_order"


@dataclass(frozen=True)
class Placed:
    """An evidence row with where it belongs (for access rules and for its API view)."""

    row: EvidenceRow
    unit_code: str
    year_be: int
    round_id: int | None


class EvidenceTotals(NamedTuple):
    """How much evidence one place holds."""

    files: int
    bytes: int


class EvidenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def store(self, backend: str, directory: Path) -> EvidenceStore:
        """The evidence bytes' store (``SQS_EVIDENCE_BACKEND``), writing in this transaction."""
        return make_store(backend, directory, self.session)

    def add(self, row: EvidenceRow) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def delete(self, row: EvidenceRow) -> None:
        self.session.delete(row)
        self.session.flush()

    def placed(self, evidence_id: str) -> Placed | None:
        q = (
            select(EvidenceRow, UnitRow.code, FiscalYearRow.year_be, ReportRow.round_id)
            .join(UnitRow, col(UnitRow.id) == EvidenceRow.unit_id)
            .join(FiscalYearRow, col(FiscalYearRow.id) == EvidenceRow.fiscal_year_id)
            .outerjoin(ReportRow, col(ReportRow.id) == EvidenceRow.report_id)
            .where(EvidenceRow.id == evidence_id)
        )
        found = self.session.exec(q).first()
        if found is None:
            return None
        row, unit_code, year_be, round_id = found
        return Placed(row, unit_code, year_be, round_id)

    def for_indicator(self, report_id: int, indicator_no: int) -> Sequence[EvidenceRow]:
        q = (
            select(EvidenceRow)
            .where(
                EvidenceRow.report_id == report_id,
                EvidenceRow.indicator_no == indicator_no,
                EvidenceRow.kind == INDICATOR,
            )
            .order_by(col(EvidenceRow.created_at), col(EvidenceRow.id))
        )
        return self.session.exec(q).all()

    def orders(self, unit_id: int, fiscal_year_id: int) -> Sequence[EvidenceRow]:
        q = (
            select(EvidenceRow)
            .where(
                EvidenceRow.unit_id == unit_id,
                EvidenceRow.fiscal_year_id == fiscal_year_id,
                EvidenceRow.kind == WORKING_GROUP_ORDER,
            )
            .order_by(col(EvidenceRow.created_at), col(EvidenceRow.id))
        )
        return self.session.exec(q).all()

    def same_bytes_for_indicator(
        self, report_id: int, indicator_no: int, sha256: str
    ) -> EvidenceRow | None:
        q = select(EvidenceRow).where(
            EvidenceRow.report_id == report_id,
            EvidenceRow.indicator_no == indicator_no,
            EvidenceRow.kind == INDICATOR,
            EvidenceRow.sha256 == sha256,
        )
        return self.session.exec(q.order_by(col(EvidenceRow.created_at))).first()

    def same_bytes_order(
        self, unit_id: int, fiscal_year_id: int, sha256: str
    ) -> EvidenceRow | None:
        q = select(EvidenceRow).where(
            EvidenceRow.unit_id == unit_id,
            EvidenceRow.fiscal_year_id == fiscal_year_id,
            EvidenceRow.kind == WORKING_GROUP_ORDER,
            EvidenceRow.sha256 == sha256,
        )
        return self.session.exec(q.order_by(col(EvidenceRow.created_at))).first()

    def totals(
        self, *, report_id: int | None = None, unit_id: int = 0, fiscal_year_id: int = 0
    ) -> EvidenceTotals:
        """The files and bytes of a report's evidence, or (without ``report_id``) of a unit's
        working-group orders for a fiscal year."""
        q = select(func.count(), func.coalesce(func.sum(EvidenceRow.size), 0))
        if report_id is not None:
            q = q.where(EvidenceRow.report_id == report_id, EvidenceRow.kind == INDICATOR)
        else:
            q = q.where(
                EvidenceRow.unit_id == unit_id,
                EvidenceRow.fiscal_year_id == fiscal_year_id,
                EvidenceRow.kind == WORKING_GROUP_ORDER,
            )
        files, size = self.session.exec(q).one()
        return EvidenceTotals(int(files), int(size))

    def existing_storage_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` an evidence row holds (in batches: SQLite caps bound parameters)."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            q = select(EvidenceRow.storage_key).where(col(EvidenceRow.storage_key).in_(batch))
            found.update(self.session.exec(q).all())
        return found

    def count(self) -> int:
        return int(self.session.exec(select(func.count()).select_from(EvidenceRow)).one())
