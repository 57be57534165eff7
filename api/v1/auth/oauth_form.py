"""Reading client credentials from HTTP Basic (RFC 6749 §2.3.1) and OAuth error answers."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from fastapi import Request
from fastapi.responses import JSONResponse

from api.errors import app_error_response
from services.auth import invalid_request
from services.errors import AppError

MAX_FIELD = 1024


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` from ``Authorization: Basic …``, or None if absent.

    RFC 6749 says both parts are form-url-encoded before base64, so they are decoded here.
    """
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise invalid_request("basic_not_base64") from exc
    client_id, sep, secret = raw.partition(":")
    if not sep:
        raise invalid_request("basic_no_colon")
    return unquote_plus(client_id), unquote_plus(secret)


def required(name: str, value: str | None) -> str:
    if not value:
        raise invalid_request("parameter_missing", {"name": name})
    if len(value) > MAX_FIELD:
        raise invalid_request("parameter_too_long", {"name": name})
    if "\x00" in value:  # before any lookup or sign-in bookkeeping: no column can hold it
        raise invalid_request("parameter_nul", {"name": name})
    return value


def error_answer(request: Request, exc: AppError) -> JSONResponse:
    """The problem+json answer for ``exc``, *returned* instead of raised.

    Returning lets the request's unit of work commit what the failure itself must keep: the
    sign-in failure counters, and a refresh-token family revoked because of reuse.
    """
    response = app_error_response(request, exc)
    response.headers["Cache-Control"] = "no-store"
    return response
