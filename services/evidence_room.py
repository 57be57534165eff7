"""How much evidence one place may hold: a report (a unit in a round) for indicator evidence,
a unit's fiscal year for its working-group order.

Each file is capped on its own (``SQS_UPLOAD_MAX_BYTES``); without a cap per place, one
officer could still fill the disk (or the database) with thousands of capped files. The caps
are checked twice: when an upload begins (a place already full is refused before a byte is
read) and when it completes, under the lock that serialises completions of the same report.
"""

from __future__ import annotations

from services.errors import Conflict, PayloadTooLarge


def check_room(
    totals: tuple[int, int], max_files: int, max_total_bytes: int, *, where: str, adding: int
) -> None:
    """Refuse one more file at a place holding ``totals`` (files, bytes): 409
    ``evidence_files_limit`` past ``max_files``, 413 ``evidence_total_too_large`` past
    ``max_total_bytes``. ``adding``: the new file's size, or -1 before it is known."""
    files, size = totals
    facts = {"files": files, "bytes": size}
    if files + 1 > max_files:
        raise Conflict(
            f"{where} already has {files} evidence files, the most it may have "
            f"({max_files}); delete one before adding another",
            kind="evidence_files_limit",
            extra=facts | {"max_files": max_files},
        )
    if size + max(adding, 1) > max_total_bytes:
        raise PayloadTooLarge(
            f"{where} holds {size} bytes of evidence; one more file would pass the limit of "
            f"{max_total_bytes} bytes ({max_total_bytes / 1048576:.1f} MiB) for it",
            kind="evidence_total_too_large",
            extra=facts | {"max_total_bytes": max_total_bytes},
        )
