"""Reports, indicator entries, review comments and central values.

The bulk readers return plain tuples (not ORM objects) because the scoreboard reads every
value of a round at once: one statement per kind of data, whatever the number of units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, literal, null, union_all
from sqlmodel import Session, col, select

from persistence.tables import (
    CentralValueRow,
    FiscalYearRow,
    IndicatorEntryRow,
    NotApplicableRow,
    ReportRow,
    ReviewCommentRow,
    RoundRow,
    UnitRow,
)

# (indicator_no, value, steps, score)
ValueTuple = tuple[int, str | None, int | None, str | None]

# Everything one unit's score needs, in one round trip: 0 = own entry, 1 = central, 2 = N/A.
_SCORE_INPUTS = union_all(
    select(
        literal(0).label("src"),
        IndicatorEntryRow.indicator_no,
        IndicatorEntryRow.value,
        IndicatorEntryRow.steps,
        IndicatorEntryRow.score,
    )
    .join(ReportRow, col(ReportRow.id) == IndicatorEntryRow.report_id)
    .where(ReportRow.round_id == bindparam("rid"), ReportRow.unit_id == bindparam("uid")),
    select(
        literal(1),
        CentralValueRow.indicator_no,
        CentralValueRow.value,
        CentralValueRow.steps,
        CentralValueRow.score,
    ).where(
        CentralValueRow.round_id == bindparam("rid"), CentralValueRow.unit_id == bindparam("uid")
    ),
    select(
        literal(2),
        NotApplicableRow.indicator_no,
        null(),
        null(),
        null(),
    ).where(
        NotApplicableRow.fiscal_year_id == bindparam("fid"),
        NotApplicableRow.unit_id == bindparam("uid"),
    ),
)


def _driver_rows(conn: Connection, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Run a statement of plain columns and fetch the driver's own tuples, without a result
    object per row (the scoreboard reads 100,000 values at a time).

    Only for columns that need no type processing (integers and strings)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args: Any = (
        tuple(params[k] for k in compiled.positiontup or ()) if compiled.positional else params
    )
    # exec_driver_sql keeps SQLAlchemy's execution events (statement counting, tracing) while
    # the rows are still fetched from the driver's cursor as plain tuples.
    result = conn.exec_driver_sql(str(compiled), args)
    try:
        return list(result.cursor.fetchall())  # type: ignore[union-attr]
    finally:
        result.close()


class ReportingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    # reports
    def report(self, round_id: int, unit_id: int, *, for_update: bool = False) -> ReportRow | None:
        q = select(ReportRow).where(ReportRow.round_id == round_id, ReportRow.unit_id == unit_id)
        if for_update:
            q = q.with_for_update()
        return self.session.exec(q).first()

    def report_by_id(self, report_id: int) -> ReportRow | None:
        return self.session.get(ReportRow, report_id)

    def entries(self, report_id: int) -> Sequence[IndicatorEntryRow]:
        q = (
            select(IndicatorEntryRow)
            .where(IndicatorEntryRow.report_id == report_id)
            .order_by(col(IndicatorEntryRow.indicator_no))
        )
        return self.session.exec(q).all()

    def entry(self, report_id: int, indicator_no: int) -> IndicatorEntryRow | None:
        q = select(IndicatorEntryRow).where(
            IndicatorEntryRow.report_id == report_id, IndicatorEntryRow.indicator_no == indicator_no
        )
        return self.session.exec(q).first()

    def comments(self, report_id: int) -> Sequence[ReviewCommentRow]:
        q = (
            select(ReviewCommentRow)
            .where(ReviewCommentRow.report_id == report_id)
            .order_by(col(ReviewCommentRow.id))
        )
        return self.session.exec(q).all()

    def reports_of_round(self, round_id: int) -> Sequence[tuple[ReportRow, UnitRow]]:
        q = (
            select(ReportRow, UnitRow)
            .join(UnitRow, col(UnitRow.id) == ReportRow.unit_id)
            .where(ReportRow.round_id == round_id)
        )
        return [(r, u) for r, u in self.session.exec(q).all()]

    # values for scoring
    def score_inputs(
        self, round_id: int, unit_id: int, fiscal_year_id: int
    ) -> tuple[list[ValueTuple], list[ValueTuple], list[int]]:
        """(own entries, central values, not-applicable indicators) in ONE statement."""
        own: list[ValueTuple] = []
        central: list[ValueTuple] = []
        na: list[int] = []
        params = {"rid": round_id, "uid": unit_id, "fid": fiscal_year_id}
        for src, no, value, steps, score in self.session.connection().execute(
            _SCORE_INPUTS, params
        ):
            if src == 0:
                own.append((no, value, steps, score))
            elif src == 1:
                central.append((no, value, steps, score))
            else:
                na.append(no)
        return own, central, na

    def round_values(
        self,
        round_id: int,
        unit_ids: Iterable[int] | None = None,
        *,
        code_range: tuple[str | None, str] | None = None,
    ) -> tuple[
        dict[int, list[ValueTuple]], dict[int, list[ValueTuple]], dict[int, tuple[Any, ...]]
    ]:
        """Every value of a round, grouped by unit id: (own entries, central values, report info).

        Three statements, whatever the number of units or indicators. The value rows keep
        their leading unit id: (unit_id, indicator_no, value, steps, score); see
        ``services.values.merge_values(..., with_unit=True)``.
        """
        ids = list(unit_ids) if unit_ids is not None else None
        own_q = select(
            ReportRow.unit_id,
            IndicatorEntryRow.indicator_no,
            IndicatorEntryRow.value,
            IndicatorEntryRow.steps,
            IndicatorEntryRow.score,
        ).join(
            IndicatorEntryRow,
            and_(col(IndicatorEntryRow.report_id) == ReportRow.id, ReportRow.round_id == round_id),
        )
        central_q = select(
            CentralValueRow.unit_id,
            CentralValueRow.indicator_no,
            CentralValueRow.value,
            CentralValueRow.steps,
            CentralValueRow.score,
        ).where(CentralValueRow.round_id == round_id)
        report_q = select(
            ReportRow.unit_id, ReportRow.state, ReportRow.submitted_at, ReportRow.on_time
        ).where(ReportRow.round_id == round_id)
        if ids is not None:
            own_q = own_q.where(col(ReportRow.unit_id).in_(ids))
            central_q = central_q.where(col(CentralValueRow.unit_id).in_(ids))
            report_q = report_q.where(col(ReportRow.unit_id).in_(ids))
        if code_range is not None:
            # A page of units ordered by code: two bound values instead of a thousand-long IN list.
            after, last = code_range
            in_page = select(UnitRow.id).where(UnitRow.code <= last)
            if after is not None:
                in_page = in_page.where(UnitRow.code > after)
            own_q = own_q.where(col(ReportRow.unit_id).in_(in_page.scalar_subquery()))
            central_q = central_q.where(col(CentralValueRow.unit_id).in_(in_page.scalar_subquery()))
            report_q = report_q.where(col(ReportRow.unit_id).in_(in_page.scalar_subquery()))
        conn = self.session.connection()
        by_unit = itemgetter(0)
        # Rows come back as (unit_id, indicator_no, value, steps, score), grouped by unit.
        own_rows = _driver_rows(conn, own_q.order_by(col(ReportRow.unit_id)))
        central_rows = _driver_rows(conn, central_q.order_by(col(CentralValueRow.unit_id)))
        own = {uid: list(rows) for uid, rows in groupby(own_rows, key=by_unit)}
        central = {uid: list(rows) for uid, rows in groupby(central_rows, key=by_unit)}
        reports = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(report_q).all()}
        return own, central, reports  # type: ignore[return-value]

    # a unit across every round (score history)
    def rounds_with_years(self) -> list[tuple[RoundRow, FiscalYearRow]]:
        q = (
            select(RoundRow, FiscalYearRow)
            .join(FiscalYearRow, col(FiscalYearRow.id) == RoundRow.fiscal_year_id)
            .order_by(col(FiscalYearRow.year_be), col(RoundRow.months))
        )
        return [(r, f) for r, f in self.session.exec(q).all()]

    def unit_values_all_rounds(
        self, unit_id: int
    ) -> tuple[dict[int, list[ValueTuple]], dict[int, list[ValueTuple]]]:
        """(own entries, central values) of one unit grouped by round id: two statements."""
        own_q = (
            select(
                ReportRow.round_id,
                IndicatorEntryRow.indicator_no,
                IndicatorEntryRow.value,
                IndicatorEntryRow.steps,
                IndicatorEntryRow.score,
            )
            .join(ReportRow, col(ReportRow.id) == IndicatorEntryRow.report_id)
            .where(ReportRow.unit_id == unit_id)
        )
        central_q = select(
            CentralValueRow.round_id,
            CentralValueRow.indicator_no,
            CentralValueRow.value,
            CentralValueRow.steps,
            CentralValueRow.score,
        ).where(CentralValueRow.unit_id == unit_id)
        own: dict[int, list[ValueTuple]] = {}
        for round_id, *rest in self.session.exec(own_q).all():
            own.setdefault(round_id, []).append(tuple(rest))  # type: ignore[arg-type]
        central: dict[int, list[ValueTuple]] = {}
        for round_id, *rest in self.session.exec(central_q).all():
            central.setdefault(round_id, []).append(tuple(rest))  # type: ignore[arg-type]
        return own, central

    # central values
    def central_values_for(
        self, round_id: int, keys: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], CentralValueRow]:
        """Existing central values for (unit_id, indicator_no) pairs of a round."""
        keys = set(keys)
        if not keys:
            return {}
        unit_ids = {k[0] for k in keys}
        q = select(CentralValueRow).where(
            CentralValueRow.round_id == round_id, col(CentralValueRow.unit_id).in_(unit_ids)
        )
        out = {}
        for row in self.session.exec(q).all():
            if (row.unit_id, row.indicator_no) in keys:
                out[(row.unit_id, row.indicator_no)] = row
        return out


class EvidenceCounts:
    """Evidence counts that submission rules need (kept beside the reports they belong to)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def per_indicator(self, report_id: int) -> dict[int, int]:
        from sqlalchemy import func

        from persistence.tables import EvidenceRow

        q = (
            select(EvidenceRow.indicator_no, func.count())
            .where(EvidenceRow.report_id == report_id, EvidenceRow.kind == "indicator")
            .group_by(col(EvidenceRow.indicator_no))
        )
        return {int(no): int(n) for no, n in self.session.exec(q).all() if no is not None}

    def has_working_group_order(self, unit_id: int, fiscal_year_id: int) -> bool:
        from persistence.tables import EvidenceRow

        q = (
            select(EvidenceRow.id)
            .where(
                EvidenceRow.unit_id == unit_id,
                EvidenceRow.fiscal_year_id == fiscal_year_id,
                EvidenceRow.kind == "working_group_order",
            )
            .limit(1)
        )
        return self.session.exec(q).first() is not None
