"""Everything one unit's score needs, read in ONE statement: the most requested read.

A score read used to be two statements: the round, its fiscal year and the unit (by code),
then the unit's values. The second needed the ids the first found, so on PostgreSQL that was
two network round trips per request, and on SQLite two passes through SQLAlchemy's execution
machinery, which cost more than running either statement. Here the values are found by the
unit's *code* and the round's id directly, and the round/year/unit facts come back as one more
row of the same ``UNION ALL``, marked ``src = 9``. Being one statement, it is also one snapshot
on PostgreSQL (reads run statement by statement there, see ``UnitOfWork``).

Rows are (src, a, b, c, d, e, f, g): src 0 an own entry, 1 a central value and 2 a
not-applicable mark carry (indicator_no, value, steps, score) in a..d; src 9 carries
(months, round status, fiscal year id, unit code, year, framework id, unit id) in a..g, an
order in which each column has one type in every branch (PostgreSQL types a union's columns;
each branch casts its NULLs for the same reason).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Integer, String, bindparam, cast, literal_column, null, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import col

from persistence.repositories.driver_statement import DriverStatement
from persistence.repositories.reference import RoundUnit
from persistence.tables import (
    CentralValueRow,
    FiscalYearRow,
    IndicatorEntryRow,
    NotApplicableRow,
    ReportRow,
    RoundRow,
    UnitRow,
)

# (indicator_no, value, steps, score): one stored value, here and in the bulk readers
# (reporting.py re-exports it).
ValueTuple = tuple[int, str | None, int | None, str | None]

_HEADER = 9


def _nothing(type_: Any) -> Any:
    return cast(null(), type_)


def _statement() -> DriverStatement:
    rid, code = bindparam("rid"), bindparam("code")
    unit_here = col(UnitRow.code) == code
    header = (
        sa_select(
            literal_column(str(_HEADER), Integer).label("src"),
            col(RoundRow.months).label("a"),
            col(RoundRow.status).label("b"),
            col(FiscalYearRow.id).label("c"),
            col(UnitRow.code).label("d"),
            col(FiscalYearRow.year_be).label("e"),
            col(FiscalYearRow.framework_id).label("f"),
            col(UnitRow.id).label("g"),
        )
        .join(FiscalYearRow, col(FiscalYearRow.id) == RoundRow.fiscal_year_id)
        .join(UnitRow, unit_here)
        .where(col(RoundRow.id) == rid)
    )

    def values(src: int, table: Any, *where: Any) -> Any:
        return sa_select(
            literal_column(str(src), Integer),
            table.indicator_no,
            table.value,
            table.steps,
            table.score,
            _nothing(Integer),
            _nothing(Integer),
            _nothing(Integer),
        ).where(*where)

    own = values(
        0,
        IndicatorEntryRow,
        col(IndicatorEntryRow.report_id) == ReportRow.id,
        col(ReportRow.unit_id) == UnitRow.id,
        col(ReportRow.round_id) == rid,
        unit_here,
    )
    central = values(
        1,
        CentralValueRow,
        col(CentralValueRow.unit_id) == UnitRow.id,
        col(CentralValueRow.round_id) == rid,
        unit_here,
    )
    marks = sa_select(
        literal_column("2", Integer),
        col(NotApplicableRow.indicator_no),
        _nothing(String),
        _nothing(Integer),
        _nothing(String),
        _nothing(Integer),
        _nothing(Integer),
        _nothing(Integer),
    ).where(
        col(NotApplicableRow.unit_id) == UnitRow.id,
        col(NotApplicableRow.fiscal_year_id) == RoundRow.fiscal_year_id,
        col(RoundRow.id) == rid,
        unit_here,
    )
    return DriverStatement(union_all(header, own, central, marks))


SCORE_READ = _statement()


class ScoreInputs(NamedTuple):
    """Everything one unit's score in one round depends on (besides its framework)."""

    head: RoundUnit | None  # the round, its year and the unit; None if either is missing
    own: list[ValueTuple]  # the unit's own entries
    central: list[ValueTuple]  # the providers' values for the unit
    not_applicable: list[int]  # indicators marked not applicable to the unit this year


def read_score_inputs(conn: Connection, round_id: int, unit_code: str) -> ScoreInputs:
    """(round/year/unit, own entries, central values, not-applicable indicators) of one unit in
    one round. The first is None when the round or the unit does not exist (then there are no
    values either)."""
    return score_inputs(SCORE_READ.rows(conn, {"rid": round_id, "code": unit_code}))


def score_inputs(rows: list[Any]) -> ScoreInputs:
    """The statement's rows sorted into what a score needs (also for the score reader)."""
    head: RoundUnit | None = None
    own: list[ValueTuple] = []
    central: list[ValueTuple] = []
    na: list[int] = []
    for src, a, b, c, d, e, f, g in rows:
        if src == 0:
            own.append((a, b, c, d))
        elif src == 1:
            central.append((a, b, c, d))
        elif src == 2:
            na.append(a)
        else:
            head = RoundUnit(a, b, c, e, f, g, d)
    return ScoreInputs(head, own, central, na)
