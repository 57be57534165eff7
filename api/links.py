"""RFC 8288 ``Link`` headers for the cursor-paginated lists.

The body's ``next_cursor`` stays the contract; ``Link: <…>; rel="next"`` beside it is the
same page's URL, ready to follow, for clients (and generic HTTP tools) that page by headers.
"""

from __future__ import annotations

from fastapi import Request


def next_link(request: Request, cursor: str | None) -> dict[str, str]:
    """The ``Link`` header for the page after this one (none on the last page): this request's
    URL, every other parameter kept, with ``cursor`` replaced."""
    if cursor is None:
        return {}
    url = request.url.include_query_params(cursor=cursor)
    return {"Link": f'<{url}>; rel="next"'}
