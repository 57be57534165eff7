"""What a unit's report answers with, and how it is built from plain rows.

The report endpoints read and write with column-only statements
(persistence/repositories/report_rows.py); the views here are built from those rows. The API
serialises these dataclasses directly, so their field order is the order of the JSON members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from persistence.repositories.report_rows import CommentRecord, EntryRecord, ReportHead
from services.etags import etag_of


@dataclass
class EntryView:
    indicator_no: int
    source: str
    value: str | None = None
    steps: int | None = None
    score: str | None = None
    narrative: str | None = None
    problems: str | None = None
    suggestions: str | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass
class CommentView:
    indicator_no: int | None
    comment: str
    author: str
    created_at: datetime


@dataclass
class ReportView:
    round_id: int
    year_be: int
    months: int
    unit_code: str
    state: str
    version: int
    deadline: Any
    round_status: str
    submitted_at: datetime | None
    on_time: bool | None
    approved_at: datetime | None
    updated_at: datetime | None
    entries: list[EntryView] = field(default_factory=list)
    comments: list[CommentView] = field(default_factory=list)
    not_applicable: list[int] = field(default_factory=list)

    @property
    def etag(self) -> str:
        """``"<version>.<digest>"``. The version moves with every write to the report (entries,
        evidence, state, comments), and ``If-Match`` compares only it, so an editor is never
        refused because of a change that is not theirs to conflict with. The digest covers
        what the report shows besides its own writes (the round's status and deadline, the
        not-applicable marks), so the tag is a strong validator of the whole answer for
        ``If-None-Match``."""
        others = (self.round_status, self.deadline, self.not_applicable)
        return f'"{self.version}.{etag_of(others)[1:17]}"'


def entry_view(source: str, e: EntryRecord) -> EntryView:
    return EntryView(
        e.indicator_no,
        source,
        e.value,
        e.steps,
        e.score,
        e.narrative,
        e.problems,
        e.suggestions,
        e.updated_by,
        e.updated_at,
    )


def written_entry_view(
    source: str, indicator_no: int, columns: Mapping[str, Any], now: datetime
) -> EntryView:
    """An entry as this request wrote it, as a read of it would show it: the database keeps
    UTC, so its time reads back in UTC whatever zone the clock gave (as the ORM path did)."""
    c = columns
    return EntryView(
        indicator_no,
        source,
        c["value"],
        c["steps"],
        c["score"],
        c["narrative"],
        c["problems"],
        c["suggestions"],
        c["updated_by"],
        now.astimezone(UTC),
    )


def report_view(
    head: ReportHead,
    entries: Iterable[EntryView],
    comments: Iterable[CommentRecord],
    not_applicable: list[int],
) -> ReportView:
    """The answer for ``head`` (a report with no row yet reads as an empty draft, version 0)."""
    exists = head.report_id is not None
    return ReportView(
        round_id=head.round_id,
        year_be=head.year_be,
        months=head.months,
        unit_code=head.unit_code,
        deadline=head.deadline,
        round_status=head.round_status,
        state=head.state if exists and head.state else "draft",
        version=head.version if exists and head.version is not None else 0,
        submitted_at=head.submitted_at,
        on_time=head.on_time,
        approved_at=head.approved_at,
        updated_at=head.updated_at,
        entries=sorted(entries, key=lambda e: e.indicator_no),
        comments=[CommentView(c.indicator_no, c.comment, c.author, c.created_at) for c in comments],
        not_applicable=not_applicable,
    )
