"""Which language an answer's words are in: Thai when ``Accept-Language`` prefers it.

WHY: officers work in Thai, integrators in English (SPEC §6: "Accept-Language: th answers
people-facing texts in Thai, anything else in English"). Preference follows RFC 9110 §12.5.4:
the tag with the highest q-value wins, the earlier one on a tie; ``th`` and ``th-TH`` are
Thai, everything else (``*`` included) is English.
"""

from __future__ import annotations

MAX_TAGS = 32
"""A header longer than this many tags is read only this far."""


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def preferred_language(header: str | None) -> str:
    """``"th"`` or ``"en"`` for an ``Accept-Language`` header (None: English)."""
    if not header:
        return "en"
    best, best_q = "en", 0.0
    for part in header[:1024].split(",")[:MAX_TAGS]:
        tag, _, params = part.partition(";")
        q = _quality(params)
        if q > best_q:
            primary = tag.strip().lower().split("-")[0]
            best, best_q = ("th" if primary == "th" else "en"), q
    return best
