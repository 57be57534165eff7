"""Evidence files: streamed uploads judged from their bytes, downloads, listings, deletion.

At the 12-month round every indicator needs at least two evidence documents and the unit needs
the order appointing its working group (SPEC §1, §3). The files are official records, so:

- **Access** follows the report rules exactly (``check_report_read`` / ``check_report_edit``):
  another unit's evidence answers 404 with the same words as evidence that does not exist.
- **Uploads stream.** ``begin_upload`` checks access and editability before a single byte is
  read; ``EvidenceUpload.write`` then takes the file chunk by chunk, counting against the cap
  (413 the moment it is passed), hashing (SHA-256) and judging the first bytes (415 at once
  for anything not on the allow-list). ``completing()`` inspects ZIP containers once the whole
  file is stored, re-checks editability under a lock, and inserts the row, the audit event and
  the report's version bump in one transaction. Any failure on the way removes what was
  written (``abort``): no temp file, no chunk row, no metadata row.
- **Transactions.** No database transaction is open while the body streams in (a slow mobile
  upload, or a client that sends half a body and waits, must hold no connection and not
  SQLite's write lock). The filesystem backend writes a temporary file in the evidence
  directory, renamed into place just before the commit and removed again if the commit fails.
  The database backend spools the bytes to an anonymous temporary file and inserts its chunks
  in the finishing transaction, so they commit or roll back together with the metadata row.
- **After a crash** the filesystem store may hold files no row names (see
  ``persistence.evidence_store``); ``sweep_leftovers`` removes them once they are old enough
  that no upload can still be finishing them. No row ever names missing bytes.
- **Duplicates.** The same bytes (SHA-256) uploaded again to the same indicator of the same
  report — or as the same unit's working-group order for the same fiscal year — answer the
  existing record (``Completion.duplicate``; the API says 200 instead of 201) and the new copy
  is discarded, so a file is stored once. The existing record keeps its filename and title.
- **Working-group order** (unit × fiscal year) may change while no report of that unit in a
  round that requires the order is submitted or approved, and (for all but an administrator)
  while such a round is open — the same rules as the report it belongs to.

This module never imports FastAPI: the HTTP layer parses multipart and calls in here from a
thread, one chunk at a time.
"""

from __future__ import annotations

import hashlib
import logging
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from domain.errors import UnknownRound
from domain.workflow import ReportAction, ReportState, is_editable, next_state
from persistence.evidence_store import (
    EvidenceStore,
    EvidenceWriter,
    FilesystemStore,
    SpoolWriter,
    make_store,
)
from persistence.repositories.evidence import INDICATOR, WORKING_GROUP_ORDER, Placed
from persistence.tables import EvidenceRow, FiscalYearRow, UnitRow
from persistence.unit_of_work import UnitOfWork
from services import audit, content_types, reports
from services.access import check_report_edit, check_report_read
from services.errors import AppError, Conflict, NotFound, PayloadTooLarge, Unprocessable
from services.evidence_room import check_room
from services.principal import Principal
from services.reference import require_unit

log = logging.getLogger("sqs.evidence")

MAX_TITLE = 300


@dataclass(frozen=True)
class StoreConfig:
    """The operator's evidence settings (``SQS_EVIDENCE_BACKEND``, ``SQS_EVIDENCE_DIR``,
    ``SQS_UPLOAD_MAX_BYTES``), passed in so the service never reads the API's settings."""

    backend: str
    directory: Path
    max_bytes: int
    max_files: int = 200
    """Evidence files kept per report (unit and round), and per unit's order for a year."""
    max_total_bytes: int = 500 * 1024 * 1024
    """Their bytes together, for the same places."""


@dataclass(frozen=True)
class IndicatorTarget:
    round_id: int
    unit_code: str
    indicator_no: int

    def describe(self) -> list[Any]:
        return [INDICATOR, self.round_id, self.unit_code, self.indicator_no]


@dataclass(frozen=True)
class OrderTarget:
    """The working-group order (คำสั่งแต่งตั้งคณะทำงาน) of a unit for a fiscal year."""

    year_be: int
    unit_code: str

    def describe(self) -> list[Any]:
        return [WORKING_GROUP_ORDER, self.year_be, self.unit_code]


Target = IndicatorTarget | OrderTarget


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


def store_for(config: StoreConfig, session: Any) -> EvidenceStore:
    return make_store(config.backend, config.directory, session)


def _view(row: EvidenceRow, unit_code: str, year_be: int, round_id: int | None) -> EvidenceView:
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


def _snapshot(view: EvidenceView, row: EvidenceRow, backend: str) -> dict[str, Any]:
    """Audit metadata: everything about the file but its bytes."""
    data = asdict(view)
    data.pop("created_at", None)
    return data | {"storage": backend, "storage_key": row.storage_key}


# --- where evidence belongs, and whether it may change -----------------------------------------


@dataclass
class _Place:
    unit: UnitRow
    fiscal_year: FiscalYearRow
    ctx: reports.Context | None  # the report context, for indicator evidence

    @property
    def round_id(self) -> int | None:
        return self.ctx.round.id if self.ctx else None


def _resolve(uow: UnitOfWork, target: Target, *, for_update: bool = False) -> _Place:
    if isinstance(target, IndicatorTarget):
        ctx = reports._load(uow, target.round_id, target.unit_code, for_update=for_update)
        try:
            ctx.framework.indicator(target.indicator_no)
        except KeyError:
            raise NotFound(
                f"indicator {target.indicator_no} is not in this round's framework"
            ) from None
        return _Place(ctx.unit, ctx.fiscal_year, ctx)
    fy = uow.repos.reference.fiscal_year(target.year_be)
    if fy is None:
        raise NotFound(f"no fiscal year {target.year_be}")
    unit = require_unit(uow, target.unit_code)
    if for_update:
        assert unit.id is not None
        uow.repos.reference.lock_unit(unit.id)
    return _Place(unit, fy, None)


def _check_report_editable(ctx: reports.Context, actor: Principal) -> None:
    reports._check_round_open(ctx, actor)
    state = ctx.report.state if ctx.report else ReportState.DRAFT.value
    next_state(ReportState(state), ReportAction.EDIT, actor.role)  # 409 once submitted/approved


def _check_order_editable(
    uow: UnitOfWork, actor: Principal, unit: UnitRow, fy: FiscalYearRow
) -> None:
    """The order belongs to every report whose round requires it: locked with any of them."""
    assert fy.id is not None and unit.id is not None
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    needing = []
    for rnd in uow.repos.reference.rounds_of(fy.id):
        try:
            if framework.requirement(rnd.months).working_group_order_required:
                needing.append(rnd)
        except UnknownRound:
            continue
    for rnd in needing:
        assert rnd.id is not None
        report = uow.repos.reporting.report(rnd.id, unit.id)
        if report is not None and not is_editable(report.state):
            raise Conflict(
                f"the {rnd.months}-month report of unit '{unit.code}' is {report.state}: its "
                "working-group order can change only while that report is a draft or returned",
                kind="evidence_locked",
            )
    if needing and not actor.is_admin and all(r.status != "open" for r in needing):
        raise Conflict(kind="round_closed", code="round_closed")


def _check_editable(uow: UnitOfWork, actor: Principal, place: _Place) -> None:
    if place.ctx is not None:
        _check_report_editable(place.ctx, actor)
    else:
        _check_order_editable(uow, actor, place.unit, place.fiscal_year)


def _check_room(uow: UnitOfWork, config: StoreConfig, place: _Place, adding: int = -1) -> None:
    """The caps of the file's place (``services.evidence_room``): its report for indicator
    evidence, the unit's fiscal year for its working-group order."""
    assert place.unit.id is not None and place.fiscal_year.id is not None
    if place.ctx is not None:
        report = place.ctx.report
        if report is None or report.id is None:
            return  # no report yet: nothing stored
        where = f"the {place.ctx.round.months}-month report of unit '{place.unit.code}'"
        totals = uow.repos.evidence.totals(report_id=report.id)
    else:
        where = (
            f"the working-group order of unit '{place.unit.code}' for {place.fiscal_year.year_be}"
        )
        totals = uow.repos.evidence.totals(
            unit_id=place.unit.id, fiscal_year_id=place.fiscal_year.id
        )
    check_room(totals, config.max_files, config.max_total_bytes, where=where, adding=adding)


# --- uploads ------------------------------------------------------------------------------------


def clean_title(raw: str | None) -> str | None:
    if raw is None:
        return None
    title = "".join(ch for ch in raw if unicodedata.category(ch) != "Cc" or ch == " ")
    title = " ".join(unicodedata.normalize("NFC", title).split())
    if len(title) > MAX_TITLE:
        raise Unprocessable(
            f"the title is longer than {MAX_TITLE} characters", kind="evidence_title_too_long"
        )
    return title or None


def begin_upload(
    engine: Engine,
    config: StoreConfig,
    actor: Principal,
    target: Target,
    *,
    clock: Callable[[], datetime],
    request_id: str | None = None,
) -> EvidenceUpload:
    """Refuse early (403/404/409) before any byte is read, then open the storage writer.

    The check runs in a short read transaction; none is open while the body streams in.
    """
    check_report_edit(actor, target.unit_code)
    with UnitOfWork(engine, request_id=request_id) as check:
        place = _resolve(check, target)
        _check_editable(check, actor, place)
        _check_room(check, config, place)
    return EvidenceUpload(engine, config, actor, target, clock, request_id)


class EvidenceUpload:
    """One file arriving chunk by chunk. Not thread-safe; used by one request at a time."""

    def __init__(
        self,
        engine: Engine,
        config: StoreConfig,
        actor: Principal,
        target: Target,
        clock: Callable[[], datetime],
        request_id: str | None,
    ) -> None:
        self._engine = engine
        self._config = config
        self.actor = actor
        self.target = target
        self._clock = clock
        self._request_id = request_id
        self._uow: UnitOfWork | None = None  # the finishing transaction, opened by completing()
        # The filesystem store writes a temporary file of its own; the database store's chunks
        # wait in a spool until the finishing transaction (persistence.evidence_store).
        self._writer: EvidenceWriter = (
            SpoolWriter() if config.backend == "database" else store_for(config, None).open_writer()
        )
        self._hash = hashlib.sha256()
        self._head = bytearray()
        self._judged: content_types.Sniffed | None = None
        self.size = 0
        self.filename: str | None = None
        self.declared_type: str | None = None
        self._finished = False
        self._aborted = False

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    @property
    def backend(self) -> str:
        return self._config.backend

    def describe(self, filename: str | None, declared_type: str | None) -> None:
        """The file part's claims, known from its headers before its first byte."""
        self.filename = content_types.clean_filename(filename)
        self.declared_type = declared_type

    def write(self, data: bytes) -> None:
        """Take the next bytes of the file: cap, judge the first bytes, hash, store."""
        assert self.filename is not None, "describe() the file part before writing it"
        if self.size + len(data) > self._config.max_bytes:
            raise too_large(self._config.max_bytes)
        if len(self._head) < content_types.HEAD_BYTES:
            self._head += data[: content_types.HEAD_BYTES - len(self._head)]
        if self._judged is None and len(self._head) >= content_types.SNIFF_MIN:
            self._judge_head()
        self._hash.update(data)
        self.size += len(data)
        self._writer.write(data)

    def _judge_head(self) -> content_types.Sniffed:
        assert self.filename is not None
        sniffed = content_types.sniff_head(bytes(self._head))
        content_types.check_claims(sniffed, self.declared_type, self.filename, provisional=True)
        self._judged = sniffed
        return sniffed

    def _final_type(self) -> str:
        assert self.filename is not None
        if self.size == 0:
            raise Unprocessable(
                "the file is empty (0 bytes); an empty file cannot be evidence",
                kind="evidence_empty",
            )
        sniffed = self._judged or self._judge_head()
        if sniffed.content_type == content_types.ZIP_CONTAINER:
            with self._writer.readback() as fp:
                sniffed = content_types.inspect_zip(fp)
        return content_types.check_claims(sniffed, self.declared_type, self.filename)

    def fingerprint(self, title: str | None) -> list[Any]:
        """What makes a retry "the same request" for ``Idempotency-Key``."""
        return [self.sha256, title, *self.target.describe()]

    @contextmanager
    def completing(self) -> Iterator[Completion]:
        """The finishing transaction: judge the whole file, re-check editability under a lock,
        let the caller ``create`` (or answer the duplicate), then place the file and commit.

        Leaving the block with an error rolls everything back and removes the stored bytes.
        """
        assert not self._finished, "an upload completes once"
        self._finished = True
        try:
            content_type = self._final_type()
            self._uow = uow = UnitOfWork(self._engine, write=True, request_id=self._request_id)
            if isinstance(self._writer, SpoolWriter):
                self._writer = self._writer.transfer(
                    store_for(self._config, uow.session).open_writer()
                )
            place = _resolve(uow, self.target, for_update=True)
            _check_editable(uow, self.actor, place)
            done = Completion(self, uow, place, content_type)
            yield done
            if done.created:
                self._writer.commit()  # in place before the row commits ...
            else:
                self._writer.abort()  # a duplicate or a replay: keep nothing
            uow.commit()
        except BaseException:
            self.abort()  # ... and removed again if that commit fails
            raise
        finally:
            if self._uow is not None:
                self._uow.close()

    def abort(self) -> None:
        """Forget the upload: remove stored bytes, roll back its transaction. Idempotent."""
        if self._aborted:
            return
        self._aborted = True
        try:
            self._writer.abort()
        finally:
            if self._uow is not None:
                self._uow.rollback()
                self._uow.close()


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the file is larger than the limit of {max_bytes} bytes ({max_bytes / 1048576:.1f} MiB)",
        kind="evidence_too_large",
        extra={"max_bytes": max_bytes},
    )


class Completion:
    """Inside ``completing()``: the duplicate, if any, and the one write that creates the record."""

    def __init__(
        self, upload: EvidenceUpload, uow: UnitOfWork, place: _Place, content_type: str
    ) -> None:
        self.upload = upload
        self.uow = uow
        self.place = place
        self.content_type = content_type
        self.created = False
        self._existing = self._find_existing()

    def _find_existing(self) -> EvidenceRow | None:
        repo = self.uow.repos.evidence
        target = self.upload.target
        if isinstance(target, IndicatorTarget):
            report = self.place.ctx.report if self.place.ctx else None
            if report is None or report.id is None:
                return None
            return repo.same_bytes_for_indicator(report.id, target.indicator_no, self.upload.sha256)
        assert self.place.unit.id is not None and self.place.fiscal_year.id is not None
        return repo.same_bytes_order(
            self.place.unit.id, self.place.fiscal_year.id, self.upload.sha256
        )

    def _view(self, row: EvidenceRow) -> EvidenceView:
        return _view(row, self.place.unit.code, self.place.fiscal_year.year_be, self.place.round_id)

    def duplicate(self) -> EvidenceView | None:
        """The record already holding these bytes at this place (answered instead of a new one)."""
        return self._view(self._existing) if self._existing is not None else None

    def create(self, title: str | None) -> EvidenceView:
        if self._existing is not None:
            return self._view(self._existing)
        up, uow, place = self.upload, self.uow, self.place
        _check_room(uow, up._config, place, up.size)  # under the lock completing() took
        assert up.filename is not None
        now = up._clock()
        report_id = None
        if place.ctx is not None:
            report = reports._ensure_report(uow, place.ctx, now)
            report_id = report.id
        assert place.unit.id is not None and place.fiscal_year.id is not None
        row = EvidenceRow(
            id=str(uuid.uuid4()),
            kind=INDICATOR if place.ctx is not None else WORKING_GROUP_ORDER,
            report_id=report_id,
            unit_id=place.unit.id,
            fiscal_year_id=place.fiscal_year.id,
            indicator_no=up.target.indicator_no if isinstance(up.target, IndicatorTarget) else None,
            filename=up.filename,
            title=title,
            content_type=self.content_type,
            size=up.size,
            sha256=up.sha256,
            storage_key=up._writer.key,
            created_by=up.actor.subject,
            created_at=now,
        )
        uow.repos.evidence.add(row)
        uow.repos.evidence.flush()
        if place.ctx is not None and place.ctx.report is not None:
            reports._bump(uow, place.ctx.report, now)
        view = self._view(row)
        audit.record(
            uow,
            up.actor,
            "evidence.upload",
            "evidence",
            row.id,
            after=_snapshot(view, row, up.backend),
        )
        self.created = True
        return view


# --- reads --------------------------------------------------------------------------------------

_NOBODY = ""  # a unit code no one but an admin "sees": keeps role answers (403) as for reports


def _find(
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
        raise NotFound(f"no evidence with id '{evidence_id}'")
    return placed


def get_evidence(uow: UnitOfWork, actor: Principal, evidence_id: str) -> EvidenceView:
    p = _find(uow, actor, evidence_id, check_report_read)
    return _view(p.row, p.unit_code, p.year_be, p.round_id)


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
    p = _find(uow, actor, evidence_id, check_report_read)
    view = _view(p.row, p.unit_code, p.year_be, p.round_id)
    etag = f'"{view.sha256}"'
    if etag in held_etags:
        return Download(view, etag, None)
    try:
        chunks = store_for(config, uow.session).open_reader(p.row.storage_key)
    except FileNotFoundError:
        log.error("evidence %s: stored content %s is missing", view.id, p.row.storage_key)
        raise AppError(
            "the stored content of this evidence is missing", kind="evidence_content_missing"
        ) from None
    return Download(view, etag, chunks)


def list_for_indicator(
    uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str, indicator_no: int
) -> list[EvidenceView]:
    check_report_read(actor, unit_code)
    place = _resolve(uow, IndicatorTarget(round_id, unit_code, indicator_no))
    report = place.ctx.report if place.ctx else None
    if report is None or report.id is None:
        return []
    year_be = place.fiscal_year.year_be
    return [
        _view(r, unit_code, year_be, round_id)
        for r in uow.repos.evidence.for_indicator(report.id, indicator_no)
    ]


def list_orders(
    uow: UnitOfWork, actor: Principal, year_be: int, unit_code: str
) -> list[EvidenceView]:
    check_report_read(actor, unit_code)
    place = _resolve(uow, OrderTarget(year_be, unit_code))
    assert place.unit.id is not None and place.fiscal_year.id is not None
    rows = uow.repos.evidence.orders(place.unit.id, place.fiscal_year.id)
    return [_view(r, unit_code, year_be, None) for r in rows]


# --- deletion -----------------------------------------------------------------------------------


def delete_evidence(
    uow: UnitOfWork,
    config: StoreConfig,
    actor: Principal,
    evidence_id: str,
    *,
    clock: Callable[[], datetime],
) -> None:
    """Delete while the report it belongs to is editable (else 409); bytes go with the commit."""
    p = _find(uow, actor, evidence_id, check_report_edit)
    row = p.row
    ctx: reports.Context | None = None
    if row.kind == INDICATOR:
        assert p.round_id is not None
        ctx = reports._load(uow, p.round_id, p.unit_code, for_update=True)
        _check_report_editable(ctx, actor)
    else:
        fy = uow.repos.reference.fiscal_year_by_id(row.fiscal_year_id)
        unit = require_unit(uow, p.unit_code)
        assert fy is not None and unit.id is not None
        uow.repos.reference.lock_unit(unit.id)
        _check_order_editable(uow, actor, unit, fy)
    before = _snapshot(_view(row, p.unit_code, p.year_be, p.round_id), row, config.backend)
    store_for(config, uow.session).delete(row.storage_key)
    uow.repos.evidence.delete(row)
    if ctx is not None and ctx.report is not None:
        reports._bump(uow, ctx.report, clock())
    audit.record(uow, actor, "evidence.delete", "evidence", evidence_id, before=before)


# --- leftovers after a crash ----------------------------------------------------------------------

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
    temporary, placed = store.stale_files(time.time() - min_age.total_seconds())
    with UnitOfWork(engine) as uow:
        held = uow.repos.evidence.existing_storage_keys(placed)
    orphaned = [key for key in placed if key not in held]
    store.remove(temporary + orphaned)
    if temporary or orphaned:
        log.warning(
            "evidence sweep removed %d temporary and %d orphaned files",
            len(temporary),
            len(orphaned),
        )
    return Sweep(len(temporary), len(orphaned))
