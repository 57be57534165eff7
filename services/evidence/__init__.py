"""Evidence files: streamed uploads judged from their bytes, listings, downloads, deletion.

At the 12-month round every indicator needs at least two evidence documents and the unit needs
the order appointing its working group (SPEC §1, §3). The files are official records:

- ``place``: where a file belongs (an indicator of a unit's report in a round, or the unit's
  working-group order for a fiscal year) and whether it may change there: the report's own
  locking rules (``services.reports.rules``), once for every operation;
- ``room``: how many files and bytes one place may hold;
- ``upload``: one file streamed in, judged, hashed and stored once (a duplicate answers the
  existing record), with no transaction open while the body arrives;
- ``reads``: finding, listing and downloading under the report access rules;
- ``deletion``: deleting a file, and sweeping what a crash left in the filesystem store.

Nothing here imports FastAPI: the HTTP layer parses multipart and calls in here from a
thread, one chunk at a time.
"""

from services.evidence.config import StoreConfig
from services.evidence.deletion import LEFTOVER_MIN_AGE, Sweep, delete_evidence, sweep_leftovers
from services.evidence.place import IndicatorTarget, OrderTarget, Target
from services.evidence.reads import (
    Download,
    get_evidence,
    list_for_indicator,
    list_orders,
    open_download,
)
from services.evidence.upload import (
    MAX_TITLE,
    Completion,
    EvidenceUpload,
    begin_upload,
    clean_title,
    too_large,
)
from services.evidence.views import EvidenceView

__all__ = [
    "LEFTOVER_MIN_AGE",
    "MAX_TITLE",
    "Completion",
    "Download",
    "EvidenceUpload",
    "EvidenceView",
    "IndicatorTarget",
    "OrderTarget",
    "StoreConfig",
    "Sweep",
    "Target",
    "begin_upload",
    "clean_title",
    "delete_evidence",
    "get_evidence",
    "list_for_indicator",
    "list_orders",
    "open_download",
    "sweep_leftovers",
    "too_large",
]
