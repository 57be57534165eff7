"""A unit's report for a round: read it, write its entries, submit, return, approve, reopen.

- ``loaded``: the one in-memory form of a report (``LoadedReport``), how it is loaded, written
  (``save``: every write bumps its version, its ETag) and answered (``view``);
- ``rules``: who may change a report and when (the caller, the round, the ETag, the state
  machine), checked once for every change, evidence files included;
- ``entries``: writing indicator entries; ``review``: submit, return, approve, reopen.

Every change appends an audit event in the same transaction; review steps also write an event
to the outbox.
"""

from services.report_views import ReportView
from services.reports.entries import put_entry, put_report
from services.reports.loaded import get_report
from services.reports.review import approve, reopen, return_report, submit

__all__ = [
    "ReportView",
    "approve",
    "get_report",
    "put_entry",
    "put_report",
    "reopen",
    "return_report",
    "submit",
]
