"""How much evidence one place may hold: a report (a unit in a round) for indicator evidence,
a unit's fiscal year for its working-group order.

Each file is capped on its own (``SQS_UPLOAD_MAX_BYTES``); without a cap per place, one
officer could still fill the disk (or the database) with thousands of capped files. The caps
are checked twice: when an upload begins (a place already full is refused before a byte is
read) and when it completes, under the lock that serialises completions of the same report.
"""

from __future__ import annotations

from typing import Any

from persistence.unit_of_work import UnitOfWork
from services.errors import Conflict, PayloadTooLarge
from services.evidence.config import StoreConfig
from services.evidence.place import Place


def mib(size: int) -> str:
    """A size in MiB as a sentence shows it."""
    return f"{size / 1048576:.1f}"


def check_room(uow: UnitOfWork, config: StoreConfig, place: Place, adding: int = -1) -> None:
    """Refuse one more file at ``place``: 409 ``evidence_files_limit`` past
    ``config.max_files``, 413 ``evidence_total_too_large`` past ``config.max_total_bytes``.
    ``adding``: the new file's size, or -1 before it is known."""
    repo = uow.repos.evidence
    words: dict[str, Any] = {"unit_code": place.unit_code}
    if place.report is not None:
        if place.report.head.report_id is None:
            return  # no report yet: nothing stored
        totals = repo.totals(report_id=place.report.head.report_id)
        words["months"] = place.report.head.months
        files_code, bytes_code = "evidence_files_limit_report", "evidence_total_report"
    else:
        totals = repo.totals(unit_id=place.unit_id, fiscal_year_id=place.fiscal_year_id)
        words["year_be"] = place.year_be
        files_code, bytes_code = "evidence_files_limit_order", "evidence_total_order"
    facts = {"files": totals.files, "bytes": totals.bytes}
    if totals.files + 1 > config.max_files:
        limit = {"max_files": config.max_files}
        raise Conflict(
            kind="evidence_files_limit",
            code=files_code,
            params=words | facts | limit,
            extra=facts | limit,
        )
    if totals.bytes + max(adding, 1) > config.max_total_bytes:
        limit = {"max_total_bytes": config.max_total_bytes}
        raise PayloadTooLarge(
            kind="evidence_total_too_large",
            code=bytes_code,
            params=words | facts | limit | {"max_mib": mib(config.max_total_bytes)},
            extra=facts | limit,
        )
