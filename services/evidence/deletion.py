"""Deleting evidence: one file at a person's request, and what a crash left behind.

A file is deleted while the place it belongs to may change (``place.check_editable``, else
409); its bytes go with the commit, and the report's version moves. After a crash the
filesystem store may hold files no row names (see ``persistence.evidence_store``);
``sweep_leftovers`` removes them once they are old enough that no upload can still be
finishing them. No row ever names missing bytes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from persistence.evidence_store import FilesystemStore
from persistence.repositories.evidence import INDICATOR
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import check_report_edit
from services.evidence.config import StoreConfig
from services.evidence.place import IndicatorTarget, OrderTarget, Target, check_editable, resolve
from services.evidence.reads import find, placed_view
from services.evidence.views import snapshot
from services.principal import Principal
from services.reports.loaded import save

log = logging.getLogger("sqs.evidence")


def delete_evidence(
    uow: UnitOfWork,
    config: StoreConfig,
    actor: Principal,
    evidence_id: str,
    *,
    clock: Callable[[], datetime],
) -> None:
    """Delete while the place it belongs to may change (else 409); bytes go with the commit."""
    p = find(uow, actor, evidence_id, check_report_edit)
    row = p.row
    target: Target
    if row.kind == INDICATOR:
        assert p.round_id is not None and row.indicator_no is not None
        target = IndicatorTarget(p.round_id, p.unit_code, row.indicator_no)
    else:
        target = OrderTarget(p.year_be, p.unit_code)
    place = resolve(uow, target, for_update=True)
    check_editable(uow, actor, place)
    before = snapshot(placed_view(p), row, config.backend)
    uow.repos.evidence.store(config.backend, config.directory).delete(row.storage_key)
    uow.repos.evidence.delete(row)
    if place.report is not None:
        save(uow, place.report, clock())
    audit.record(uow, actor, "evidence.delete", "evidence", evidence_id, before=before)


LEFTOVER_MIN_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class Sweep:
    temporary: int  # upload files a crash cut short
    orphaned: int  # placed files whose row never committed, or was deleted


def sweep_leftovers(
    engine: Engine, config: StoreConfig, *, min_age: timedelta = LEFTOVER_MIN_AGE
) -> Sweep:
    """Remove what a killed process left in the filesystem store: temporary upload files and
    placed files without an evidence row, if last written more than ``min_age`` ago.

    The age keeps this safe beside running instances sharing the directory: an upload renames
    its file into place right after its last write and commits right after that, so only a
    file written moments ago can still be about to get its row.
    """
    if config.backend != "filesystem":
        return Sweep(0, 0)  # database chunks commit or roll back with their row
    store = FilesystemStore(config.directory)
    stale = store.stale_files(time.time() - min_age.total_seconds())
    temporary = stale.temporary
    with UnitOfWork(engine) as uow:
        held = uow.repos.evidence.existing_storage_keys(stale.placed)
    orphaned = [key for key in stale.placed if key not in held]
    store.remove(temporary + orphaned)
    if temporary or orphaned:
        log.warning(
            "evidence sweep removed %d temporary and %d orphaned files",
            len(temporary),
            len(orphaned),
        )
    return Sweep(len(temporary), len(orphaned))
