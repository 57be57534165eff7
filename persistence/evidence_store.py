"""Where evidence bytes live: one small interface, two backends.

Why two: the local filesystem is the embedded default (nothing else to run); the database
backend lets several app instances on PostgreSQL share evidence without a shared disk. Both
stream in both directions: nothing here ever holds a whole file in memory.

The transaction contract the evidence service relies on:

- A writer's bytes belong to no record until the service inserts the metadata row and commits.
  ``FilesystemStore`` writes to a temporary name in the evidence directory; ``commit()`` fsyncs
  and renames it into place. The service calls it *before* the database commit, so a committed
  row never points to a missing file, and calls ``abort()`` if that commit fails, so a rolled
  back row leaves no orphan file. ``DatabaseStore`` inserts chunk rows into the caller's session,
  so they commit or roll back with the metadata row; ``abort()`` deletes them (needed when the
  transaction commits without them, e.g. a duplicate upload). An upload reaches it through a
  ``SpoolWriter`` (a temporary file), so that no transaction is open while the client sends.
- ``delete(key)`` follows the transaction too: ``DatabaseStore`` deletes the chunk rows in it;
  ``FilesystemStore`` unlinks the file only once the session has committed, so a delete that
  rolls back keeps its file.

What a crash (a killed process) can leave behind in the filesystem store, and nothing else:
a temporary upload file (``.upload-*.part``: the upload was cut short), or a file under its
final name without a committed row (killed between the rename and the commit, or between a
deletion's commit and its unlink). Neither is ever answered to a client; ``stale_files`` finds
them for ``services.evidence.sweep_leftovers``. The database store leaves nothing: its chunks
commit or roll back with their row.

Storage keys are generated here (``uuid4``); nothing a client sends ever reaches a path.
"""

from __future__ import annotations

import bisect
import io
import logging
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple, Protocol

from sqlalchemy import delete, event, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from persistence.tables import EvidenceChunkRow

log = logging.getLogger("sqs.evidence")

READ_CHUNK = 256 * 1024
DB_CHUNK = 512 * 1024
TEMP_PREFIX = ".upload-"
_KEY = re.compile(r"^[0-9a-f]{32}$")
_TEMP = re.compile(r"^" + re.escape(TEMP_PREFIX) + r"[A-Za-z0-9_]+\.part$")
_CHUNKS = EvidenceChunkRow.__table__  # type: ignore[attr-defined]


class EvidenceWriter(Protocol):
    """One file being stored; ``key`` is its generated storage name."""

    key: str

    def write(self, data: bytes) -> None: ...

    def readback(self) -> BinaryIO:
        """A seekable view of the bytes written so far (to inspect a ZIP container)."""
        ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class EvidenceStore(Protocol):
    name: str

    def open_writer(self) -> EvidenceWriter: ...

    def open_reader(self, key: str) -> Iterator[bytes]:
        """The stored bytes chunk by chunk; raises ``FileNotFoundError`` at once if missing."""
        ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    return uuid.uuid4().hex


def _checked_key(key: str) -> str:
    """Keys are ours (uuid4 hex); anything else would be a bug, never a path to follow."""
    if not _KEY.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


# --- filesystem -----------------------------------------------------------------------------


class _FileWriter:
    def __init__(self, root: Path) -> None:
        self.key = new_key()
        self._root = root
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=root)
        self._tmp = Path(tmp)
        self._final = root / self.key
        self._file: BinaryIO | None = os.fdopen(fd, "wb")
        self._placed = False

    def write(self, data: bytes) -> None:
        assert self._file is not None, "write after commit or abort"
        self._file.write(data)

    def readback(self) -> BinaryIO:
        if self._file is not None:
            self._file.flush()
        return (self._final if self._placed else self._tmp).open("rb")

    def commit(self) -> None:
        """Make the bytes durable under their final name: fsync, rename, fsync the directory."""
        assert self._file is not None, "commit after commit or abort"
        f, self._file = self._file, None
        with f:
            f.flush()
            os.fsync(f.fileno())
        os.replace(self._tmp, self._final)
        self._placed = True
        _fsync_dir(self._root)

    def abort(self) -> None:
        """Remove whatever this writer left: the temporary file, or the placed one."""
        if self._file is not None:
            f, self._file = self._file, None
            f.close()
        self._tmp.unlink(missing_ok=True)
        if self._placed:
            self._final.unlink(missing_ok=True)
            self._placed = False


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


class StaleFiles(NamedTuple):
    """Files of the filesystem store last written before a given time."""

    temporary: list[str]
    """Uploads a crash cut short."""
    placed: list[str]
    """Files in place, which an evidence row may or may not name."""


def _iter_file(f: BinaryIO, size: int) -> Iterator[bytes]:
    with f:
        while chunk := f.read(size):
            yield chunk


class FilesystemStore:
    """Files named by their storage key in one flat directory (``SQS_EVIDENCE_DIR``)."""

    name = "filesystem"

    def __init__(self, root: Path, session: Session | None = None) -> None:
        self.root = Path(root)
        self.session = session

    def _ensure_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def open_writer(self) -> EvidenceWriter:
        self._ensure_root()
        return _FileWriter(self.root)

    def path_of(self, key: str) -> Path:
        return self.root / _checked_key(key)

    def open_reader(self, key: str) -> Iterator[bytes]:
        f = self.path_of(key).open("rb")  # FileNotFoundError now, not mid-response
        return _iter_file(f, READ_CHUNK)

    def delete(self, key: str) -> None:
        path = self.path_of(key)

        def unlink(*_args: object) -> None:
            try:
                path.unlink(missing_ok=True)
            except OSError:  # the row is gone; a leftover file is harmless, so only log it
                log.exception("could not remove evidence file %s", path.name)

        if self.session is None:
            unlink()
        else:
            event.listen(self.session, "after_commit", unlink, once=True)

    def stale_files(self, written_before: float) -> StaleFiles:
        """This store's temporary and placed files last written before ``written_before`` (a
        Unix time). Anything else in the directory is not ours and is left alone."""
        temporary: list[str] = []
        placed: list[str] = []
        if not self.root.is_dir():
            return StaleFiles(temporary, placed)
        with os.scandir(self.root) as entries:
            for entry in entries:
                try:
                    stat = entry.stat(follow_symlinks=False)
                except FileNotFoundError:  # removed meanwhile
                    continue
                if not entry.is_file(follow_symlinks=False) or stat.st_mtime >= written_before:
                    continue
                if _TEMP.match(entry.name):
                    temporary.append(entry.name)
                elif _KEY.match(entry.name):
                    placed.append(entry.name)
        return StaleFiles(temporary, placed)

    def remove(self, names: Iterable[str]) -> None:
        """Remove files found by ``stale_files``."""
        for name in names:
            if not (_TEMP.match(name) or _KEY.match(name)):
                raise ValueError(f"not a file of this store: {name!r}")
            (self.root / name).unlink(missing_ok=True)


# --- database -------------------------------------------------------------------------------


class _ChunkFile(io.RawIOBase):
    """Random access over a key's chunk rows (zipfile needs to seek to the central directory)."""

    def __init__(self, session: Session, key: str, sizes: list[int]) -> None:
        self._session = session
        self._key = key
        self._starts = [0]
        for n in sizes:
            self._starts.append(self._starts[-1] + n)
        self._size = self._starts[-1]
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _chunk(self, seq: int) -> bytes:
        if self._cached is None or self._cached[0] != seq:
            q = select(_CHUNKS.c.data).where(
                _CHUNKS.c.storage_key == self._key, _CHUNKS.c.seq == seq
            )
            self._cached = (seq, bytes(self._session.execute(q).scalar_one()))
        return self._cached[1]

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._size:
            return 0
        seq = bisect.bisect_right(self._starts, self._pos) - 1
        chunk = self._chunk(seq)
        offset = self._pos - self._starts[seq]
        n = min(len(buffer), len(chunk) - offset)
        buffer[:n] = chunk[offset : offset + n]
        self._pos += n
        return n


class _ChunkWriter:
    def __init__(self, session: Session, chunk_size: int) -> None:
        self.key = new_key()
        self._session = session
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._sizes: list[int] = []

    def _insert(self, data: bytes) -> None:
        # Core insert: an ORM object would stay in the session's identity map with its bytes.
        self._session.execute(
            insert(_CHUNKS).values(storage_key=self.key, seq=len(self._sizes), data=data)
        )
        self._sizes.append(len(data))

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._chunk_size:
            self._insert(bytes(self._buffer[: self._chunk_size]))
            del self._buffer[: self._chunk_size]

    def _flush(self) -> None:
        if self._buffer:
            self._insert(bytes(self._buffer))
            self._buffer.clear()

    def readback(self) -> BinaryIO:
        self._flush()
        return io.BufferedReader(_ChunkFile(self._session, self.key, self._sizes), READ_CHUNK)  # type: ignore[return-value]

    def commit(self) -> None:
        self._flush()

    def abort(self) -> None:
        self._buffer.clear()
        if self._sizes:
            try:
                self._session.execute(delete(_CHUNKS).where(_CHUNKS.c.storage_key == self.key))
            except Exception:  # the transaction is failing anyway: its rollback removes them
                log.debug("chunk cleanup skipped; the transaction rolls back", exc_info=True)
            self._sizes = []


def _iter_chunks(engine: Engine, key: str, seqs: list[int]) -> Iterator[bytes]:
    """One short connection per chunk, so a slow client never holds a pooled connection."""
    for seq in seqs:
        q = select(_CHUNKS.c.data).where(_CHUNKS.c.storage_key == key, _CHUNKS.c.seq == seq)
        with engine.connect() as conn:
            data = conn.execute(q).scalar_one_or_none()
        if data is None:
            raise OSError(f"evidence {key} lost chunk {seq} while streaming (deleted meanwhile?)")
        yield bytes(data)


class DatabaseStore:
    """Files as ordered ``evidence_chunk`` rows in the request's own transaction."""

    name = "database"

    def __init__(self, session: Session, chunk_size: int = DB_CHUNK) -> None:
        self.session = session
        self.chunk_size = chunk_size

    def open_writer(self) -> EvidenceWriter:
        return _ChunkWriter(self.session, self.chunk_size)

    def open_reader(self, key: str) -> Iterator[bytes]:
        q = (
            select(_CHUNKS.c.seq)
            .where(_CHUNKS.c.storage_key == _checked_key(key))
            .order_by(_CHUNKS.c.seq)
        )
        seqs = list(self.session.execute(q).scalars())
        if not seqs:
            raise FileNotFoundError(f"no chunks stored for evidence {key}")
        bind = self.session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        return _iter_chunks(engine, key, seqs)

    def delete(self, key: str) -> None:
        self.session.execute(delete(_CHUNKS).where(_CHUNKS.c.storage_key == _checked_key(key)))


class SpoolWriter:
    """An upload's bytes in an anonymous temporary file until a transaction is ready for them.

    The database store inserts chunks into a transaction; were they inserted as they arrive,
    that transaction (and on SQLite the one write lock) would last as long as the client takes
    to send them. So they arrive here first, and ``transfer`` moves them into the store's
    writer inside the finishing transaction. The file has no name: a crash leaves nothing."""

    key = ""  # no storage key until the bytes are transferred into a store

    def __init__(self) -> None:
        self._file: BinaryIO | None = tempfile.TemporaryFile()  # noqa: SIM115 - closed by abort

    def write(self, data: bytes) -> None:
        assert self._file is not None, "write after transfer or abort"
        self._file.write(data)

    def readback(self) -> BinaryIO:
        assert self._file is not None, "readback after transfer or abort"
        self._file.flush()
        view = os.fdopen(os.dup(self._file.fileno()), "rb")  # closing it keeps the spool open
        view.seek(0)
        return view

    def transfer(self, into: EvidenceWriter) -> EvidenceWriter:
        """Copy the bytes into ``into`` (a store's writer) and drop the spool."""
        assert self._file is not None, "transfer after transfer or abort"
        self._file.flush()
        self._file.seek(0)
        while chunk := self._file.read(DB_CHUNK):
            into.write(chunk)
        self.abort()
        return into

    def commit(self) -> None:
        raise AssertionError("a spool is transferred into a store, never committed itself")

    def abort(self) -> None:
        if self._file is not None:
            f, self._file = self._file, None
            f.close()


def make_store(backend: str, directory: Path, session: Session | None) -> EvidenceStore:
    """The configured backend (``SQS_EVIDENCE_BACKEND``), bound to a unit of work's session."""
    if backend == "database":
        if session is None:
            raise ValueError("the database evidence backend needs a session")
        return DatabaseStore(session)
    if backend == "filesystem":
        return FilesystemStore(directory, session)
    raise ValueError(f"unknown evidence backend {backend!r}")
