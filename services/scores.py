"""Scores: one unit's explained score, the round scoreboard, a unit's history, simulations.

Each read issues a fixed number of statements whatever the number of units, indicators or
evidence files: values are fetched per round in bulk and scored in memory by the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from domain.errors import ValueInvalid
from domain.framework import Framework
from domain.messages import problem
from domain.results import level_names
from domain.scoring import ScoreResult, evaluate
from domain.summary import summarize
from domain.values import parse_values
from persistence.caches import ReadCaches, ValueMemo
from persistence.repositories.reference import BoardUnit, RoundUnit
from persistence.repositories.reporting import SMALL_PAGE, BoardValue
from persistence.repositories.score_read import ScoreInputs
from persistence.score_reader import ScoreReader
from persistence.unit_of_work import UnitOfWork
from services.access import check_score_read, scoreboard_scope
from services.errors import NotFound, Unprocessable
from services.etags import etag_of
from services.frameworks import require_framework
from services.principal import Principal
from services.reference import require_round, require_unit
from services.values import merge_values, sources


def score_document(result: ScoreResult, framework: Framework) -> dict[str, Any]:
    """The domain's score document with the names people read beside the codes: the level's,
    and each indicator's and dimension's, in Thai and English."""
    doc = result.to_dict()
    doc["level_name_th"], doc["level_name_en"] = level_names(framework)[result.level]
    indicators = {i.indicator_no: i for i in framework.indicators}
    for item in doc["indicators"]:
        indicator = indicators[item["indicator_no"]]
        item["name_th"], item["name_en"] = indicator.name_th, indicator.name_en
    dimensions = {d.code: d for d in framework.dimensions}
    for item in doc["dimensions"]:
        dimension = dimensions[item["code"]]
        item["name_th"], item["name_en"] = dimension.name_th, dimension.name_en
    return doc


class ScoreAnswer(NamedTuple):
    """A unit's explained score as it is sent: the JSON document and its ETag."""

    body: bytes
    etag: str


async def unit_score(
    reader: ScoreReader, actor: Principal, round_id: int, unit_code: str
) -> ScoreAnswer:
    """The explained score of one unit in one round (SPEC §5), as JSON bytes, and its ETag.

    The most-read endpoint: one statement (the round, its year and the unit, and every input
    value; see ``persistence.repositories.score_read``), read without a unit of work and
    awaited on the event loop (``persistence.score_reader``). The document is a pure function
    of those inputs, so the serialized answer is memoised on them: the inputs are still read
    on every request, so a change on any app instance is seen at once. Its ETag is a digest of
    the same inputs, made once with the document and memoised beside it. A round or unit that
    does not exist costs one statement more, to say which."""
    check_score_read(actor, unit_code)
    inputs = await reader.score_inputs(round_id, unit_code)
    if inputs.head is None:
        found = await reader.presence(round_id, unit_code)
        if not found.round:
            raise NotFound(code="round_not_found", params={"round_id": round_id})
        if not found.unit:
            raise NotFound(code="unit_not_found", params={"unit_code": unit_code})
        raise NotFound(
            code="score_not_found", params={"unit_code": unit_code, "round_id": round_id}
        )
    framework = await reader.framework(inputs.head.framework_id)
    assert framework is not None  # a fiscal year's framework is never deleted
    return _answer(reader.caches, round_id, inputs.head, inputs, framework)


def unit_score_document(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> bytes:
    """``unit_score``'s document read in a unit of work, for services that show a score among
    other things they read (a report, a document, an export)."""
    check_score_read(actor, unit_code)
    inputs = uow.repos.reporting.score_read(round_id, unit_code)
    if inputs.head is None:
        require_round(uow, round_id)
        require_unit(uow, unit_code)
        raise NotFound(
            code="score_not_found", params={"unit_code": unit_code, "round_id": round_id}
        )
    framework = uow.repos.reference.framework(inputs.head.framework_id)
    assert framework is not None
    return _answer(uow.caches, round_id, inputs.head, inputs, framework).body


def _answer(
    caches: ReadCaches,
    round_id: int,
    ru: RoundUnit,
    inputs: ScoreInputs,
    framework: Framework,
) -> ScoreAnswer:
    """The document and its ETag. The framework is immutable per id (``ru`` names it), so the
    key is everything the document depends on, and the same key gives the same ETag on every
    instance."""
    own, central, na = inputs.own, inputs.central, inputs.not_applicable
    key = (round_id, ru, tuple(sorted(own)), tuple(sorted(central)), tuple(sorted(na)))
    documents = caches.documents
    cached: ScoreAnswer | None = documents.get(key)
    if cached is not None:
        return cached
    values = merge_values(caches.values, sources(framework), own, central)
    result = evaluate(framework, values, na, ru.round_status == "closed")
    doc = {
        "round_id": round_id,
        "year_be": ru.year_be,
        "months": ru.months,
        "unit_code": ru.unit_code,
        "framework_id": ru.framework_id,
    } | score_document(result, framework)
    answer = ScoreAnswer(orjson.dumps(doc), etag_of("score", key))
    documents.put(key, answer)
    return answer


@dataclass(slots=True)
class ScoreRow:
    unit_code: str
    name_th: str
    name_en: str
    kind: str
    province: str | None
    overall: str | None
    level: str
    indicator_scores: dict[str, str | None]
    report_state: str
    submitted_at: Any
    on_time: bool | None
    level_name_th: str
    level_name_en: str


# What a scoreboard row keeps of a score: (overall, level, indicator scores by number).
_Scored = tuple[str | None, str, dict[str, str | None]]


def _score(
    memo: ValueMemo,
    framework: Framework,
    source_of: Mapping[int, str],
    keys: tuple[str, ...],
    inputs: tuple[BoardValue, ...],
    closed: bool,
) -> _Scored:
    """Score one unit from its scoreboard rows (see ``ReportingRepository.board_values``).

    ``summarize``, not ``evaluate``: a row shows no working, and building it was about half
    the time of scoring a round from cold (docs/benchmarks.md). ``source_of``
    and ``keys`` (each indicator's number as text) are the framework's, made once per page."""
    own: list[tuple[Any, ...]] = []
    central: list[tuple[Any, ...]] = []
    na: list[int] = []
    for row in inputs:
        src = row[1]
        if src == 0:
            own.append(row[2:])
        elif src == 1:
            central.append(row[2:])
        else:
            na.append(row[2])
    values = merge_values(memo, source_of, own, central)
    summary = summarize(framework, values, na, closed)
    overall = summary.overall
    scores = [None if score is None else str(score) for score in summary.scores]
    return (
        None if overall is None else str(overall),  # already 4 decimals
        summary.level,
        dict(zip(keys, scores, strict=True)),
    )


def score_rows(
    caches: ReadCaches,
    framework: Framework,
    framework_id: int,
    closed: bool,
    units: Iterable[BoardUnit],
    values: Mapping[int, tuple[BoardValue, ...]],
) -> list[ScoreRow]:
    """One scoreboard row per unit. The hot loop of the scoreboard: kept lean on purpose.

    A unit's rows are everything its score depends on (the framework is immutable per id), so
    they are the memo's key as they come; only a unit whose values changed is scored again
    (``caches.row_scores``)."""
    memo = caches.row_scores
    value_memo = caches.values
    remember = memo.get
    source_of = sources(framework)
    keys = tuple(str(i.indicator_no) for i in framework.indicators)
    get_values = values.get
    names = level_names(framework)
    no_values: tuple[BoardValue, ...] = ()
    rows: list[ScoreRow] = []
    append = rows.append
    for uid, code, name_th, name_en, kind, province, state, submitted_at, on_time in units:
        inputs = get_values(uid, no_values)
        key = (framework_id, closed, inputs)
        scored: _Scored | None = remember(key)
        if scored is None:
            scored = _score(value_memo, framework, source_of, keys, inputs, closed)
            memo.put(key, scored)
        append(
            ScoreRow(
                code,
                name_th,
                name_en,
                kind,
                province,
                scored[0],
                scored[1],
                scored[2].copy(),  # the memo's own dict stays out of callers' reach
                "draft" if state is None else state,  # no report yet
                submitted_at,
                on_time,
                *names[scored[1]],
            )
        )
    return rows


def _fmt(value: Any) -> str | None:
    return None if value is None else f"{value:.4f}"


# A scoreboard row with what it was made from: (row, the unit's facts, the unit's inputs).
Sourced = tuple[ScoreRow, BoardUnit, tuple[BoardValue, ...]]


def scoreboard(
    uow: UnitOfWork, actor: Principal, round_id: int, **filters: Any
) -> tuple[list[ScoreRow], str | None]:
    """Scores of the round's participating units, ordered by unit code.

    Returns (rows, the unit code to continue after — None on the last page); ``filters`` are
    ``board``'s (``level``, ``kind``, ``after``, ``page_size``)."""
    found = board(uow, actor, round_id, **filters)
    return found.rows, found.next_after


@dataclass(slots=True)
class Board:
    """A scoreboard page and the framework it was scored with (for the indicators' names)."""

    rows: list[ScoreRow]
    next_after: str | None
    framework: Framework


def indicator_legend(framework: Framework) -> list[dict[str, Any]]:
    """What the keys of a row's ``indicator_scores`` stand for, in Thai and English."""
    return [
        {
            "indicator_no": i.indicator_no,
            "code": i.code,
            "name_th": i.name_th,
            "name_en": i.name_en,
        }
        for i in framework.indicators
    ]


def board(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    *,
    level: str | None = None,
    kind: str | None = None,
    after: str | None = None,
    page_size: int | None = None,
) -> Board:
    """Scores of the round's participating units, ordered by unit code, and the framework
    they were scored with (for the callers that name indicators).

    ``next_after`` is the unit code to continue after — None on the last page. ``page_size``
    None means the whole round at once (CSV). A page costs a fixed handful of statements; with
    a level filter, further chunks are read until the page is full.
    """
    keep = None if level is None else (lambda row: row.level == level)
    head, found, nxt = board_rows(
        uow, actor, round_id, kind=kind, keep=keep, after=after, size=page_size
    )
    return Board([r[0] for r in found], nxt, board_framework(uow, head))


def board_framework(uow: UnitOfWork, head: tuple[int, bool]) -> Framework:
    """The framework a board was scored with (the reference repository keeps it parsed)."""
    framework = uow.repos.reference.framework(head[0])
    assert framework is not None
    return framework


def board_head(
    uow: UnitOfWork, actor: Principal, round_id: int
) -> tuple[tuple[int, bool], tuple[Framework, int], frozenset[str] | None]:
    """What every scoreboard read starts from: ((framework id, round closed), (the framework,
    the fiscal year id), the unit codes the caller may see or None for all)."""
    scope = scoreboard_scope(actor)
    found = uow.repos.reference.round_scoring(round_id)
    if found is None:
        require_round(uow, round_id)  # raises NotFound
        raise NotFound(code="round_not_found", params={"round_id": round_id})
    status, fiscal_year_id, framework_id = found
    framework = uow.repos.reference.framework(framework_id)
    assert framework is not None
    return (framework_id, status == "closed"), (framework, fiscal_year_id), scope


def board_rows(
    uow: UnitOfWork,
    actor: Principal,
    round_id: int,
    *,
    kind: str | None = None,
    keep: Callable[[ScoreRow], bool] | None = None,
    after: str | None = None,
    size: int | None = None,
) -> tuple[tuple[int, bool], list[Sourced], str | None]:
    """``scoreboard`` with any row filter ``keep`` and each row's inputs beside it (what an
    ETag is made of). Returns ((framework id, round closed), rows, code to continue after)."""
    head, (framework, fiscal_year_id), scope = board_head(uow, actor, round_id)
    framework_id, closed = head
    out: list[Sourced] = []
    cursor = after
    no_values: tuple[BoardValue, ...] = ()
    while True:
        fetch = None if size is None else size + 1
        units = uow.repos.reference.board_units(
            fiscal_year_id, round_id, kind=kind, codes=scope, after=cursor, limit=fetch
        )
        has_more = size is not None and len(units) > size
        units = units[:size] if size is not None else units
        if not units:
            return head, out, None
        # A page reads the values of its own units' code range only (and kind, if filtered),
        # not-applicable marks included.
        page = None if size is None else (units[0].code, units[-1].code)
        values = uow.repos.reporting.board_values(
            round_id, fiscal_year_id, page, kind, small=len(units) <= SMALL_PAGE
        )
        rows = score_rows(uow.caches, framework, framework_id, closed, units, values)
        for row, unit in zip(rows, units, strict=True):
            if keep is not None and not keep(row):
                continue
            out.append((row, unit, values.get(unit.id, no_values)))
            if size is not None and len(out) == size:
                more = has_more or row.unit_code != units[-1].code
                return head, out, (row.unit_code if more else None)
        if not has_more:
            return head, out, None
        cursor = units[-1].code


def score_history(uow: UnitOfWork, actor: Principal, unit_code: str) -> list[dict[str, Any]]:
    """The unit's overall and level in every round of every fiscal year, oldest first."""
    check_score_read(actor, unit_code)
    unit = require_unit(uow, unit_code)
    assert unit.id is not None
    out = []
    rounds = uow.repos.reporting.rounds_with_years()
    own, central = uow.repos.reporting.unit_values_all_rounds(unit.id)
    na = uow.repos.reference.not_applicable_all_years(unit.id)
    for rnd, fy in rounds:
        framework = uow.repos.reference.framework(fy.framework_id)
        assert framework is not None and rnd.id is not None and fy.id is not None
        values = merge_values(
            uow.caches.values, sources(framework), own.get(rnd.id, ()), central.get(rnd.id, ())
        )
        result = evaluate(framework, values, na.get(fy.id, ()), rnd.status == "closed")
        out.append(
            {
                "round_id": rnd.id,
                "year_be": fy.year_be,
                "months": rnd.months,
                "overall": _fmt(result.overall),
                "level": result.level,
            }
        )
    return out


def simulate(
    uow: UnitOfWork,
    *,
    framework_id: int | None,
    framework_doc: Mapping[str, Any] | None,
    values: list[Mapping[str, Any]],
    not_applicable: list[int],
    round_closed: bool = False,
) -> dict[str, Any]:
    """A stateless what-if: the same score document for values that are not stored anywhere."""
    if (framework_id is None) == (framework_doc is None):
        raise Unprocessable(code="framework_choice")
    if framework_doc is not None:
        framework = Framework.from_dict(
            dict(framework_doc) | {"version": framework_doc.get("version", 1)}
        )
    else:
        assert framework_id is not None
        framework = require_framework(uow, framework_id)
    known = {i.indicator_no for i in framework.indicators}
    unknown = sorted(set(not_applicable) - known)
    if unknown:
        raise ValueInvalid.from_problems(
            "not_applicable names unknown indicators",
            [problem("unknown_indicator", field="not_applicable", indicator_no=n) for n in unknown],
        )
    parsed = parse_values(framework, values)
    return score_document(evaluate(framework, parsed, not_applicable, round_closed), framework)
