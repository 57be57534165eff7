"""How much evidence one place may hold: a report (a unit in a round) for indicator evidence,
a unit's fiscal year for its working-group order.

Each file is capped on its own (``SQS_UPLOAD_MAX_BYTES``); without a cap per place, one
officer could still fill the disk (or the database) with thousands of capped files. The caps
are checked twice: when an upload begins (a place already full is refused before a byte is
read) and when it completes, under the lock that serialises completions of the same report.
"""

from __future__ import annotations

import re

from services.errors import Conflict, PayloadTooLarge


def check_room(
    totals: tuple[int, int], max_files: int, max_total_bytes: int, *, where: str, adding: int
) -> None:
    """Refuse one more file at a place holding ``totals`` (files, bytes): 409
    ``evidence_files_limit`` past ``max_files``, 413 ``evidence_total_too_large`` past
    ``max_total_bytes``. ``adding``: the new file's size, or -1 before it is known."""
    files, size = totals
    facts = {"files": files, "bytes": size}
    place = place_of(where)
    if files + 1 > max_files:
        raise Conflict(
            kind="evidence_files_limit",
            code=f"evidence_files_limit_{place['of']}",
            params=place | facts | {"max_files": max_files},
            extra=facts | {"max_files": max_files},
        )
    if size + max(adding, 1) > max_total_bytes:
        raise PayloadTooLarge(
            kind="evidence_total_too_large",
            code=f"evidence_total_{place['of']}",
            params=place
            | facts
            | {"max_total_bytes": max_total_bytes, "max_mib": f"{max_total_bytes / 1048576:.1f}"},
            extra=facts | {"max_total_bytes": max_total_bytes},
        )


_REPORT = re.compile(r"the (?P<months>\d+)-month report of unit '(?P<unit_code>[^']*)'")
_ORDER = re.compile(r"the working-group order of unit '(?P<unit_code>[^']*)' for (?P<year_be>\d+)")


def place_of(where: str) -> dict[str, str]:
    """The parameters of the sentence naming ``where`` (``of``: ``report`` or ``order``).

    services/evidence.py names the place in English words; until it passes the place itself
    (it is being split), its two phrasings are read back here so that the refusal's sentence
    is worded in the caller's language. Any other phrasing is shown as it is."""
    for of, pattern in (("report", _REPORT), ("order", _ORDER)):
        found = pattern.fullmatch(where)
        if found:
            return {"of": of} | found.groupdict()
    return {"of": "place", "where": where}
