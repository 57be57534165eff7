"""What the round's documents show: every visible unit scored, and the round summary's facts.

Access is the data's own: the summary and the round's charts are read by the round
monitoring's readers (admin, viewer, an inspector) over the units their scoreboard shows
(``scores.scoreboard``, whose rules and memo of scores they reuse); the rewards section only
for those who read the reward list. The rates follow ``services.rounds``' definitions. A fixed
handful of statements whatever the number of units, and no explained score per unit: the
dimension scores come from the indicator scores (``domain.summary.dimension_scorer``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.calendar import thai_date, thai_datetime, thai_period
from domain.framework import Framework
from domain.summary import dimension_scorer
from persistence.unit_of_work import UnitOfWork
from services import rewards, rounds, scores
from services.access import require_role
from services.cost import export
from services.documents import charts, labels, typeset
from services.errors import Forbidden
from services.principal import Principal
from services.reference import require_round

TABLE_MAX = 300
"""Beyond this many units the summary's per-unit table lists the units below Standard only (at
most this many) and names the XLSX export for the rest: a PDF of 10,000 rows is read by no one."""
GAPS_LISTED = 50
"""The units below Standard listed with their largest gaps, the largest first."""
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
    """(indicator no, score still needed) of the indicator furthest below the lowest level's
    minimum, when the unit is below Standard"""


def score_round(
    uow: UnitOfWork, actor: Principal, round_id: int
) -> tuple[Framework, list[UnitOutcome]]:
    """Every participating unit the caller's scoreboard shows, by code, scored for the round.

    Through ``scores.scoreboard`` (its access rules, its memo of unchanged units' scores), and
    the dimension scores from its indicator scores (``domain.summary.dimension_scores``): a
    10,000-unit round is scored in the time of its scoreboard, not of 10,000 explanations."""
    rows, _ = scores.scoreboard(uow, actor, round_id)
    _rnd, fy = require_round(uow, round_id)
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    keys = [str(i.indicator_no) for i in framework.indicators]
    numbers = [i.indicator_no for i in framework.indicators]
    # The lowest level rule with a minimum per indicator: what a unit below it falls short of
    floor = next((r.min_each for r in reversed(framework.levels) if r.min_each is not None), None)
    no_dims: tuple[Decimal | None, ...] = (None,) * len(framework.dimensions)
    dimensions_of = dimension_scorer(framework)
    out = []
    for row in rows:
        marks = tuple(
            None if (v := row.indicator_scores.get(k)) is None else Decimal(v) for k in keys
        )
        complete = row.level != "incomplete"
        gap = None
        if row.level == "below_standard" and floor is not None:
            short = [(floor - m, n) for n, m in zip(numbers, marks, strict=True) if m is not None]
            worst = max(short, default=None)
            gap = None if worst is None or worst[0] <= 0 else (worst[1], worst[0])
        out.append(
            UnitOutcome(
                row.unit_code,
                row.name_th,
                row.kind,
                row.report_state,
                row.on_time,
                None if row.overall is None else Decimal(row.overall),
                row.level,
                dimensions_of(marks) if complete else no_dims,
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
    scored = sum(1 for o in outcomes if o.level != "incomplete")
    names = [f"{d.name_th} ({d.weight}%)" for d in framework.dimensions]
    desc = (
        f"คะแนนเฉลี่ยรายมิติของ {scored} หน่วยงานที่มีคะแนนครบ / dimension averages of the "
        f"{scored} units with every score: "
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


def round_chart(uow: UnitOfWork, actor: Principal, round_id: int, which: str) -> str:
    """The round's ``levels`` or ``dimensions`` chart as SVG. The charts are the round
    monitoring's data: the same readers (403 for others), the same units."""
    require_role(actor, *rounds.MONITORS)
    framework, outcomes = score_round(uow, actor, round_id)
    rnd, fy = require_round(uow, round_id)
    title = f"รอบ {rnd.months} เดือน ปีงบประมาณ {fy.year_be}"
    if which == "levels":
        return levels_chart(framework, outcomes, title)
    return dimensions_chart(framework, outcomes, title)


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
    uow: UnitOfWork, actor: Principal, round_id: int, now: datetime
) -> dict[str, Any]:
    """The department's round summary, as the facts its PDF prints."""
    require_role(actor, *rounds.MONITORS)  # the round monitoring's readers (403)
    framework, outcomes = score_round(uow, actor, round_id)  # their units (404: no round)
    overall, by_kind = rounds.Rates(), {kind: rounds.Rates() for kind in rounds.UNIT_KINDS}
    for o in outcomes:  # the monitoring's rates, by its definitions (services.rounds)
        overall.add(o.state, o.on_time)
        by_kind.setdefault(o.kind, rounds.Rates()).add(o.state, o.on_time)
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
    whole = total <= TABLE_MAX
    table = outcomes if whole else [o for o in outcomes if o.level in BELOW]
    table_more = max(len(table) - TABLE_MAX, 0)
    doc: dict[str, Any] = {
        "title": f"สรุปผลการประเมินมาตรฐานคุณภาพการให้บริการประชาชน {title_round}",
        "header_left": "สรุปผลรายรอบของกรม / department round summary",
        "header_right": title_round,
        "title_round": title_round,
        "round": labels.round_label(rnd.months, fy.year_be),
        "period": thai_period(rnd.period_start, rnd.period_end),
        "deadline": thai_date(rnd.deadline),
        "status": labels.ROUND_STATUS.get(rnd.status, rnd.status),
        "generated": thai_datetime(now),
        "units": total,
        "per_level": per_level,
        "rates": overall.to_dict(),
        "by_kind": [{"kind": labels.KINDS.get(k, k)} | v.to_dict() for k, v in by_kind.items()],
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
                else f"ตัวชี้วัดที่ {o.largest_gap[0]} ขาดอีก {o.largest_gap[1]:.4f} คะแนน / "
                f"indicator {o.largest_gap[0]} short by {o.largest_gap[1]:.4f}",
            }
            for o in below[:GAPS_LISTED]
        ],
        "below_more": max(len(below) - GAPS_LISTED, 0),
        "table": [_unit_row(framework, o) for o in table[:TABLE_MAX]],
        "table_more": table_more,
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


@export
def round_summary_pdf(
    uow: UnitOfWork, actor: Principal, round_id: int, now: datetime, font_dir: Path
) -> bytes:
    """The round summary's PDF in one call: a whole-round export, so the API runs it through
    the export limiter (api.export_limit), in a worker process of its own."""
    return typeset.typeset("round_summary", round_summary(uow, actor, round_id, now), font_dir)
