"""Idempotency keys for writes that create: a retry replays the first answer.

The record is inserted at the *start* of the request's transaction. A concurrent request with
the same key blocks on the unique index (PostgreSQL) or on the write lock (SQLite) until the
first commits, then finds the record and replays it; so fifty parallel retries create one thing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from persistence.tables import IdempotencyRow
from persistence.unit_of_work import UnitOfWork
from services.errors import Conflict, Unprocessable

MAX_KEY_LENGTH = 255
# Visible ASCII, spaces only inside: what an HTTP header carries unchanged end to end.
KEY_PATTERN = r"^[!-~](?:[ -~]*[!-~])?$"


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: Any
    headers: dict[str, str]


def fingerprint(*parts: Any) -> str:
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _replay_of(row: IdempotencyRow, request_hash: str) -> Replay:
    if row.request_hash != request_hash:
        raise Unprocessable(kind="idempotency_key_reused", code="idempotency_key_reused")
    if row.status_code is None:
        raise Conflict(code="idempotency_in_progress")
    return Replay(
        row.status_code,
        json.loads(row.response_body) if row.response_body else None,
        json.loads(row.response_headers) if row.response_headers else {},
    )


def begin(
    uow: UnitOfWork, principal_key: str, key: str, request_hash: str
) -> IdempotencyRow | Replay:
    """Either the stored answer to replay, or a fresh record to complete with ``finish``."""
    if len(key) > MAX_KEY_LENGTH or not re.fullmatch(KEY_PATTERN, key):
        raise Unprocessable(code="idempotency_key_invalid", params={"max_length": MAX_KEY_LENGTH})
    repo = uow.repos.idempotency
    existing = repo.get(principal_key, key)
    if existing is not None:
        return _replay_of(existing, request_hash)
    row = IdempotencyRow(principal_key=principal_key, key=key, request_hash=request_hash)
    if not uow.insert_if_free(row):
        existing = repo.get(principal_key, key)
        if existing is None:  # pragma: no cover - the other writer rolled back; client retries
            raise Conflict(code="idempotency_failed_meanwhile")
        return _replay_of(existing, request_hash)
    return row


def finish(
    uow: UnitOfWork, row: IdempotencyRow, status_code: int, body: Any, headers: dict[str, str]
) -> None:
    row.status_code = status_code
    row.response_body = json.dumps(body, ensure_ascii=False, default=str)
    row.response_headers = json.dumps(headers)
    uow.repos.idempotency.save(row)


@dataclass(frozen=True)
class Keyed:
    """Whose key, which key, and the fingerprint of the request that came with it."""

    principal_key: str
    key: str
    request_hash: str


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: Any
    headers: dict[str, str]
    replayed: bool


def once(
    uow: UnitOfWork,
    keyed: Keyed | None,
    status_code: int,
    work: Callable[[UnitOfWork], Any],
    encode: Callable[[Any], tuple[Any, dict[str, str]]],
    *,
    shown_once: str | None = None,
) -> Answer:
    """``work(uow)`` once per key, in the same unit of work as the key's record; a retry gets
    the stored answer. ``encode``: the result as a JSON-ready body and its headers.
    ``shown_once``: the field of a secret shown once, stored as null (never kept in plain
    text: a replay says what was created, and the secret stays where it was first delivered)."""
    record = None
    if keyed is not None:
        found = begin(uow, keyed.principal_key, keyed.key, keyed.request_hash)
        if isinstance(found, Replay):
            return Answer(found.status_code, found.body, found.headers, replayed=True)
        record = found
    body, headers = encode(work(uow))
    if record is not None:
        stored = body | {shown_once: None} if shown_once is not None else body
        finish(uow, record, status_code, stored, {} if shown_once is not None else headers)
    return Answer(status_code, body, headers, replayed=False)
