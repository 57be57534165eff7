"""The ``Idempotency-Key`` header for routes that create something."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.deps import CurrentPrincipal, UowDep
from persistence.unit_of_work import UnitOfWork
from services import idempotency
from services.principal import Principal


class Idempotency:
    def __init__(
        self, request: Request, uow: UnitOfWork, principal: Principal, key: str | None
    ) -> None:
        self.request = request
        self.uow = uow
        self.principal = principal
        self.key = key

    def run(
        self,
        fingerprint_parts: Any,
        status_code: int,
        produce: Callable[[], Any],
        headers: Callable[[Any], dict[str, str]] | None = None,
    ) -> JSONResponse:
        """Run ``produce`` once per key; answer a retry with the stored status and body."""
        record = None
        if self.key is not None:
            request_hash = idempotency.fingerprint(
                self.request.method, self.request.url.path, fingerprint_parts
            )
            found = idempotency.begin(self.uow, self.principal.subject, self.key, request_hash)
            if isinstance(found, idempotency.Replay):
                return JSONResponse(
                    found.body,
                    status_code=found.status_code,
                    headers=found.headers | {"Idempotent-Replayed": "true"},
                )
            record = found
        result = produce()
        body = jsonable_encoder(result)
        extra = headers(result) if headers else {}
        if record is not None:
            idempotency.finish(self.uow, record, status_code, body, extra)
        return JSONResponse(body, status_code=status_code, headers=extra)


def get_idempotency(
    request: Request,
    uow: UowDep,
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
    return Idempotency(request, uow, principal, idempotency_key)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
