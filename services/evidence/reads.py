"""Finding, listing and downloading evidence, under the report access rules.

Access follows the report rules exactly (``check_report_read``; ``check_report_edit`` to
delete): another unit's evidence answers 404 with the same words as evidence that does not
exist.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from persistence.repositories.evidence import Placed
from persistence.unit_of_work import UnitOfWork
from services.access import check_report_read
from services.errors import AppError, NotFound
from services.evidence.config import StoreConfig
from services.evidence.place import IndicatorTarget, OrderTarget, resolve
from services.evidence.views import EvidenceView, evidence_view
from services.principal import Principal

log = logging.getLogger("sqs.evidence")

_NOBODY = ""  # a unit code no one but an admin "sees": keeps role answers (403) as for reports


def find(
    uow: UnitOfWork, actor: Principal, evidence_id: str, check: Callable[[Principal, str], None]
) -> Placed:
    """The evidence if the caller may see it; otherwise the same 404 as for a missing id."""
    try:
        uuid.UUID(evidence_id)
        placed = uow.repos.evidence.placed(evidence_id)
    except ValueError:
        placed = None
    try:
        check(actor, placed.unit_code if placed else _NOBODY)
    except NotFound:
        placed = None
    if placed is None:
        raise NotFound(code="evidence_not_found", params={"evidence_id": evidence_id})
    return placed


def placed_view(p: Placed) -> EvidenceView:
    return evidence_view(p.row, p.unit_code, p.year_be, p.round_id)


def get_evidence(uow: UnitOfWork, actor: Principal, evidence_id: str) -> EvidenceView:
    return placed_view(find(uow, actor, evidence_id, check_report_read))


@dataclass(frozen=True)
class Download:
    view: EvidenceView
    etag: str
    chunks: Iterator[bytes] | None
    """The bytes, chunk by chunk; None when the caller holds them already (its ETag)."""


def open_download(
    uow: UnitOfWork,
    config: StoreConfig,
    actor: Principal,
    evidence_id: str,
    *,
    held_etags: frozenset[str] = frozenset(),
) -> Download:
    """The evidence and its bytes, opened in this unit of work (the database store reads its
    chunk list in the caller's transaction, which ends before the bytes are sent). A row whose
    bytes are gone is a server fault (500)."""
    p = find(uow, actor, evidence_id, check_report_read)
    view = placed_view(p)
    etag = f'"{view.sha256}"'
    if etag in held_etags:
        return Download(view, etag, None)
    store = uow.repos.evidence.store(config.backend, config.directory)
    try:
        chunks = store.open_reader(p.row.storage_key)
    except FileNotFoundError:
        log.error("evidence %s: stored content %s is missing", view.id, p.row.storage_key)
        raise AppError(kind="evidence_content_missing", code="evidence_content_missing") from None
    return Download(view, etag, chunks)


def list_for_indicator(
    uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str, indicator_no: int
) -> list[EvidenceView]:
    check_report_read(actor, unit_code)
    place = resolve(uow, IndicatorTarget(round_id, unit_code, indicator_no))
    report_id = place.report.head.report_id if place.report else None
    if report_id is None:
        return []
    return [
        evidence_view(r, unit_code, place.year_be, round_id)
        for r in uow.repos.evidence.for_indicator(report_id, indicator_no)
    ]


def list_orders(
    uow: UnitOfWork, actor: Principal, year_be: int, unit_code: str
) -> list[EvidenceView]:
    check_report_read(actor, unit_code)
    place = resolve(uow, OrderTarget(year_be, unit_code))
    rows = uow.repos.evidence.orders(place.unit_id, place.fiscal_year_id)
    return [evidence_view(r, unit_code, year_be, None) for r in rows]
