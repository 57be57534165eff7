"""Idempotent creation of something whose secret is shown once (portal clients, API tokens).

``api.idempotency`` stores the first answer to replay it. Storing an answer that holds a
client secret or an API token would keep that secret in plain text in the database, so this
variant stores the answer with the secret field set to null: a replay says what was created,
and the secret stays where it was first delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.idempotency import Idempotency
from services import idempotency

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def create_shown_once(
    idem: Idempotency, fingerprint_parts: Any, produce: Callable[[], Any], secret_field: str
) -> JSONResponse:
    record = None
    if idem.key is not None:
        request_hash = idempotency.fingerprint(
            idem.request.method, idem.request.url.path, fingerprint_parts
        )
        found = idempotency.begin(idem.uow, idem.principal.subject, idem.key, request_hash)
        if isinstance(found, idempotency.Replay):
            return JSONResponse(
                found.body,
                status_code=found.status_code,
                headers=found.headers | NO_STORE | {"Idempotent-Replayed": "true"},
            )
        record = found
    body = jsonable_encoder(produce())
    if record is not None:
        idempotency.finish(idem.uow, record, 201, body | {secret_field: None}, {})
    return JSONResponse(body, status_code=201, headers=NO_STORE)
