"""Both evidence stores behind the same small interface, with the same tests.

What the service relies on: bytes written in pieces read back identically; a seekable readback
before commit (zipfile inspects containers through it); ``abort`` leaves nothing; the database
store's chunks follow the transaction; the filesystem store places the file on ``commit`` and
deletes only after the session commits; keys are generated and never a client's path.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from persistence.evidence_store import DatabaseStore, FilesystemStore, SpoolWriter, make_store
from persistence.tables import EvidenceChunkRow

BACKENDS = ("filesystem", "database")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def store(backend, tmp_path, session):
    if backend == "database":
        return DatabaseStore(session, chunk_size=1000)  # small chunks: many rows per file
    return FilesystemStore(tmp_path / "evidence", session)


def chunk_rows(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(EvidenceChunkRow)).scalar_one()


def leftovers(backend: str, tmp_path, engine) -> int:
    if backend == "database":
        return chunk_rows(engine)
    root = tmp_path / "evidence"
    return len(list(root.iterdir())) if root.exists() else 0


DATA = bytes(range(256)) * 40 + "หลักฐาน".encode()  # ~10 KB, not a multiple of the chunk


def write_all(writer, data: bytes, piece: int = 777) -> None:
    for i in range(0, len(data), piece):
        writer.write(data[i : i + piece])


def test_written_bytes_read_back_identically(store, session):
    writer = store.open_writer()
    write_all(writer, DATA)
    writer.commit()
    session.commit()
    assert b"".join(store.open_reader(writer.key)) == DATA


def test_readback_is_seekable_before_commit(store, session):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "x" * 5000)
    writer = store.open_writer()
    write_all(writer, buf.getvalue(), piece=300)
    with writer.readback() as fp, zipfile.ZipFile(fp) as zf:
        assert zf.namelist() == ["mimetype", "content.xml"]
        assert zf.read("content.xml") == b"x" * 5000
    writer.abort()


def test_abort_leaves_nothing(store, session, backend, tmp_path, engine):
    writer = store.open_writer()
    write_all(writer, DATA)
    writer.abort()
    session.commit()
    assert leftovers(backend, tmp_path, engine) == 0


def test_abort_after_commit_removes_the_placed_bytes(store, session, backend, tmp_path, engine):
    """When the database commit fails after the file was placed, abort takes it away again."""
    writer = store.open_writer()
    write_all(writer, DATA)
    writer.commit()
    writer.abort()
    session.commit()
    assert leftovers(backend, tmp_path, engine) == 0


def test_rolled_back_transaction_leaves_nothing_in_the_database(store, session, backend, engine):
    writer = store.open_writer()
    write_all(writer, DATA)
    writer.commit()
    session.rollback()
    if backend == "database":
        assert chunk_rows(engine) == 0
    else:  # the filesystem store does not see the rollback: the service aborts the writer
        writer.abort()


def test_delete_follows_the_transaction(store, session, backend, tmp_path, engine):
    writer = store.open_writer()
    write_all(writer, DATA)
    writer.commit()
    session.commit()
    store.delete(writer.key)
    session.rollback()  # a delete that rolls back keeps the bytes
    assert b"".join(store.open_reader(writer.key)) == DATA
    store.delete(writer.key)
    session.commit()
    assert leftovers(backend, tmp_path, engine) == 0
    with pytest.raises(FileNotFoundError):
        store.open_reader(writer.key)


def test_missing_key_fails_before_streaming(store):
    with pytest.raises(FileNotFoundError):
        store.open_reader("0" * 32)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "x", "/tmp/a", "A" * 32])
def test_only_generated_keys_are_accepted(store, bad):
    with pytest.raises(ValueError):
        store.open_reader(bad)
    with pytest.raises(ValueError):
        store.delete(bad)


def test_keys_are_fresh_uuid_hex(store):
    keys = {store.open_writer().key for _ in range(5)}
    assert len(keys) == 5 and all(len(k) == 32 and int(k, 16) >= 0 for k in keys)


def test_database_chunks_have_the_configured_size(session, engine):
    store = DatabaseStore(session, chunk_size=1000)
    writer = store.open_writer()
    write_all(writer, DATA, piece=333)
    writer.commit()
    session.commit()
    with Session(engine) as s:
        sizes = (
            s.execute(select(func.length(EvidenceChunkRow.data)).order_by(EvidenceChunkRow.seq))
            .scalars()
            .all()
        )
    assert sum(sizes) == len(DATA)
    assert all(n == 1000 for n in sizes[:-1]) and 0 < sizes[-1] <= 1000


def test_filesystem_writes_under_a_temporary_name_until_commit(tmp_path):
    store = FilesystemStore(tmp_path / "evidence")
    writer = store.open_writer()
    writer.write(DATA)
    names = [p.name for p in (tmp_path / "evidence").iterdir()]
    assert len(names) == 1 and names[0].startswith(".upload-") and names[0] != writer.key
    writer.commit()
    assert [p.name for p in (tmp_path / "evidence").iterdir()] == [writer.key]


def test_make_store_picks_the_backend(tmp_path, session):
    make: Callable[..., object] = make_store
    assert isinstance(make("filesystem", tmp_path, session), FilesystemStore)
    assert isinstance(make("database", tmp_path, session), DatabaseStore)
    with pytest.raises(ValueError):
        make("s3", tmp_path, session)


def test_a_spool_touches_no_session_until_transferred(session, engine):
    """The database store's uploads wait in a spool (no transaction while the client sends),
    then go to the store's chunks in one step inside the finishing transaction."""
    spool = SpoolWriter()
    write_all(spool, DATA, piece=333)
    with spool.readback() as view:  # the ZIP inspection reads it; the spool stays usable
        assert view.read() == DATA
    assert not session.in_transaction()
    writer = spool.transfer(DatabaseStore(session, chunk_size=1000).open_writer())
    writer.commit()
    session.commit()
    assert b"".join(DatabaseStore(session).open_reader(writer.key)) == DATA
    with pytest.raises(AssertionError):
        spool.write(b"more")  # the spool is gone once transferred


def test_an_aborted_spool_leaves_nothing(session):
    spool = SpoolWriter()
    spool.write(DATA)
    spool.abort()
    spool.abort()  # idempotent
    assert session.execute(select(func.count()).select_from(EvidenceChunkRow)).scalar_one() == 0
