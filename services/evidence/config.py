"""The operator's evidence settings, as the services need them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoreConfig:
    """``SQS_EVIDENCE_BACKEND``, ``SQS_EVIDENCE_DIR``, ``SQS_UPLOAD_MAX_BYTES`` and the caps per
    place, passed in so the services never read the API's settings."""

    backend: str
    directory: Path
    max_bytes: int
    max_files: int = 200
    """Evidence files kept per report (unit and round), and per unit's order for a year."""
    max_total_bytes: int = 500 * 1024 * 1024
    """Their bytes together, for the same places."""
