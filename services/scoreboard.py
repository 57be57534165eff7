"""A page of the round's scoreboard as a portal asks for it: filtered, sorted, counted, tagged.

The plain order (by unit code, no total) reads page by page (``scores.board_rows``): a page
costs a fixed handful of statements whatever the size of the round. Sorting by a score, or
counting the rows that match, needs every row's score, so those read the whole round once
(each unchanged unit's score comes from the memo) and cut the page out of it.

A page's ETag is made of what its rows are made of (each unit's facts and input values, the
framework, whether the round is closed), the filters and the cursors: never of the answer.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.framework import Framework
from persistence.unit_of_work import UnitOfWork
from services.cost import cheap
from services.errors import BadRequest
from services.etags import etag_of
from services.principal import Principal
from services.scores import (
    ScoreRow,
    Sourced,
    board_framework,
    board_head,
    board_rows,
    score_rows,
)
from services.sync_cursor import cursor_of
from services.sync_cursor import position as sync_position

SORTS = ("unit_code", "overall", "-overall", "level")
# "level" puts the best first; within a level, and for ties of overall, unit code decides.
LEVEL_RANK = {"best_practice": 0, "standard": 1, "below_standard": 2, "incomplete": 3}


@dataclass(frozen=True)
class BoardQuery:
    level: str | None = None
    kind: str | None = None
    province: str | None = None
    state: str | None = None
    on_time: bool | None = None
    sort: str = "unit_code"
    include_total: bool = False
    updated_since: datetime | None = None


@dataclass
class BoardPage:
    rows: list[ScoreRow]
    next_cursor: Any  # JSON-ready; None on the last page
    total: int | None
    etag: str
    stamps: list[datetime] | None = None  # with updated_since: each row's last change
    framework: Framework | None = None  # what the rows were scored with (the page's legend)


def _keep(query: BoardQuery) -> Any:
    tests = []
    if query.level is not None:
        tests.append(lambda r: r.level == query.level)
    if query.province is not None:
        tests.append(lambda r: r.province == query.province)
    if query.state is not None:
        tests.append(lambda r: r.report_state == query.state)
    if query.on_time is not None:
        tests.append(lambda r: r.on_time is query.on_time)
    if not tests:
        return None
    return lambda row: all(test(row) for test in tests)


def _key(sort: str, overall: str | None, level: str, code: str) -> tuple[Any, ...]:
    """The row's place in ``sort``: rows without an overall (incomplete) come last either way."""
    if sort == "level":
        return (LEVEL_RANK.get(level, len(LEVEL_RANK)), code)
    if sort in ("overall", "-overall"):
        if overall is None:
            return (1, Decimal(0), code)
        value = Decimal(overall)
        return (0, value if sort == "overall" else -value, code)
    return (code,)


def _cursor_key(sort: str, cursor: Any) -> tuple[Any, ...]:
    """The position a cursor of a sorted page names; a cursor of another sort (or a forged
    one) is refused, since it would silently skip or repeat rows."""
    try:
        name, overall, level, code = cursor
        if name != sort or not isinstance(code, str) or not isinstance(level, str):
            raise ValueError
        if overall is not None and not (isinstance(overall, str) and Decimal(overall).is_finite()):
            raise ValueError  # NaN would not even compare
        return _key(sort, overall, level, code)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise BadRequest(kind="cursor_invalid", code="cursor_other_sort") from exc


SHORT_PAGE = 200
"""Pages up to this many rows are cheap enough for the event loop (``services.cost``)."""


def _short(
    actor: Principal, round_id: int, query: BoardQuery, *, cursor: Any, size: int | None
) -> bool:
    """A short page of plain rows: filters may read several chunks to fill a page, sorts and
    totals the whole round."""
    return size is not None and size <= SHORT_PAGE and query == BoardQuery(kind=query.kind)


@cheap(when=_short)
def page(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    query: BoardQuery,
    *,
    cursor: Any,
    size: int | None,
) -> BoardPage:
    """One page of the scoreboard; ``cursor`` is the previous page's ``next_cursor``;
    ``size`` None: every matching row (CSV)."""
    keep = _keep(query)
    if query.updated_since is not None:
        return _changed_page(uow, actor, round_id, query, keep, cursor, size)
    if query.sort == "unit_code" and cursor is not None and not isinstance(cursor, str):
        _cursor_key(query.sort, cursor)  # raises: a cursor of another sort
    if query.sort == "unit_code" and not query.include_total:
        head, found, nxt = board_rows(
            uow, actor, round_id, kind=query.kind, keep=keep, after=cursor, size=size
        )
        return _page(uow, round_id, query, head, found, nxt, None)
    head, everything, _ = board_rows(uow, actor, round_id, kind=query.kind, keep=keep)
    keyed = sorted(
        ((_key(query.sort, s[0].overall, s[0].level, s[0].unit_code), s) for s in everything),
        key=lambda pair: pair[0],
    )
    start = 0
    if cursor is not None:
        if query.sort == "unit_code":
            position: tuple[Any, ...] = (cursor,)
        else:
            position = _cursor_key(query.sort, cursor)
        start = bisect_right([k for k, _ in keyed], position)
    end = len(keyed) if size is None else start + size
    chosen = [s for _, s in keyed[start:end]]
    nxt_value: Any = None
    if end < len(keyed) and chosen:
        last = chosen[-1][0]
        nxt_value = (
            last.unit_code
            if query.sort == "unit_code"
            else [query.sort, last.overall, last.level, last.unit_code]
        )
    return _page(uow, round_id, query, head, chosen, nxt_value, len(keyed))


def _page(
    uow: UnitOfWork,
    round_id: int,
    query: BoardQuery,
    head: tuple[int, bool],
    found: list[Sourced],
    nxt: Any,
    total: int | None,
) -> BoardPage:
    inputs = [(unit, values) for _, unit, values in found]
    tag = etag_of("board", round_id, head, query, inputs, nxt, total)
    return BoardPage(
        [s[0] for s in found],
        nxt,
        total if query.include_total else None,
        tag,
        framework=board_framework(uow, head),
    )


def _changed_page(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    query: BoardQuery,
    keep: Any,
    cursor: Any,
    size: int | None,
) -> BoardPage:
    """Rows changed at or after ``query.updated_since``, oldest change first (see
    ``persistence.repositories.sync``). The cursor is the last row's (stamp, code)."""
    if query.sort != "unit_code" or query.include_total:
        raise BadRequest(code="sync_sort", kind="sync_conflict")
    if size is None:
        raise BadRequest(code="sync_csv", kind="sync_conflict")
    since = query.updated_since
    assert since is not None
    position = sync_position(cursor, str)
    head, (framework, fiscal_year_id), scope = board_head(uow, actor, round_id)
    sync = uow.repos.sync
    found: list[tuple[Sourced, datetime]] = []
    more = False
    while True:
        changed = sync.board_changed(
            fiscal_year_id,
            round_id,
            since=since,
            after=position,
            kind=query.kind,
            codes=scope,
            limit=size + 1,
        )
        has_more = len(changed) > size
        changed = changed[:size]
        if not changed:
            break
        units = [unit for unit, _ in changed]
        values = sync.board_values_of(round_id, fiscal_year_id, [u.id for u in units])
        rows = score_rows(uow.caches, framework, head[0], head[1], units, values)
        full = False
        for i, (row, (unit, stamp)) in enumerate(zip(rows, changed, strict=True)):
            position = (stamp, unit.code)
            if keep is None or keep(row):
                found.append(((row, unit, values.get(unit.id, ())), stamp))
                if len(found) == size:
                    full = True
                    more = has_more or i < len(changed) - 1
                    break
        if full or not has_more:
            break
    nxt = cursor_of(*position) if more and position is not None else None
    page = _page(uow, round_id, query, head, [s for s, _ in found], nxt, None)
    page.stamps = [stamp for _, stamp in found]
    return page
