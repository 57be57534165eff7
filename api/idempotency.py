"""The ``Idempotency-Key`` header for routes that create something.

The route hands its service call to ``Idempotency.run`` instead of ``run``: the key's record
and the service's work are one unit of work (``services.idempotency.once``), so fifty parallel
retries create one thing, and a retry replays the first answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.deps import CurrentPrincipal, Run, RunDep
from persistence.unit_of_work import UnitOfWork
from services import idempotency
from services.principal import Principal

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _produce(
    service: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    uow: UnitOfWork,
) -> Any:
    return service(uow, *args, **kwargs)


def _encode(
    shape: Callable[[Any], Any] | None,
    headers: Callable[[Any], dict[str, str]] | None,
    result: Any,
) -> tuple[Any, dict[str, str]]:
    body = jsonable_encoder(shape(result) if shape is not None else result)
    return body, headers(result) if headers is not None else {}


def _once(
    keyed: idempotency.Keyed | None,
    status_code: int,
    encode: Callable[[Any], tuple[Any, dict[str, str]]],
    shown_once: str | None,
    uow: UnitOfWork,
    work: Callable[[UnitOfWork], Any],
) -> idempotency.Answer:
    return idempotency.once(uow, keyed, status_code, work, encode, shown_once=shown_once)


def answer(found: idempotency.Answer, extra: dict[str, str] | None = None) -> JSONResponse:
    replayed = {"Idempotent-Replayed": "true"} if found.replayed else {}
    return JSONResponse(
        found.body,
        status_code=found.status_code,
        headers=found.headers | (extra or {}) | replayed,
    )


class Idempotency:
    def __init__(self, request: Request, run: Run, principal: Principal, key: str | None) -> None:
        self.request = request
        self._run = run
        self.principal = principal
        self.key = key

    def keyed(self, fingerprint_parts: Any) -> idempotency.Keyed | None:
        if self.key is None:
            return None
        request_hash = idempotency.fingerprint(
            self.request.method, self.request.url.path, fingerprint_parts
        )
        return idempotency.Keyed(self.principal.subject, self.key, request_hash)

    def once_with(
        self,
        fingerprint_parts: Any,
        status_code: int,
        *,
        shape: Callable[[Any], Any] | None = None,
        headers: Callable[[Any], dict[str, str]] | None = None,
        shown_once: str | None = None,
    ) -> Callable[[UnitOfWork, Callable[[UnitOfWork], Any]], idempotency.Answer]:
        """``(uow, work) -> Answer``: ``work(uow)`` once per key, for a service that runs it
        within a unit of work of its own sequence (after confirming a password, at the end of
        an upload); the arguments as ``run``'s."""
        return partial(
            _once,
            self.keyed(fingerprint_parts),
            status_code,
            partial(_encode, shape, headers),
            shown_once,
        )

    async def run(
        self,
        fingerprint_parts: Any,
        status_code: int,
        service: Callable[..., Any],
        /,
        *args: Any,
        shape: Callable[[Any], Any] | None = None,
        headers: Callable[[Any], dict[str, str]] | None = None,
        shown_once: str | None = None,
        **kwargs: Any,
    ) -> JSONResponse:
        """``service(uow, *args, **kwargs)`` once per key; a retry gets the stored status and
        body. ``shape``: the result as the answer's model; ``headers``: the answer's headers
        from the result. ``shown_once``: the field holding a secret shown only once (a client
        secret, an API token), stored as null and answered with ``Cache-Control: no-store``."""
        found = await self._run(
            idempotency.once,
            self.keyed(fingerprint_parts),
            status_code,
            partial(_produce, service, args, kwargs),
            partial(_encode, shape, headers),
            shown_once=shown_once,
        )
        return answer(found, NO_STORE if shown_once is not None else None)


def get_idempotency(
    request: Request,
    run: RunDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=idempotency.MAX_KEY_LENGTH,
            pattern=idempotency.KEY_PATTERN,
            description="Retry-safe creation: the same key and body replay the first answer.",
        ),
    ] = None,
) -> Idempotency:
    return Idempotency(request, run, principal, idempotency_key)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
