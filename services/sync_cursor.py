"""The cursor of every incremental-sync list: the last row's (time of change, tie-breaker),
so the next page starts strictly after it in the list's (time, key) order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.errors import BadRequest


def cursor_of(when: datetime, key: str | int) -> list[Any]:
    return [when.isoformat(), key]


def position(cursor: Any, key_type: type[str] | type[int]) -> tuple[datetime, Any] | None:
    """The (time, key) a cursor names; a cursor of another list (or a forged one) is a 400,
    since following it would silently skip or repeat rows."""
    if cursor is None:
        return None
    try:
        at, key = cursor
        when = datetime.fromisoformat(at)
        if when.tzinfo is None or type(key) is not key_type:
            raise ValueError
        return when, key
    except (ValueError, TypeError) as exc:
        raise BadRequest(kind="cursor_invalid", code="cursor_other_list") from exc
