"""Entity tags made from what a read already has in hand (RFC 9110 §8.8.3).

Why here and not in the API layer: the services know what an answer is made of (a version,
the inputs a score is computed from, the rows a view is built from), so they can tag it
without serialising it first; the API layer only compares tags (api/conditional.py).

The tag is a digest of ``repr`` of plain values (ints, strings, decimals, datetimes, tuples,
dataclasses): the same on every instance and across restarts, unlike ``hash()``.
"""

from __future__ import annotations

import hashlib
from typing import Any


def etag_of(*parts: Any) -> str:
    """A strong entity tag for a representation made from ``parts`` (and nothing else)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'"{digest}"'
