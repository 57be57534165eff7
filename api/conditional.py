"""Conditional GETs (RFC 9110 §13): a strong ``ETag`` on every read, ``If-None-Match`` → 304.

Why: a mobile app polling a report, or a portal polling the scoreboard, should pay one round
trip and no body when nothing changed. The tag is made from what the read already has in hand
(a version, the inputs a score is computed from, the rows a view is built from), never by
serialising the answer and hashing the bytes, so a 304 costs the read and nothing more.

The tags themselves are made by the services (services/etags.py).
"""

from __future__ import annotations

from fastapi import Request, Response


def matches(if_none_match: str | None, etag: str) -> bool:
    """``If-None-Match`` uses the weak comparison (RFC 9110 §13.1.2): ``W/`` is ignored on
    both sides; ``*`` matches any current representation."""
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == bare:
            return True
    return False


def not_modified(request: Request, etag: str) -> Response | None:
    """A 304 with no body when the client already holds ``etag``; None to answer in full."""
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag})
    return None


def tagged(request: Request, response: Response, etag: str) -> Response | None:
    """For routes that return a model: sets ``ETag`` on the answer FastAPI will build, and
    returns the 304 to send instead when the client's copy is current."""
    response.headers["ETag"] = etag
    return not_modified(request, etag)


def with_etag(request: Request, etag: str, body: bytes, media_type: str) -> Response:
    """For routes that build their own bytes: the body, or a 304 when it is unchanged."""
    return not_modified(request, etag) or Response(
        body, media_type=media_type, headers={"ETag": etag}
    )
