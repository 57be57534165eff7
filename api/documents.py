"""The one place where the API makes a document (a PDF or a chart): ``make_document``.

Documents are slow beside every other answer (scoring a whole round, typesetting pages), so
they run off the event loop, on threads of their own bounded by ``SQS_DOCUMENT_CONCURRENCY``
(``api.runtime.Runtime.documents``): a burst of downloads never takes the worker threads that score
reads and writes need. When every slot is busy the caller gets 429 with ``Retry-After``
rather than a queue that grows without bound. Gathering holds a pool slot and a read-only
unit of work (``api.runtime.Runtime.read_for``); typesetting holds neither, so no database
connection waits on the typesetter.

Every document route calls this and nothing else, so an app-wide export limiter (another
branch adds one for CSV and XLSX) can take its place here: ``gather`` and ``render`` are
partials of module-level functions over plain values (the moment of generation is passed as a
``datetime``, not a clock), as a worker process needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from fastapi import Request

from api.deps import runtime_of
from persistence.unit_of_work import UnitOfWork
from services.errors import TooManyRequests

T = TypeVar("T")
RETRY_AFTER_SECONDS = 5


async def make_document(
    request: Request,
    gather: Callable[[UnitOfWork], Any],
    render: Callable[[Any], T] | None = None,
) -> T:
    """``render(gather(uow))`` (or ``gather(uow)`` alone), on the documents' threads."""
    runtime = runtime_of(request)
    limiter = runtime.documents
    if limiter.borrowed_tokens >= limiter.total_tokens:
        raise TooManyRequests(
            code="documents_busy",
            params={"seconds": RETRY_AFTER_SECONDS},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            kind="documents_busy",
        )
    facts = await runtime.read_for(
        gather, limiter=limiter, request_id=getattr(request.state, "request_id", None)
    )
    if render is None:
        return facts  # type: ignore[no-any-return]
    return await anyio.to_thread.run_sync(partial(render, facts), limiter=limiter)
