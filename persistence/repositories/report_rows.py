"""Column-only statements for one unit's report: its head (round, fiscal year, unit, report
row), its contents (entries, review comments, not-applicable marks) and its writes.

Why Core and not the ORM: the indicator-entry write is the busiest write of the API, and the
ORM's identity map, flush and per-call statement building cost it more CPU than its SQL does.
These statements are built once, so SQLAlchemy reuses their compiled form; they read plain rows
and write with one INSERT or UPDATE each. ``ReportingRepository`` runs them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Integer,
    Table,
    and_,
    bindparam,
    insert,
    literal_column,
    null,
    select,
    union_all,
    update,
)

from persistence.tables import (
    FiscalYearRow,
    IndicatorEntryRow,
    NotApplicableRow,
    ReportRow,
    ReviewCommentRow,
    RoundRow,
    UnitRow,
)

REPORT: Table = ReportRow.__table__  # type: ignore[attr-defined]
ENTRY: Table = IndicatorEntryRow.__table__  # type: ignore[attr-defined]
_ROUND: Table = RoundRow.__table__  # type: ignore[attr-defined]
_YEAR: Table = FiscalYearRow.__table__  # type: ignore[attr-defined]
_UNIT: Table = UnitRow.__table__  # type: ignore[attr-defined]
_COMMENT: Table = ReviewCommentRow.__table__  # type: ignore[attr-defined]
_NOT_APPLICABLE: Table = NotApplicableRow.__table__  # type: ignore[attr-defined]


class ReportHead(NamedTuple):
    """A round with its fiscal year, a unit, and the unit's report row if it has one (the
    round's dates and the unit's names too: what an event about the report tells)."""

    round_id: int
    months: int
    round_status: str
    deadline: date
    period_start: date
    period_end: date
    fiscal_year_id: int
    year_be: int
    framework_id: int
    unit_id: int
    unit_code: str
    unit_name_th: str
    unit_name_en: str
    unit_kind: str
    province: str | None
    report_id: int | None
    state: str | None
    version: int | None
    submitted_at: datetime | None
    on_time: bool | None
    approved_at: datetime | None
    updated_at: datetime | None


class EntryRecord(NamedTuple):
    """One indicator entry of a report, as stored."""

    indicator_no: int
    value: str | None
    steps: int | None
    score: str | None
    narrative: str | None
    problems: str | None
    suggestions: str | None
    updated_by: str
    updated_at: datetime
    id: int


class CommentRecord(NamedTuple):
    """One review comment on a report, as stored."""

    indicator_no: int | None
    comment: str
    author: str
    created_at: datetime
    id: int


class ReportContents(NamedTuple):
    """Everything a report answer shows beyond its head."""

    entries: dict[int, EntryRecord]
    """By indicator, in ascending order."""
    comments: list[CommentRecord]
    """In the order they were made."""
    not_applicable: list[int]
    """The indicators marked not applicable to the unit this fiscal year, ascending."""


_RP, _RD, _YR, _UN = REPORT.c, _ROUND.c, _YEAR.c, _UNIT.c
_ROUND_YEAR_UNIT = (
    select(
        _RD.id,
        _RD.months,
        _RD.status,
        _RD.deadline,
        _RD.period_start,
        _RD.period_end,
        _YR.id,
        _YR.year_be,
        _YR.framework_id,
        _UN.id,
        _UN.code,
        _UN.name_th,
        _UN.name_en,
        _UN.kind,
        _UN.province,
        _RP.id,
        _RP.state,
        _RP.version,
        _RP.submitted_at,
        _RP.on_time,
        _RP.approved_at,
        _RP.updated_at,
    )
    .select_from(_ROUND)
    .join(_YEAR, _YR.id == _RD.fiscal_year_id)
    .join(_UNIT, _UN.code == bindparam("code"))
)
_OF_UNIT_IN_ROUND = and_(_RP.round_id == _RD.id, _RP.unit_id == _UN.id)

# The head of a read; the report columns are NULL when the unit has no report in the round.
HEAD = _ROUND_YEAR_UNIT.outerjoin(REPORT, _OF_UNIT_IN_ROUND).where(_RD.id == bindparam("rid"))
# The head of a write, the report row locked (PostgreSQL; ``OF report``: the round, the year and
# the unit are not locked). No row when the report does not exist yet (nothing to lock).
HEAD_LOCKED = (
    _ROUND_YEAR_UNIT.join(REPORT, _OF_UNIT_IN_ROUND)
    .where(_RD.id == bindparam("rid"))
    .with_for_update(of=REPORT)
)

# Everything a report answer shows beyond its head, in one round trip:
# src 0 = an entry, 1 = a review comment (comment in ``narrative``, author in ``updated_by``,
# created_at in ``updated_at``), 2 = a not-applicable mark (its indicator only).
_EN, _CM, _NA = ENTRY.c, _COMMENT.c, _NOT_APPLICABLE.c
CONTENTS = union_all(
    select(
        literal_column("0", Integer).label("src"),
        _EN.indicator_no,
        _EN.value,
        _EN.steps,
        _EN.score,
        _EN.narrative,
        _EN.problems,
        _EN.suggestions,
        _EN.updated_by,
        _EN.updated_at,
        _EN.id,
    ).where(_EN.report_id == bindparam("report_id")),
    select(
        literal_column("1", Integer),
        _CM.indicator_no,
        null(),
        null(),
        null(),
        _CM.comment,
        null(),
        null(),
        _CM.author,
        _CM.created_at,
        _CM.id,
    ).where(_CM.report_id == bindparam("report_id")),
    select(
        literal_column("2", Integer),
        _NA.indicator_no,
        *(null() for _ in range(8)),
        _NA.id,
    ).where(_NA.fiscal_year_id == bindparam("fid"), _NA.unit_id == bindparam("uid")),
)

# Writes; the SET or VALUES columns are the keys of the parameters given.
INSERT_REPORT = insert(REPORT).returning(REPORT.c.id)
UPDATE_REPORT = update(REPORT).where(REPORT.c.id == bindparam("report_id"))
INSERT_ENTRY = insert(ENTRY)
UPDATE_ENTRY = update(ENTRY).where(ENTRY.c.id == bindparam("entry_id"))


def split_contents(rows: Any) -> ReportContents:
    """The report's contents from the rows of ``CONTENTS``."""
    entries: dict[int, EntryRecord] = {}
    comments: list[CommentRecord] = []
    na: list[int] = []
    for src, no, value, steps, score, text, problems, suggestions, by, at, row_id in rows:
        if src == 0:
            entries[no] = EntryRecord(
                no, value, steps, score, text, problems, suggestions, by, at, row_id
            )
        elif src == 1:
            comments.append(CommentRecord(no, text, by, at, row_id))
        else:
            na.append(no)
    comments.sort(key=lambda c: c.id)
    na.sort()
    return ReportContents(dict(sorted(entries.items())), comments, na)
