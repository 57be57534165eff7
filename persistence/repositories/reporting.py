"""Reports, indicator entries, review comments and central values.

The bulk readers return plain tuples (not ORM objects) because the scoreboard reads every
value of a page or of a whole round at once: a fixed number of statements, whatever the number
of units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    literal_column,
    null,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from persistence.repositories import report_rows
from persistence.repositories.driver_statement import DriverStatement
from persistence.repositories.report_rows import CommentRecord, ReportContents, ReportHead
from persistence.repositories.score_read import ScoreInputs, ValueTuple, read_score_inputs
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

# (unit_id, src, indicator_no, value, steps, score): src 0 own entry, 1 central value, 2 N/A
BoardValue = tuple[int, int, int, str | None, int | None, str | None]


def _units_of(unit_id: Any, *, page: bool, kind: bool) -> list[ColumnElement[bool]]:
    """``unit_id`` is one of the page's units: codes ``first`` to ``last`` (two bound values
    instead of a hundred-long IN list) and, with a kind filter, of kind ``kind``."""
    where = []
    if page:
        where += [col(UnitRow.code) >= bindparam("first"), col(UnitRow.code) <= bindparam("last")]
    if kind:
        # As an expression, so that SQLite keeps to the code index (see reference.py).
        where.append(col(UnitRow.kind).concat(literal_column("''")) == bindparam("kind"))
    if not where:
        return []
    return [col(unit_id).in_(sa_select(col(UnitRow.id)).where(*where).scalar_subquery())]


def board_union(
    units_of: Callable[[Any], list[ColumnElement[bool]]], *, ordered: bool
) -> CompoundSelect[*tuple[Any, ...]]:
    """Every input of the scoreboard's scores, in ONE statement: own entries (src 0), central
    values (src 1) and the fiscal year's not-applicable marks (src 2) of round ``rid``'s units
    (of a page of them; of one kind). A unit's rows must always come in the same order: they
    are the key of the row memo in ``services.scores`` (another order would only cost a miss).

    ``ordered``: sorted by unit, source and indicator (PostgreSQL, whose joins may hand rows
    out in any order). Unsorted for SQLite, which reads each branch along its unique index
    (unit, then indicator) and so always gives one unit's rows in the same order; sorting
    them was a large part of the statement (docs/benchmarks.md), and the rows are grouped by
    unit in Python instead.

    ``units_of(unit id column)``: the conditions that pick the units (see ``_units_of``; the
    scoreboard's sync picks them by id)."""
    own: Select[*tuple[Any, ...]] = (
        sa_select(
            col(ReportRow.unit_id).label("unit_id"),
            literal_column("0", Integer).label("src"),
            col(IndicatorEntryRow.indicator_no).label("indicator_no"),
            col(IndicatorEntryRow.value),
            col(IndicatorEntryRow.steps),
            col(IndicatorEntryRow.score),
        )
        .join(IndicatorEntryRow, col(IndicatorEntryRow.report_id) == ReportRow.id)
        .where(col(ReportRow.round_id) == bindparam("rid"))
        .where(*units_of(ReportRow.unit_id))
    )
    central = (
        sa_select(
            col(CentralValueRow.unit_id),
            literal_column("1", Integer),
            col(CentralValueRow.indicator_no),
            col(CentralValueRow.value),
            col(CentralValueRow.steps),
            col(CentralValueRow.score),
        )
        .where(col(CentralValueRow.round_id) == bindparam("rid"))
        .where(*units_of(CentralValueRow.unit_id))
    )
    na = (
        sa_select(
            col(NotApplicableRow.unit_id),
            literal_column("2", Integer),
            col(NotApplicableRow.indicator_no),
            null(),
            null(),
            null(),
        )
        .where(col(NotApplicableRow.fiscal_year_id) == bindparam("fid"))
        .where(*units_of(NotApplicableRow.unit_id))
    )
    every: CompoundSelect[*tuple[Any, ...]] = union_all(own, central, na)
    if ordered:
        every = every.order_by(
            literal_column("unit_id"), literal_column("src"), literal_column("indicator_no")
        )
    return every


def _board_values(*, page: bool, kind: bool, ordered: bool) -> DriverStatement:
    union = board_union(lambda unit_id: _units_of(unit_id, page=page, kind=kind), ordered=ordered)
    return DriverStatement(union, plan_each_time=True)


# The most units of a scoreboard page whose values may come from a prepared statement
# (see ReportingRepository.board_values).
SMALL_PAGE = 200

_BOARD_VALUES = {
    (page, kind, ordered): _board_values(page=page, kind=kind, ordered=ordered)
    for page in (False, True)
    for kind in (False, True)
    for ordered in (False, True)
}
_by_unit = itemgetter(0)

# round_values (rewards: the units a caller may see): through SQLAlchemy, which expands the
# list of unit ids and types the report columns (a timestamp, a boolean).
_OWN = (
    sa_select(
        col(ReportRow.unit_id),
        col(IndicatorEntryRow.indicator_no),
        col(IndicatorEntryRow.value),
        col(IndicatorEntryRow.steps),
        col(IndicatorEntryRow.score),
    )
    .join(IndicatorEntryRow, col(IndicatorEntryRow.report_id) == ReportRow.id)
    .where(col(ReportRow.round_id) == bindparam("rid"))
)
_CENTRAL = sa_select(
    col(CentralValueRow.unit_id),
    col(CentralValueRow.indicator_no),
    col(CentralValueRow.value),
    col(CentralValueRow.steps),
    col(CentralValueRow.score),
).where(col(CentralValueRow.round_id) == bindparam("rid"))
_REPORTS = sa_select(
    col(ReportRow.unit_id),
    col(ReportRow.state),
    col(ReportRow.submitted_at),
    col(ReportRow.on_time),
).where(col(ReportRow.round_id) == bindparam("rid"))
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_ROUND_VALUES = {
    False: (
        _OWN.order_by(col(ReportRow.unit_id)),
        _CENTRAL.order_by(col(CentralValueRow.unit_id)),
        _REPORTS,
    ),
    True: (
        _OWN.where(col(ReportRow.unit_id).in_(_IDS)).order_by(col(ReportRow.unit_id)),
        _CENTRAL.where(col(CentralValueRow.unit_id).in_(_IDS)).order_by(
            col(CentralValueRow.unit_id)
        ),
        _REPORTS.where(col(ReportRow.unit_id).in_(_IDS)),
    ),
}


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
    def score_read(self, round_id: int, unit_code: str) -> ScoreInputs:
        """One unit's score inputs and its round, year and unit, in ONE statement
        (``score_read.read_score_inputs``)."""
        return read_score_inputs(self.session.connection(), round_id, unit_code)

    def round_values(
        self, round_id: int, unit_ids: Iterable[int] | None = None
    ) -> tuple[
        dict[int, list[ValueTuple]], dict[int, list[ValueTuple]], dict[int, tuple[Any, ...]]
    ]:
        """Every value of a round, grouped by unit id: (own entries, central values, report info).

        Three statements, whatever the number of units or indicators. The value rows keep
        their leading unit id: (unit_id, indicator_no, value, steps, score); see
        ``services.values.merge_values(..., with_unit=True)``.
        """
        params: dict[str, Any] = {"rid": round_id}
        if unit_ids is not None:
            params["ids"] = list(unit_ids)
        own_q, central_q, report_q = _ROUND_VALUES[unit_ids is not None]
        conn = self.session.connection()
        own = {
            uid: [tuple(r) for r in rows]
            for uid, rows in groupby(conn.execute(own_q, params), key=_by_unit)
        }
        central = {
            uid: [tuple(r) for r in rows]
            for uid, rows in groupby(conn.execute(central_q, params), key=_by_unit)
        }
        reports = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(report_q, params)}
        return own, central, reports  # type: ignore[return-value]

    def board_values(
        self,
        round_id: int,
        fiscal_year_id: int,
        codes: tuple[str, str] | None,
        kind: str | None = None,
        *,
        small: bool = False,
    ) -> dict[int, tuple[BoardValue, ...]]:
        """Everything the scoreboard scores, grouped by unit id, in ONE statement: the round's
        own entries and central values and the fiscal year's not-applicable marks, of the
        units with ``first <= code <= last`` (``codes=(first, last)``: a page) or of every
        unit (None: the whole round, for CSV); only of kind ``kind`` if given.

        Rows are (unit_id, src, indicator_no, value, steps, score), src 0 an own entry, 1 a
        central value, 2 a not-applicable mark; a unit's rows always come in the same order.

        ``small``: a page of at most ``SMALL_PAGE`` units. On PostgreSQL such a page may run
        from a prepared statement, whose generic plan (if PostgreSQL settles on one) suits
        every page of that size; planning it each time cost the server more than running it
        (docs/benchmarks.md). Bigger pages and the whole round are planned for their own
        values every time (a generic plan once made the full board much slower).
        """
        params: dict[str, Any] = {"rid": round_id, "fid": fiscal_year_id}
        if codes is not None:
            params["first"], params["last"] = codes
        if kind:
            params["kind"] = kind
        conn = self.session.connection()
        ordered = conn.dialect.name != "sqlite"
        statement = _BOARD_VALUES[codes is not None, bool(kind), ordered]
        rows = statement.rows(conn, params, plan_each_time=not (small and codes is not None))
        if ordered:
            return {uid: tuple(unit_rows) for uid, unit_rows in groupby(rows, key=_by_unit)}
        grouped: dict[int, list[BoardValue]] = {}
        for row in rows:
            found = grouped.get(row[0])
            if found is None:
                grouped[row[0]] = [row]
            else:
                found.append(row)
        return {uid: tuple(unit_rows) for uid, unit_rows in grouped.items()}

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
            select(  # type: ignore[call-overload]
                ReportRow.round_id,
                IndicatorEntryRow.indicator_no,
                IndicatorEntryRow.value,
                IndicatorEntryRow.steps,
                IndicatorEntryRow.score,
            )
            .join(ReportRow, col(ReportRow.id) == IndicatorEntryRow.report_id)
            .where(ReportRow.unit_id == unit_id)
        )
        central_q = select(  # type: ignore[call-overload]
            CentralValueRow.round_id,
            CentralValueRow.indicator_no,
            CentralValueRow.value,
            CentralValueRow.steps,
            CentralValueRow.score,
        ).where(CentralValueRow.unit_id == unit_id)
        own: dict[int, list[ValueTuple]] = {}
        for round_id, *rest in self.session.exec(own_q).all():
            own.setdefault(round_id, []).append(tuple(rest))
        central: dict[int, list[ValueTuple]] = {}
        for round_id, *rest in self.session.exec(central_q).all():
            central.setdefault(round_id, []).append(tuple(rest))
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

    # --- the report endpoints, column-only (statements in report_rows.py) ---------------------
    def report_head(
        self, round_id: int, unit_code: str, *, lock: bool = False
    ) -> ReportHead | None:
        """The round, its fiscal year, the unit and its report row in one statement; None when
        the round or the unit does not exist. ``lock``: the report row is locked for update
        (PostgreSQL), and None also when the unit has no report yet."""
        stmt = report_rows.HEAD_LOCKED if lock else report_rows.HEAD
        row = self.session.connection().execute(stmt, {"rid": round_id, "code": unit_code}).first()
        return ReportHead._make(row) if row is not None else None

    def report_contents(
        self, report_id: int | None, fiscal_year_id: int, unit_id: int
    ) -> ReportContents:
        """Entries, review comments and not-applicable indicators, in one statement."""
        params = {"report_id": report_id, "fid": fiscal_year_id, "uid": unit_id}
        return report_rows.split_contents(
            self.session.connection().execute(report_rows.CONTENTS, params)
        )

    def insert_report(self, values: dict[str, Any]) -> int:
        """A new report row; its id."""
        conn = self.session.connection()
        return int(conn.execute(report_rows.INSERT_REPORT, values).scalar_one())

    def update_report(self, report_id: int, values: dict[str, Any]) -> None:
        self.session.connection().execute(
            report_rows.UPDATE_REPORT, {"report_id": report_id} | values
        )

    def insert_entry(self, values: dict[str, Any]) -> None:
        self.session.connection().execute(report_rows.INSERT_ENTRY, values)

    def update_entry(self, entry_id: int, values: dict[str, Any]) -> None:
        self.session.connection().execute(report_rows.UPDATE_ENTRY, {"entry_id": entry_id} | values)

    def add_comments(
        self,
        report_id: int,
        comments: Sequence[Mapping[str, Any]],
        *,
        author: str,
        created_at: datetime,
    ) -> list[CommentRecord]:
        """Review comments (``indicator_no``, ``comment``) on a report, as now stored."""
        rows = [
            ReviewCommentRow(
                report_id=report_id,
                indicator_no=c.get("indicator_no"),
                comment=c["comment"],
                author=author,
                created_at=created_at,
            )
            for c in comments
        ]
        self.session.add_all(rows)
        self.session.flush()
        return [
            CommentRecord(r.indicator_no, r.comment, author, created_at, r.id)  # type: ignore[arg-type]
            for r in rows
        ]


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
