"""Walking a cursor-paginated list as a client does (the README's sync loop)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def walk(
    client: Any,
    url: str,
    headers: dict[str, str],
    params: dict[str, Any],
    between: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Every item of every page, in the order met. ``between`` runs before each next page is
    asked for (someone else writing meanwhile). The Link header agrees with next_cursor."""
    params = dict(params)
    met: list[dict[str, Any]] = []
    while True:
        r = client.get(url, params=params, headers=headers)
        assert r.status_code == 200, r.text
        page = r.json()
        met += page["items"]
        if page["next_cursor"] is None:
            assert 'rel="next"' not in r.headers.get("link", "")
            return met
        assert 'rel="next"' in r.headers["link"]
        if between is not None:
            between()
        params["cursor"] = page["next_cursor"]
