"""Incremental sync: what changed since a time, oldest change first.

A row's time (its *stamp*) is the latest change to anything it shows: the unit's report (every
write moves ``report.updated_at``), its central values in the round, its part in the fiscal
year (not-applicable marks set or removed), the round (closed or reopened) and the unit itself
(renamed, moved). Times never stored (rows older than the columns) count as long ago.

Pages are ordered by (stamp, unit code) and continue *after* the last (stamp, code) seen: a
row that changes while a client pages moves behind the cursor's position with its new stamp
and is met again further on, never skipped. A round's report list does the same with each
report's ``updated_at`` (every write to a report moves it) and the report's id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import product
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, literal, tuple_
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from persistence.repositories.reference import BoardUnit
from persistence.repositories.reporting import BoardValue, board_union
from persistence.tables import (
    CentralValueRow,
    ParticipationRow,
    ReportRow,
    RoundRow,
    UnitRow,
)
from persistence.types import UTCDateTime

LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def _latest(dialect: str, parts: list[Any]) -> Any:
    """The latest of ``parts``, a missing one counting as ``LONG_AGO`` (SQLite's many-argument
    ``max`` is NULL if any argument is; PostgreSQL's ``greatest`` skips NULLs, but not all)."""
    floor = literal(LONG_AGO, UTCDateTime())
    parts = [func.coalesce(p, floor) for p in parts]
    if dialect == "sqlite":
        return func.max(*parts, type_=UTCDateTime())
    return func.greatest(*parts, type_=UTCDateTime())


def _changed(dialect: str, kind: bool, codes: bool, after: bool) -> Any:
    rid, fid = bindparam("rid"), bindparam("fid")
    central = (
        sa_select(func.max(CentralValueRow.updated_at))
        .where(col(CentralValueRow.unit_id) == UnitRow.id, col(CentralValueRow.round_id) == rid)
        .scalar_subquery()
    )
    stamp = _latest(
        dialect,
        [
            ReportRow.updated_at,
            central,
            ParticipationRow.updated_at,
            RoundRow.updated_at,
            UnitRow.updated_at,
        ],
    ).label("stamp")
    rows = (
        sa_select(
            col(UnitRow.id).label("id"),
            col(UnitRow.code).label("code"),
            UnitRow.name_th,
            UnitRow.name_en,
            UnitRow.kind,
            UnitRow.province,
            ReportRow.state,
            ReportRow.submitted_at,
            ReportRow.on_time,
            stamp,
        )
        .select_from(UnitRow)
        .join(
            ParticipationRow,
            and_(
                col(ParticipationRow.unit_id) == UnitRow.id, ParticipationRow.fiscal_year_id == fid
            ),
        )
        .join(RoundRow, col(RoundRow.id) == rid)
        .outerjoin(
            ReportRow, and_(col(ReportRow.round_id) == rid, col(ReportRow.unit_id) == UnitRow.id)
        )
    )
    if kind:
        rows = rows.where(col(UnitRow.kind) == bindparam("kind"))
    if codes:
        rows = rows.where(col(UnitRow.code).in_(bindparam("codes", expanding=True)))
    inner = rows.subquery()
    q = sa_select(inner).where(inner.c.stamp >= bindparam("since", type_=UTCDateTime()))
    if after:
        position = tuple_(bindparam("after_stamp", type_=UTCDateTime()), bindparam("after_code"))
        q = q.where(tuple_(inner.c.stamp, inner.c.code) > position)
    return q.order_by(inner.c.stamp, inner.c.code).limit(bindparam("limit"))


def _values() -> Any:
    """The inputs of the units ``ids``, in the rows and order of the scoreboard's own reader
    (``reporting.board_values``: unit, source, indicator), so the row memo is shared."""
    ids = bindparam("ids", expanding=True)
    return board_union(lambda unit_id: [col(unit_id).in_(ids)], ordered=True)


_VALUES = _values()

# Every variant of ``_changed`` built once, at import, so SQLAlchemy reuses their compiled
# forms: keyed (dialect name, kind, codes, after).
_CHANGED = {
    (dialect, *flags): _changed(dialect, *flags)
    for dialect in ("sqlite", "postgresql")
    for flags in product((False, True), repeat=3)
}


# A round's report, as the report list shows it
class ReportItem(NamedTuple):
    id: int
    unit_code: str
    state: str
    version: int
    submitted_at: datetime | None
    on_time: bool | None
    approved_at: datetime | None
    updated_at: datetime


_REPORTS = (
    sa_select(
        col(ReportRow.id),
        col(UnitRow.code),
        col(ReportRow.state),
        col(ReportRow.version),
        col(ReportRow.submitted_at),
        col(ReportRow.on_time),
        col(ReportRow.approved_at),
        col(ReportRow.updated_at),
    )
    .join(UnitRow, col(UnitRow.id) == ReportRow.unit_id)
    .where(col(ReportRow.round_id) == bindparam("rid"))
    .order_by(col(ReportRow.updated_at), col(ReportRow.id))
    .limit(bindparam("limit"))
)

# (a participating unit and its report, the row's stamp)
Changed = tuple[BoardUnit, datetime]


class SyncRepository:
    """Reads of what changed since a time, for incremental sync."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def board_changed(
        self,
        fiscal_year_id: int,
        round_id: int,
        *,
        since: datetime,
        after: tuple[datetime, str] | None,
        kind: str | None,
        codes: Iterable[str] | None,
        limit: int,
    ) -> list[Changed]:
        """Up to ``limit`` of the round's rows stamped at or after ``since``, in (stamp, code)
        order, after the position ``after``."""
        conn: Connection = self.session.connection()
        params: dict[str, Any] = {
            "rid": round_id,
            "fid": fiscal_year_id,
            "since": since,
            "limit": limit,
        }
        if kind:
            params["kind"] = kind
        if codes is not None:
            params["codes"] = list(codes)
        if after is not None:
            params["after_stamp"], params["after_code"] = after
        q = _CHANGED[conn.dialect.name, bool(kind), codes is not None, after is not None]
        return [(BoardUnit(*r[:9]), r[9]) for r in conn.execute(q, params).all()]

    def reports(
        self,
        round_id: int,
        *,
        since: datetime | None,
        after: tuple[datetime, int] | None,
        state: str | None,
        codes: Iterable[str] | None,
        limit: int,
    ) -> list[ReportItem]:
        """The round's reports by (updated_at, id), after the position ``after``."""
        q = _REPORTS
        if since is not None:
            q = q.where(col(ReportRow.updated_at) >= since)
        if after is not None:
            at = literal(after[0], UTCDateTime())
            q = q.where(tuple_(col(ReportRow.updated_at), col(ReportRow.id)) > tuple_(at, after[1]))
        if state is not None:
            q = q.where(col(ReportRow.state) == state)
        if codes is not None:
            q = q.where(col(UnitRow.code).in_(list(codes)))
        rows = self.session.connection().execute(q, {"rid": round_id, "limit": limit}).all()
        return [ReportItem(*r) for r in rows]

    def board_values_of(
        self, round_id: int, fiscal_year_id: int, unit_ids: list[int]
    ) -> dict[int, tuple[BoardValue, ...]]:
        conn: Connection = self.session.connection()
        params = {"rid": round_id, "fid": fiscal_year_id, "ids": unit_ids}
        grouped: dict[int, list[BoardValue]] = {}
        for row in conn.execute(_VALUES, params).all():
            grouped.setdefault(row[0], []).append(tuple(row))  # type: ignore[arg-type]
        return {uid: tuple(rows) for uid, rows in grouped.items()}
