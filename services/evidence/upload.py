"""Uploading one evidence file: streamed, judged from its bytes, stored once.

``begin_upload`` checks access, editability and room before a single byte is read;
``EvidenceUpload.write`` then takes the file chunk by chunk, counting against the cap (413 the
moment it is passed), hashing (SHA-256) and judging the first bytes (415 at once for anything
not on the allow-list). ``completing()`` inspects ZIP containers once the whole file is
stored, re-checks editability under a lock, and inserts the row, the audit event and the
report's version bump in one transaction. Any failure on the way removes what was written
(``abort``): no temp file, no chunk row, no metadata row.

No database transaction is open while the body streams in (a slow mobile upload, or a client
that sends half a body and waits, must hold no connection and not SQLite's write lock). The
filesystem backend writes a temporary file in the evidence directory, renamed into place just
before the commit and removed again if the commit fails. The database backend spools the bytes
to an anonymous temporary file and inserts its chunks in the finishing transaction, so they
commit or roll back together with the metadata row.

The same bytes (SHA-256) uploaded again to the same place answer the existing record
(``Completion.duplicate``; the API says 200 instead of 201) and the new copy is discarded, so
a file is stored once. The existing record keeps its filename and title.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from persistence.evidence_store import EvidenceWriter, FilesystemStore, SpoolWriter
from persistence.repositories.evidence import INDICATOR, WORKING_GROUP_ORDER
from persistence.tables import EvidenceRow
from persistence.unit_of_work import UnitOfWork
from services import audit, content_types
from services.access import check_report_edit
from services.errors import PayloadTooLarge, Unprocessable
from services.evidence.config import StoreConfig
from services.evidence.place import IndicatorTarget, Place, Target, check_editable, resolve
from services.evidence.room import check_room, mib
from services.evidence.views import EvidenceView, evidence_view, snapshot
from services.principal import Principal
from services.reports.loaded import save

MAX_TITLE = 300


def clean_title(raw: str | None) -> str | None:
    if raw is None:
        return None
    title = "".join(ch for ch in raw if unicodedata.category(ch) != "Cc" or ch == " ")
    title = " ".join(unicodedata.normalize("NFC", title).split())
    if len(title) > MAX_TITLE:
        raise Unprocessable(
            kind="evidence_title_too_long",
            code="evidence_title_too_long",
            params={"max_length": MAX_TITLE},
        )
    return title or None


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        kind="evidence_too_large",
        code="evidence_too_large",
        params={"max_bytes": max_bytes, "max_mib": mib(max_bytes)},
        extra={"max_bytes": max_bytes},
    )


def begin_upload(
    engine: Engine,
    config: StoreConfig,
    actor: Principal,
    target: Target,
    *,
    clock: Callable[[], datetime],
    request_id: str | None = None,
) -> EvidenceUpload:
    """Refuse early (403/404/409/413) before any byte is read, then open the storage writer.

    The check runs in a short read transaction; none is open while the body streams in.
    """
    check_report_edit(actor, target.unit_code)
    with UnitOfWork(engine, request_id=request_id) as check:
        place = resolve(check, target)
        check_editable(check, actor, place)
        check_room(check, config, place)
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
            SpoolWriter()
            if config.backend == "database"
            else FilesystemStore(config.directory).open_writer()
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
            raise Unprocessable(kind="evidence_empty", code="evidence_empty")
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
                store = uow.repos.evidence.store(self._config.backend, self._config.directory)
                self._writer = self._writer.transfer(store.open_writer())
            place = resolve(uow, self.target, for_update=True)
            check_editable(uow, self.actor, place)
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


class Completion:
    """Inside ``completing()``: the duplicate, if any, and the one write that creates the record."""

    def __init__(
        self, upload: EvidenceUpload, uow: UnitOfWork, place: Place, content_type: str
    ) -> None:
        self.upload = upload
        self.uow = uow
        self.place = place
        self.content_type = content_type
        self.created = False
        self._existing = self._find_existing()

    def _find_existing(self) -> EvidenceRow | None:
        repo = self.uow.repos.evidence
        target, place = self.upload.target, self.place
        if isinstance(target, IndicatorTarget):
            report_id = place.report.head.report_id if place.report else None
            if report_id is None:
                return None
            return repo.same_bytes_for_indicator(report_id, target.indicator_no, self.upload.sha256)
        return repo.same_bytes_order(place.unit_id, place.fiscal_year_id, self.upload.sha256)

    def _view(self, row: EvidenceRow) -> EvidenceView:
        return evidence_view(row, self.place.unit_code, self.place.year_be, self.place.round_id)

    def duplicate(self) -> EvidenceView | None:
        """The record already holding these bytes at this place (answered instead of a new one)."""
        return self._view(self._existing) if self._existing is not None else None

    def create(self, title: str | None) -> EvidenceView:
        if self._existing is not None:
            return self._view(self._existing)
        up, uow, place = self.upload, self.uow, self.place
        check_room(uow, up._config, place, up.size)  # under the lock completing() took
        assert up.filename is not None
        now = up._clock()
        report_id = None
        if place.report is not None:
            save(uow, place.report, now)  # the report's version moves with its evidence
            report_id = place.report.head.report_id
        row = EvidenceRow(
            id=str(uuid.uuid4()),
            kind=INDICATOR if place.report is not None else WORKING_GROUP_ORDER,
            report_id=report_id,
            unit_id=place.unit_id,
            fiscal_year_id=place.fiscal_year_id,
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
        view = self._view(row)
        audit.record(
            uow,
            up.actor,
            "evidence.upload",
            "evidence",
            row.id,
            after=snapshot(view, row, up.backend),
        )
        self.created = True
        return view
