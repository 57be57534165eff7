"""Units, frameworks, fiscal years, rounds, participation, not-applicable marks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import product
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, bindparam, exists, func, literal_column, update
from sqlmodel import Session, col, select

from domain.framework import Framework
from persistence.caches import Frameworks
from persistence.tables import (
    FiscalYearRow,
    FrameworkRow,
    NotApplicableRow,
    ParticipationRow,
    ReportRow,
    RewardRateRow,
    RoundRow,
    UnitRow,
)

# Built once, so the hot path reuses the statement (and SQLAlchemy its compiled form): a
# round's status and what scoring it needs of its fiscal year (the scoreboard's first read).
_ROUND_SCORING = (
    select(RoundRow.status, FiscalYearRow.id, FiscalYearRow.framework_id)
    .join(FiscalYearRow, col(FiscalYearRow.id) == RoundRow.fiscal_year_id)
    .where(col(RoundRow.id) == bindparam("rid"))
)


class UnitBrief(NamedTuple):
    id: int
    code: str
    name_th: str
    name_en: str
    kind: str
    province: str | None


class RoundOfYear(NamedTuple):
    """A round and the fiscal year it belongs to."""

    round: RoundRow
    fiscal_year: FiscalYearRow


class RoundUnit(NamedTuple):
    """What a score read needs of a round, its fiscal year and a unit."""

    months: int
    round_status: str
    fiscal_year_id: int
    year_be: int
    framework_id: int
    unit_id: int
    unit_code: str


class BoardUnit(NamedTuple):
    """A participating unit and its report in one round (report fields None without one)."""

    id: int
    code: str
    name_th: str
    name_en: str
    kind: str
    province: str | None
    report_state: str | None
    submitted_at: datetime | None
    on_time: bool | None


def _participants(reports: bool, kind: bool, codes: bool, after: bool, limit: bool) -> Select[Any]:
    """Participating units ordered by code, for one combination of filters.

    Participation is tested with EXISTS (it is unique per fiscal year and unit, so the rows are
    those of a join): SQLite then walks the units in code order and stops at the limit, where
    the join read and sorted every participant of the year for each page. With ``reports``,
    each unit's report in round ``rid`` comes along (an outer join: one row per unit)."""
    columns: list[Any] = [
        UnitRow.id,
        UnitRow.code,
        UnitRow.name_th,
        UnitRow.name_en,
        UnitRow.kind,
        UnitRow.province,
    ]
    if reports:
        columns += [ReportRow.state, ReportRow.submitted_at, ReportRow.on_time]
    q: Select[Any] = select(*columns).select_from(UnitRow)
    if reports:
        q = q.outerjoin(
            ReportRow,
            and_(col(ReportRow.round_id) == bindparam("rid"), col(ReportRow.unit_id) == UnitRow.id),
        )
    q = q.where(
        exists().where(
            col(ParticipationRow.unit_id) == UnitRow.id,
            col(ParticipationRow.fiscal_year_id) == bindparam("fid"),
        )
    )
    if kind:
        # Compared as an expression on purpose: SQLite would otherwise read every unit of the
        # kind through ix_unit_kind and sort them all for one page (docs/benchmarks.md); so it
        # walks the code index and stops at the page's end too.
        q = q.where(col(UnitRow.kind).concat(literal_column("''")) == bindparam("kind"))
    if codes:
        q = q.where(col(UnitRow.code).in_(bindparam("codes", expanding=True)))
    if after:
        q = q.where(col(UnitRow.code) > bindparam("after"))
    q = q.order_by(col(UnitRow.code))
    if limit:
        q = q.limit(bindparam("limit"))
    return q


# Every combination of filters built once, at import, so the hot path reuses the statement
# (and SQLAlchemy its compiled form): keyed (reports, kind, codes, after, limit).
_PARTICIPANTS = {flags: _participants(*flags) for flags in product((False, True), repeat=5)}


def _participants_query(
    fiscal_year_id: int,
    round_id: int | None,
    kind: str | None,
    codes: Iterable[str] | None,
    after: str | None,
    limit: int | None,
) -> tuple[Select[Any], dict[str, Any]]:
    params: dict[str, Any] = {"fid": fiscal_year_id}
    if round_id is not None:
        params["rid"] = round_id
    if kind:
        params["kind"] = kind
    if codes is not None:
        params["codes"] = list(codes)
    if after:
        params["after"] = after
    if limit:
        params["limit"] = limit
    flags = (round_id is not None, bool(kind), codes is not None, bool(after), bool(limit))
    return _PARTICIPANTS[flags], params


class ReferenceRepository:
    def __init__(self, session: Session, frameworks: Frameworks) -> None:
        self.session = session
        self.frameworks = frameworks

    # units
    def unit_by_code(self, code: str) -> UnitRow | None:
        return self.session.exec(select(UnitRow).where(UnitRow.code == code)).first()

    def units_by_codes(self, codes: Iterable[str]) -> dict[str, UnitRow]:
        codes = list(set(codes))
        if not codes:
            return {}
        rows = self.session.exec(select(UnitRow).where(col(UnitRow.code).in_(codes))).all()
        return {r.code: r for r in rows}

    def list_units(
        self, *, kind: str | None = None, after_code: str | None = None, limit: int | None = None
    ) -> Sequence[UnitRow]:
        q = select(UnitRow)
        if kind:
            q = q.where(UnitRow.kind == kind)
        if after_code:
            q = q.where(UnitRow.code > after_code)
        q = q.order_by(col(UnitRow.code))
        if limit:
            q = q.limit(limit)
        return self.session.exec(q).all()

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    # frameworks
    def framework_row(self, framework_id: int) -> FrameworkRow | None:
        return self.session.get(FrameworkRow, framework_id)

    def list_framework_rows(self) -> Sequence[FrameworkRow]:
        return self.session.exec(select(FrameworkRow).order_by(col(FrameworkRow.id))).all()

    def latest_framework_version(self, code: str) -> int:
        v = self.session.exec(
            select(func.max(FrameworkRow.version)).where(FrameworkRow.code == code)
        ).one()
        return int(v or 0)

    def framework(self, framework_id: int) -> Framework | None:
        """The domain framework for an id, parsed once per app (``persistence.caches``).

        Framework rows are immutable (a change is a new version, a new row), so caching by id
        is safe across requests and across app instances.
        """
        cached: Framework | None = self.frameworks.get(framework_id)
        if cached is not None:
            return cached
        row = self.framework_row(framework_id)
        if row is None:
            return None
        return self.frameworks.remember(framework_id, row.definition)

    def framework_in_use(self, framework_id: int) -> bool:
        q = select(FiscalYearRow.id).where(FiscalYearRow.framework_id == framework_id).limit(1)
        return self.session.exec(q).first() is not None

    # fiscal years and rounds
    def fiscal_year(self, year_be: int) -> FiscalYearRow | None:
        return self.session.exec(
            select(FiscalYearRow).where(FiscalYearRow.year_be == year_be)
        ).first()

    def fiscal_year_by_id(self, fiscal_year_id: int) -> FiscalYearRow | None:
        return self.session.get(FiscalYearRow, fiscal_year_id)

    def list_fiscal_years(self) -> Sequence[FiscalYearRow]:
        return self.session.exec(select(FiscalYearRow).order_by(col(FiscalYearRow.year_be))).all()

    def rounds_of(self, fiscal_year_id: int) -> Sequence[RoundRow]:
        q = (
            select(RoundRow)
            .where(RoundRow.fiscal_year_id == fiscal_year_id)
            .order_by(col(RoundRow.months))
        )
        return self.session.exec(q).all()

    def round_with_year(self, round_id: int) -> RoundOfYear | None:
        q = (
            select(RoundRow, FiscalYearRow)
            .join(FiscalYearRow, col(FiscalYearRow.id) == RoundRow.fiscal_year_id)
            .where(RoundRow.id == round_id)
        )
        row = self.session.exec(q).first()
        return RoundOfYear(row[0], row[1]) if row else None

    def round_scoring(self, round_id: int) -> tuple[str, int, int] | None:
        """(round status, fiscal year id, framework id), None for an unknown round: one
        column-only statement (no ORM objects) for the scoreboard."""
        row = self.session.connection().execute(_ROUND_SCORING, {"rid": round_id}).first()
        return (row[0], row[1], row[2]) if row is not None else None

    def lock_unit(self, unit_id: int) -> None:
        """Serialise writes that have no row of their own to lock yet (PostgreSQL): a unit's
        first report in a round, its working-group order.

        ``FOR NO KEY UPDATE``: rows that merely reference the unit (a central value, evidence)
        are not held up, so an import holding its round's lock cannot deadlock with this."""
        q = select(UnitRow.id).where(UnitRow.id == unit_id).with_for_update(key_share=True)
        self.session.exec(q).first()

    def lock_round(self, round_id: int) -> RoundRow | None:
        """Read a round for update, so a close and a write cannot interleave (PostgreSQL)."""
        return self.session.exec(
            select(RoundRow).where(RoundRow.id == round_id).with_for_update()
        ).first()

    # participation and rewards
    def touch_participation(self, fiscal_year_id: int, unit_id: int, at: datetime) -> None:
        """Date a change to the unit's part in the year (scoreboard ``updated_since``)."""
        self.session.execute(
            update(ParticipationRow)
            .where(
                col(ParticipationRow.fiscal_year_id) == fiscal_year_id,
                col(ParticipationRow.unit_id) == unit_id,
            )
            .values(updated_at=at)
        )

    def participation(self, fiscal_year_id: int) -> Sequence[tuple[ParticipationRow, UnitRow]]:
        q = (
            select(ParticipationRow, UnitRow)
            .join(UnitRow, col(UnitRow.id) == ParticipationRow.unit_id)
            .where(ParticipationRow.fiscal_year_id == fiscal_year_id)
            .order_by(col(UnitRow.code))
        )
        return [(p, u) for p, u in self.session.exec(q).all()]

    def participants(
        self,
        fiscal_year_id: int,
        *,
        kind: str | None = None,
        codes: Iterable[str] | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[UnitBrief]:
        """Participating units ordered by code, filtered in SQL (one statement, plain tuples)."""
        q, params = _participants_query(fiscal_year_id, None, kind, codes, after, limit)
        return [UnitBrief(*r) for r in self.session.connection().execute(q, params).all()]

    def board_units(
        self,
        fiscal_year_id: int,
        round_id: int,
        *,
        kind: str | None = None,
        codes: Iterable[str] | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[BoardUnit]:
        """As ``participants``, each unit with its report's state, submission time and
        punctuality in the round: one statement for a scoreboard page's units and reports."""
        q, params = _participants_query(fiscal_year_id, round_id, kind, codes, after, limit)
        return [BoardUnit(*r) for r in self.session.connection().execute(q, params).all()]

    def reward_rates(self, fiscal_year_id: int) -> Sequence[RewardRateRow]:
        q = select(RewardRateRow).where(RewardRateRow.fiscal_year_id == fiscal_year_id)
        return self.session.exec(q).all()

    # not applicable
    def not_applicable_for(self, fiscal_year_id: int, unit_id: int) -> list[int]:
        q = select(NotApplicableRow.indicator_no).where(
            NotApplicableRow.fiscal_year_id == fiscal_year_id, NotApplicableRow.unit_id == unit_id
        )
        return list(self.session.exec(q).all())

    def not_applicable_rows(self, fiscal_year_id: int, unit_id: int) -> Sequence[NotApplicableRow]:
        q = (
            select(NotApplicableRow)
            .where(
                NotApplicableRow.fiscal_year_id == fiscal_year_id,
                NotApplicableRow.unit_id == unit_id,
            )
            .order_by(col(NotApplicableRow.indicator_no))
        )
        return self.session.exec(q).all()

    def not_applicable_by_unit(
        self, fiscal_year_id: int, unit_ids: Iterable[int] | None = None
    ) -> dict[int, list[int]]:
        q = select(NotApplicableRow.unit_id, NotApplicableRow.indicator_no).where(
            NotApplicableRow.fiscal_year_id == fiscal_year_id
        )
        if unit_ids is not None:
            q = q.where(col(NotApplicableRow.unit_id).in_(list(unit_ids)))
        out: dict[int, list[int]] = {}
        for unit_id, no in self.session.exec(q).all():
            out.setdefault(unit_id, []).append(no)
        return out

    def not_applicable_all_years(self, unit_id: int) -> dict[int, list[int]]:
        """A unit's not-applicable marks grouped by fiscal year id."""
        q = select(NotApplicableRow.fiscal_year_id, NotApplicableRow.indicator_no).where(
            NotApplicableRow.unit_id == unit_id
        )
        out: dict[int, list[int]] = {}
        for fy_id, no in self.session.exec(q).all():
            out.setdefault(fy_id, []).append(no)
        return out

    def not_applicable_row(
        self, fiscal_year_id: int, unit_id: int, no: int
    ) -> NotApplicableRow | None:
        q = select(NotApplicableRow).where(
            NotApplicableRow.fiscal_year_id == fiscal_year_id,
            NotApplicableRow.unit_id == unit_id,
            NotApplicableRow.indicator_no == no,
        )
        return self.session.exec(q).first()

    def delete(self, row: object) -> None:
        self.session.delete(row)
