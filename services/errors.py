"""One error hierarchy for the application layer; each class carries its HTTP status.

Services raise these (they never import FastAPI); ``api/errors.py`` turns every one of them,
and every ``domain.errors.DomainError``, into RFC 9457 problem+json.

An error raised with a message ``code`` (``domain.messages.MESSAGES``) and its ``params`` is
worded by the catalogue: ``detail`` is its English sentence, and the API answers the Thai one
to a caller who prefers Thai. An error raised with a ``detail`` only keeps those words.
"""

from __future__ import annotations

from typing import Any

from domain.messages import render


class AppError(Exception):
    status: int = 500
    kind: str = "internal_error"
    title: str = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        problems: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        kind: str | None = None,
        extra: dict[str, Any] | None = None,
        code: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.params = params or {}
        if detail is None:
            detail = (render(code, "en", self.params) if code else None) or self.title
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []
        self.headers = headers or {}
        self.extra = extra or {}
        if kind:
            self.kind = kind


class BadRequest(AppError):
    status, kind, title = 400, "bad_request", "Bad request"


class Unauthorized(AppError):
    status, kind, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        """Without words of its own: "sign in first" (``token_required``). A refused token
        (``invalid_token=True``) says so in ``WWW-Authenticate`` as RFC 6750 §3.1 asks."""
        invalid = kw.pop("invalid_token", False)
        if detail is None and "code" not in kw:
            kw["code"] = "token_invalid" if invalid else "token_required"
        challenge = 'Bearer error="invalid_token"' if invalid else "Bearer"
        kw.setdefault("headers", {"WWW-Authenticate": challenge})
        super().__init__(detail, **kw)


class Forbidden(AppError):
    status, kind, title = 403, "forbidden", "Forbidden"


class NotFound(AppError):
    status, kind, title = 404, "not_found", "Not found"


class Conflict(AppError):
    status, kind, title = 409, "conflict", "Conflict"


class PreconditionFailed(AppError):
    status, kind, title = 412, "precondition_failed", "Precondition failed"


class PayloadTooLarge(AppError):
    status, kind, title = 413, "payload_too_large", "Payload too large"


class UnsupportedMediaType(AppError):
    status, kind, title = 415, "unsupported_media_type", "Unsupported media type"


class Unprocessable(AppError):
    status, kind, title = 422, "unprocessable", "Unprocessable content"


class TooManyRequests(AppError):
    status, kind, title = 429, "too_many_requests", "Too many requests"


class ServiceUnavailable(AppError):
    status, kind, title = 503, "service_unavailable", "Service unavailable"
