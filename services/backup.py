"""An online backup of the SQLite database (``sqs backup``).

SQLite's backup API copies a consistent snapshot while the service keeps running: readers and
the writer are not stopped, and a copy of the file with ``cp`` could catch a write half-way
(and would miss what is still in the ``-wal`` file). The copy is written beside the destination
under a temporary name, checked, switched from WAL to a plain rollback journal so it is one
self-contained file, and only then renamed into place: an interrupted backup never leaves a
half-written file under the name given, and ``force`` never destroys the old backup first.
PostgreSQL has its own tools (``pg_dump``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from persistence.db import is_sqlite, normalise_url
from services.errors import Conflict, NotFound, Unprocessable


@dataclass(frozen=True)
class BackupResult:
    source: Path
    destination: Path
    pages: int
    size: int


def sqlite_path(database_url: str) -> Path:
    """The database file behind a SQLite URL; Unprocessable for anything else."""
    url = normalise_url(database_url)
    if not is_sqlite(url):
        raise Unprocessable(
            code="backup_sqlite_only", params={"backend": make_url(url).get_backend_name()}
        )
    database = make_url(url).database
    if not database or database == ":memory:":
        raise Unprocessable(code="backup_in_memory")
    return Path(database)


def backup_sqlite(database_url: str, destination: Path, *, force: bool = False) -> BackupResult:
    source = sqlite_path(database_url)
    if not source.is_file():
        raise NotFound(code="backup_source_missing", params={"path": str(source)})
    if destination.exists() and not force:
        raise Conflict(code="backup_destination_exists", params={"path": str(destination)})
    if destination.exists() and not destination.is_file():
        raise Conflict(code="backup_destination_not_file", params={"path": str(destination)})
    if not destination.parent.is_dir():
        raise NotFound(code="backup_directory_missing", params={"path": str(destination.parent)})
    if destination.resolve() == source.resolve():
        raise Conflict(code="backup_onto_itself")
    fd, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    os.close(fd)
    partial = Path(name)
    try:
        # Read-only and never created: a wrong path must not leave an empty database behind.
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
                checked = dst.execute("PRAGMA quick_check").fetchone()[0]
                if checked != "ok":
                    raise Unprocessable(code="backup_check_failed", params={"result": checked})
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(destination)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(source, destination, pages, destination.stat().st_size)
