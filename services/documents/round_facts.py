"""What the round's documents show: every visible unit scored, and the round summary's facts.

Access is the data's own: the summary and the round's charts are the round's monitoring
(``services.rounds.monitoring``: admin, inspector for its units, viewer), counted over the
units the caller may see; the rewards section only for those who read the reward list. A
fixed handful of statements whatever the number of units; each unit is scored in memory by the
domain, and only the few numbers a document prints are kept of each result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.calendar import thai_date, thai_datetime, thai_period
from domain.framework import Framework
from domain.scoring import evaluate
from persistence.unit_of_work import UnitOfWork
from services import rewards, rounds
from services.access import scoreboard_scope
from services.documents import charts, labels
from services.errors import Forbidden
from services.principal import Principal
from services.reference import require_round
from services.values import merge_values, sources

TABLE_MAX = 300
"""Beyond this many units the summary's per-unit table lists the units below Standard only and
names the XLSX export for the rest: a PDF of 10,000 rows is read by no one."""
BELOW = ("below_standard", "incomplete")


@dataclass(frozen=True, slots=True)
class UnitOutcome:
    """What a round document keeps of one unit's score."""

    code: str
    name_th: str
    kind: str
    state: str
    on_time: bool | None
    overall: Decimal | None
    level: str
    dimensions: tuple[Decimal | None, ...]
    largest_gap: tuple[int, Decimal] | None
    """(indicator no, score still needed) of the blocking indicator furthest from the next
    level, when the unit is below Standard"""


def score_round(
    uow: UnitOfWork, scope: frozenset[str] | None, round_id: int
) -> tuple[Framework, list[UnitOutcome]]:
    """Every participating unit in ``scope`` (None: all) scored for the round, by code."""
    rnd, fy = require_round(uow, round_id)
    assert rnd.id is not None and fy.id is not None
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    units = uow.repos.reference.board_units(fy.id, rnd.id, codes=scope)
    ids = [u.id for u in units]
    own, central, _reports = uow.repos.reporting.round_values(
        rnd.id, None if scope is None else ids
    )
    na = uow.repos.reference.not_applicable_by_unit(fy.id, None if scope is None else ids)
    source_of = sources(framework)
    closed = rnd.status == "closed"
    out = []
    for u in units:
        values = merge_values(source_of, own.get(u.id, ()), central.get(u.id, ()), with_unit=True)
        result = evaluate(framework, values, na.get(u.id, ()), closed)
        gap = None
        if result.level in BELOW and result.next_level_gap is not None:
            shortfalls = [
                (item.indicator_no, item.required_score - (item.current_score or Decimal(0)))
                for item in result.next_level_gap.blocking
            ]
            if shortfalls:
                gap = max(shortfalls, key=lambda s: (s[1], -s[0]))
        out.append(
            UnitOutcome(
                u.code,
                u.name_th,
                u.kind,
                u.report_state or "draft",
                u.on_time,
                result.overall,
                result.level,
                tuple(d.score for d in result.dimensions),
                gap,
            )
        )
    return framework, out


def dimension_averages(outcomes: list[UnitOutcome], count: int) -> list[Decimal | None]:
    return [
        labels.mean4([o.dimensions[i] for o in outcomes if o.dimensions[i] is not None])  # type: ignore[misc]
        for i in range(count)
    ]


def reference_lines(framework: Framework, *, overall: bool = False) -> list[charts.RefLine]:
    """The levels' minimums as chart lines: per indicator (bars of dimension scores), or the
    overall minimum where a level has one (the trend of overall scores)."""
    lines = []
    for rule in framework.levels:
        value = rule.min_overall if overall and rule.min_overall is not None else rule.min_each
        if value is not None:
            lines.append(charts.RefLine(value, f"{rule.name_th} {value:.2f}"))
    return lines


def levels_chart(framework: Framework, outcomes: list[UnitOutcome], title_round: str) -> str:
    order = labels.level_order(framework)
    counts = [sum(1 for o in outcomes if o.level == code) for code in order]
    names = [labels.level_label(framework, code) for code in order]
    desc = "จำนวนหน่วยงานแยกตามระดับ / units per level: " + "; ".join(
        f"{n}: {c}" for n, c in zip(names, counts, strict=True)
    )
    return charts.count_columns(f"จำนวนหน่วยงานตามระดับ {title_round}", desc, names, counts)


def dimensions_chart(framework: Framework, outcomes: list[UnitOutcome], title_round: str) -> str:
    averages = dimension_averages(outcomes, len(framework.dimensions))
    names = [f"{d.name_th} ({d.weight}%)" for d in framework.dimensions]
    desc = (
        f"คะแนนเฉลี่ยรายมิติของ {len(outcomes)} หน่วยงาน / dimension averages of "
        f"{len(outcomes)} units: "
        + "; ".join(
            f"{n}: {'–' if a is None else f'{a:.4f}'}" for n, a in zip(names, averages, strict=True)
        )
    )
    return charts.score_bars(
        f"คะแนนเฉลี่ยรายมิติ {title_round}",
        desc,
        names,
        [charts.Series("ค่าเฉลี่ย / average", averages)],
        reference_lines(framework),
    )


def _fmt(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _unit_row(framework: Framework, o: UnitOutcome) -> dict[str, Any]:
    return {
        "code": o.code,
        "name": o.name_th,
        "state": labels.STATES.get(o.state, o.state),
        "on_time": labels.on_time_label(o.on_time if o.state in rounds.REPORTED_STATES else None),
        "overall": _fmt(o.overall),
        "level": labels.level_label(framework, o.level),
    }


def round_summary(
    uow: UnitOfWork, actor: Principal, round_id: int, clock: Callable[[], datetime]
) -> dict[str, Any]:
    """The department's round summary, as the facts its PDF prints."""
    monitoring = rounds.monitoring(uow, actor, round_id)  # the access check (403 / 404)
    scope = scoreboard_scope(actor)  # the same units as the monitoring's
    framework, outcomes = score_round(uow, scope, round_id)
    rnd, fy = require_round(uow, round_id)
    title_round = f"รอบ {rnd.months} เดือน ปีงบประมาณ {fy.year_be}"
    total = len(outcomes)
    per_level = []
    for code in labels.level_order(framework):
        n = sum(1 for o in outcomes if o.level == code)
        per_level.append(
            {
                "level": labels.level_label(framework, code),
                "units": n,
                "share": rounds.percent(n, total) or "–",
            }
        )
    averages = dimension_averages(outcomes, len(framework.dimensions))
    below = sorted(
        (o for o in outcomes if o.level == "below_standard"),
        key=lambda o: (-(o.largest_gap[1] if o.largest_gap else 0), o.code),
    )
    names = {i.indicator_no: i.name_th for i in framework.indicators}
    whole = total <= TABLE_MAX
    table = outcomes if whole else [o for o in outcomes if o.level in BELOW]
    doc: dict[str, Any] = {
        "title": f"สรุปผลการประเมินมาตรฐานคุณภาพการให้บริการประชาชน {title_round}",
        "header_left": "สรุปผลรายรอบของกรม / department round summary",
        "header_right": title_round,
        "title_round": title_round,
        "round": labels.round_label(rnd.months, fy.year_be),
        "period": thai_period(rnd.period_start, rnd.period_end),
        "deadline": thai_date(rnd.deadline),
        "status": labels.ROUND_STATUS.get(rnd.status, rnd.status),
        "generated": thai_datetime(clock()),
        "units": total,
        "per_level": per_level,
        "rates": monitoring.overall,
        "by_kind": [{"kind": labels.KINDS.get(k, k)} | v for k, v in monitoring.by_kind.items()],
        "dimensions": [
            {"name": f"{d.name_th} / {d.name_en}", "weight": str(d.weight), "average": _fmt(a)}
            for d, a in zip(framework.dimensions, averages, strict=True)
        ],
        "below": [
            {
                "code": o.code,
                "name": o.name_th,
                "overall": _fmt(o.overall),
                "gap": "–"
                if o.largest_gap is None
                else f"ตัวชี้วัดที่ {o.largest_gap[0]} {names.get(o.largest_gap[0], '')} "
                f"ขาดอีก {o.largest_gap[1]:.4f} คะแนน",
            }
            for o in below[:TABLE_MAX]
        ],
        "below_more": max(len(below) - TABLE_MAX, 0),
        "table": [_unit_row(framework, o) for o in table],
        "table_whole": whole,
        "xlsx": f"/api/v1/rounds/{round_id}/scores.xlsx",
        "charts": {
            "levels": levels_chart(framework, outcomes, title_round),
            "dimensions": dimensions_chart(framework, outcomes, title_round),
        },
        "rewards": None,
    }
    if rnd.months == 12:
        doc["rewards"] = _rewards(uow, actor, fy.year_be, framework)
    return doc


def _rewards(
    uow: UnitOfWork, actor: Principal, year_be: int, framework: Framework
) -> dict[str, Any] | None:
    """The year's reward list (awarded units and totals), for those who read it."""
    try:
        found = rewards.reward_list(uow, actor, year_be)
    except Forbidden:
        return None
    awarded = [u for u in found["units"] if u["award"] not in (None, "0.00")]
    return {
        "units": [
            {
                "code": u["unit_code"],
                "name": u["name_th"],
                "level": labels.level_label(framework, u["final_level"]),
                "award": u["award"],
            }
            for u in awarded
        ],
        "totals": found["totals"],
    }
