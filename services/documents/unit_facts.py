"""What a unit's report PDF shows, gathered through the services that answer the same data.

The report is read with ``reports.get_report`` and the score with
``scores.unit_score_document``, so the PDF obeys exactly their access rules (another unit's
report is a 404, a viewer's a 403) and prints exactly their strings. The forms are designed
from what the seed asks each report to hold (the seed shows them only as images):

- Form 1 (แบบที่ 1, every round): per indicator the value, score, the five criteria with the
  interval reached, the formula, and the unit's narrative, problems and suggestions; overall
  score, level, dimensions and the gap to the next level.
- Form 2 (แบบที่ 2, 12 months): per indicator the evidence files and whether the minimum count
  is met, and the working-group appointment order.
- The 12-month summary form (แบบสรุปรายงานผลการธำรงรักษามาตรฐาน): the year's three rounds
  side by side, what changed, the review comments and their resolution, and signatures.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.calendar import thai_date, thai_datetime, thai_period
from domain.framework import Framework, Indicator
from domain.results import RULE_AT_OR_BEYOND_L5
from persistence.unit_of_work import UnitOfWork
from services import evidence, reports, scores
from services.documents import charts, labels
from services.documents.round_facts import dimension_averages, reference_lines, score_round
from services.errors import Forbidden
from services.principal import Principal
from services.reference import require_round, require_unit
from services.report_views import ReportView


def _score_doc(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(scores.unit_score_document(uow, actor, round_id, unit_code))
    return doc


def _value_text(ind: Indicator, explanation: dict[str, Any]) -> str:
    measure = labels.MEASURES.get(ind.unit, ind.unit)
    if "value" in explanation and explanation["value"] is not None:
        return f"{explanation['value']} {measure}"
    if explanation.get("steps") is not None:
        return f"{explanation['steps']} ขั้นตอน (steps)"
    if explanation.get("score_given") is not None:
        return f"คะแนน {explanation['score_given']} (score given)"
    return "ยังไม่มีค่า / no value yet"


def _reached(explanation: dict[str, Any]) -> list[int]:
    """The criteria levels (1–5) to mark: the two ends of the interval the value fell in, L5
    at or beyond it, the steps completed of a milestone."""
    interval = explanation.get("interval")
    if interval:
        return [interval["lower_level"], interval["upper_level"]]
    if explanation.get("rule") == RULE_AT_OR_BEYOND_L5:
        return [5]
    steps = explanation.get("steps")
    return [steps] if isinstance(steps, int) and 1 <= steps <= 5 else []


def _indicator(
    framework: Framework, ind: Indicator, result: dict[str, Any], view: ReportView, reported: bool
) -> dict[str, Any]:
    entry = next((e for e in view.entries if e.indicator_no == ind.indicator_no), None)
    explanation = result.get("explanation") or {}
    provider = next((p for p in framework.providers if p.code == ind.source), None)
    criteria = explanation.get("criteria")
    if criteria is None and ind.kind.value == "milestone":
        criteria = ["1 ขั้นตอน", "2 ขั้นตอน", "3 ขั้นตอน", "4 ขั้นตอน", "5 ขั้นตอน"]
    dimension = next(d for d in framework.dimensions if d.code == ind.dimension)
    return {
        "no": ind.indicator_no,
        "name_th": ind.name_th,
        "name_en": ind.name_en,
        "dimension": dimension.name_th,
        "source": "หน่วยงานรายงาน / reported by the unit"
        if provider is None
        else f"{provider.name_th} / {provider.name_en}",
        "reported": reported,
        "value": _value_text(ind, explanation),
        "score": result.get("score") or "–",
        "direction": {
            "higher_is_better": "ยิ่งมากยิ่งดี / higher is better",
            "lower_is_better": "ยิ่งน้อยยิ่งดี / lower is better",
        }.get(explanation.get("direction") or "", ""),
        "criteria": criteria,
        "reached": _reached(explanation),
        "formula": explanation.get("formula") or explanation.get("note") or "–",
        "narrative": entry.narrative if entry else None,
        "problems": entry.problems if entry else None,
        "suggestions": entry.suggestions if entry else None,
    }


def _gap(framework: Framework, doc: dict[str, Any]) -> dict[str, Any] | None:
    gap = doc.get("next_level_gap")
    if gap is None:
        return None
    items = []
    for item in gap["blocking"]:
        if item.get("unreachable"):
            need = "ไม่สามารถถึงได้ในรอบนี้ / unreachable in this round"
        elif item.get("required_value") is not None:
            value = item["required_value"]
            need = f"ต้องได้ค่าอย่างน้อย {value} / needs a value of {value}"
        elif item.get("required_steps") is not None:
            need = f"ต้องสำเร็จ {item['required_steps']} ขั้นตอน / needs {item['required_steps']} steps"
        else:
            need = (
                f"ต้องได้คะแนน {item['required_score']} / needs a score of {item['required_score']}"
            )
        items.append(
            f"ตัวชี้วัดที่ {item['indicator_no']}: คะแนน {item['current_score'] or '–'} "
            f"ต้องการ {item['required_score']}; {need}"
        )
    return {
        "target": labels.level_label(framework, gap["target_level"]),
        "items": items,
        "overall": f"คะแนนรวม {gap['overall_current'] or '–'} ต้องการ "
        f"{gap['overall_required'] or '–'} ขาดอีก {gap['overall_shortfall']} / overall "
        f"shortfall {gap['overall_shortfall']}",
    }


def _unit_chart(
    uow: UnitOfWork,
    actor: Principal,
    framework: Framework,
    doc: dict[str, Any],
    round_id: int,
    title_round: str,
) -> str:
    """The unit's dimension scores against the average of the round's units the caller may
    see (an officer sees only its own unit: then no average is drawn, and the chart says so),
    so the picture never reveals a score the caller could not read."""
    _fw, outcomes = score_round(uow, actor, round_id)
    others = [o for o in outcomes if o.code != doc["unit_code"]]
    names = [d.name_th for d in framework.dimensions]
    mine = {d["code"]: d["score"] for d in doc["dimensions"]}
    unit_values = [
        None if mine.get(d.code) is None else Decimal(mine[d.code]) for d in framework.dimensions
    ]
    series = [charts.Series(f"หน่วยงาน {doc['unit_code']}", unit_values)]
    about = "no round average: the caller sees no other unit"
    if others:
        averages = dimension_averages(outcomes, len(framework.dimensions))
        series.append(charts.Series(f"ค่าเฉลี่ย {len(outcomes)} หน่วยงาน", averages))
        about = f"average of the {len(outcomes)} units the reader may see"
    desc = (
        f"คะแนนรายมิติของหน่วยงาน {doc['unit_code']} เทียบค่าเฉลี่ย / dimension scores of "
        f"{doc['unit_code']} ({about}): "
        + "; ".join(
            f"{s.name}: " + ", ".join("–" if v is None else f"{v:.4f}" for v in s.values)
            for s in series
        )
    )
    return charts.score_bars(
        f"คะแนนรายมิติ {doc['unit_code']} {title_round}",
        desc,
        names,
        series,
        reference_lines(framework),
    )


def unit_dimensions_svg(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> str:
    """``GET /rounds/{id}/units/{code}/charts/dimensions.svg``: score access (as ``/score``)."""
    doc = _score_doc(uow, actor, round_id, unit_code)
    rnd, fy = require_round(uow, round_id)
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    title_round = f"รอบ {rnd.months} เดือน ปีงบประมาณ {fy.year_be}"
    return _unit_chart(uow, actor, framework, doc, round_id, title_round)


def year_rounds(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> list[Any]:
    """(round row, score document) for each round of the round's fiscal year, 6 → 12."""
    _rnd, fy = require_round(uow, round_id)
    out = []
    for rnd, year in uow.repos.reporting.rounds_with_years():
        if year.id == fy.id:
            assert rnd.id is not None
            out.append((rnd, _score_doc(uow, actor, rnd.id, unit_code)))
    return out


def trend_svg(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> str:
    """The unit's overall score over its fiscal year's rounds (score access)."""
    _rnd, fy = require_round(uow, round_id)
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    return _trend(framework, year_rounds(uow, actor, round_id, unit_code), unit_code, fy.year_be)


def _trend(framework: Framework, year: list[Any], unit_code: str, year_be: int) -> str:
    names = [f"{rnd.months} เดือน" for rnd, _doc in year]
    values = [None if doc["overall"] is None else Decimal(doc["overall"]) for _r, doc in year]
    desc = f"คะแนนรวมของหน่วยงาน {unit_code} ปีงบประมาณ {year_be} / overall score by round: " + (
        "; ".join(
            f"{n}: {'–' if v is None else f'{v:.4f}'}" for n, v in zip(names, values, strict=True)
        )
    )
    return charts.trend_line(
        f"แนวโน้มคะแนนรวม {unit_code} ปีงบประมาณ {year_be}",
        desc,
        names,
        values,
        reference_lines(framework, overall=True),
    )


def unit_report(
    uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str, now: datetime
) -> dict[str, Any]:
    """The facts of a unit's report PDF for the round."""
    view = reports.get_report(uow, actor, round_id, unit_code)  # report access (403 / 404)
    doc = _score_doc(uow, actor, round_id, unit_code)
    rnd, fy = require_round(uow, round_id)
    unit = require_unit(uow, unit_code)
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    requirement = framework.requirement(rnd.months)
    reported = set(requirement.reported_indicators)
    results = {i["indicator_no"]: i for i in doc["indicators"]}
    title_round = f"รอบ {rnd.months} เดือน ปีงบประมาณ {fy.year_be}"
    dims = {d.code: d for d in framework.dimensions}
    facts: dict[str, Any] = {
        "title": f"รายงานผลการดำเนินการ {unit.name_th} {title_round}",
        "header_left": f"{unit.name_th} ({unit.code})",
        "header_right": title_round,
        "draft": view.state in labels.DRAFT_STATES,
        "generated": thai_datetime(now),
        "unit": {
            "code": unit.code,
            "name_th": unit.name_th,
            "name_en": unit.name_en,
            "kind": labels.KINDS.get(unit.kind, unit.kind),
            "province": unit.province or "–",
        },
        "round": labels.round_label(rnd.months, fy.year_be),
        "title_round": title_round,
        "months": rnd.months,
        "period": thai_period(rnd.period_start, rnd.period_end),
        "deadline": thai_date(rnd.deadline),
        "state": labels.STATES.get(view.state, view.state),
        "submitted": "–" if view.submitted_at is None else thai_datetime(view.submitted_at),
        "on_time": labels.on_time_label(view.on_time if view.submitted_at else None),
        "indicators": [
            _indicator(
                framework,
                ind,
                results.get(ind.indicator_no, {}),
                view,
                ind.indicator_no in reported,
            )
            for ind in framework.indicators
        ],
        "overall": doc["overall"] or "–",
        "level": labels.level_label(framework, doc["level"]),
        "dimensions": [
            {
                "name": f"{dims[d['code']].name_th} / {dims[d['code']].name_en}",
                "weight": d["weight"],
                "score": d["score"] or "–",
            }
            for d in doc["dimensions"]
        ],
        "gap": _gap(framework, doc),
        "chart": _unit_chart(uow, actor, framework, doc, round_id, title_round),
        "form2": None,
        "summary": None,
    }
    if rnd.months == 12:
        facts["form2"] = _form2(uow, actor, view, framework, requirement, fy.year_be)
        year = year_rounds(uow, actor, round_id, unit_code)
        facts["summary"] = _summary_form(uow, actor, framework, year, unit_code, fy.year_be)
    return facts


def _when(moment: datetime | None) -> str:
    return "–" if moment is None else thai_datetime(moment)


def _form2(
    uow: UnitOfWork,
    actor: Principal,
    view: ReportView,
    framework: Framework,
    requirement: Any,
    year_be: int,
) -> dict[str, Any]:
    minimum = requirement.min_evidence_per_indicator
    rows = []
    for no in requirement.reported_indicators:
        files = evidence.list_for_indicator(uow, actor, view.round_id, view.unit_code, no)
        name = next(i.name_th for i in framework.indicators if i.indicator_no == no)
        rows.append(
            {
                "no": no,
                "name": name,
                "files": [_file(f) for f in files],
                "count": len(files),
                "ok": len(files) >= minimum,
            }
        )
    orders = evidence.list_orders(uow, actor, year_be, view.unit_code)
    return {
        "minimum": minimum,
        "indicators": rows,
        "met": sum(1 for r in rows if r["ok"]),
        "orders": [_file(f) for f in orders],
        "order_required": requirement.working_group_order_required,
    }


def _file(f: evidence.EvidenceView) -> dict[str, Any]:
    return {
        "filename": f.filename,
        "title": f.title,
        "size": labels.size_label(f.size),
        "sha256": f.sha256,
        "at": _when(f.created_at),
        "by": f.created_by,
    }


def _summary_form(
    uow: UnitOfWork,
    actor: Principal,
    framework: Framework,
    year: list[Any],
    unit_code: str,
    year_be: int,
) -> dict[str, Any]:
    rounds = [rnd for rnd, _doc in year]
    scored = [{i["indicator_no"]: i["score"] for i in doc["indicators"]} for _r, doc in year]
    rows = []
    changes = []
    for ind in framework.indicators:
        values = [s.get(ind.indicator_no) for s in scored]
        rows.append(
            {"no": ind.indicator_no, "name": ind.name_th, "scores": [v or "–" for v in values]}
        )
        known = [(r.months, v) for r, v in zip(rounds, values, strict=True) if v is not None]
        for (m1, v1), (m2, v2) in itertools.pairwise(known):
            if v1 != v2:
                delta = Decimal(v2) - Decimal(v1)
                changes.append(
                    f"ตัวชี้วัดที่ {ind.indicator_no}: รอบ {m1} เดือน {v1} เป็นรอบ {m2} เดือน {v2} "
                    f"({'+' if delta > 0 else ''}{delta:.4f})"
                )
    comments = []
    for rnd, _doc in year:
        try:
            view = reports.get_report(uow, actor, rnd.id, unit_code)
        except Forbidden:  # pragma: no cover - the same caller read this round's report
            continue
        updated = {e.indicator_no: e.updated_at for e in view.entries}
        for c in view.comments:
            after = updated.get(c.indicator_no) if c.indicator_no is not None else view.updated_at
            resolved = after is not None and after > c.created_at
            comments.append(
                {
                    "round": f"{rnd.months} เดือน",
                    "indicator": "–" if c.indicator_no is None else str(c.indicator_no),
                    "comment": c.comment,
                    "by": c.author,
                    "at": _when(c.created_at),
                    "resolution": "แก้ไขแล้วหลังความเห็น / revised after the comment"
                    if resolved
                    else "ยังไม่มีการแก้ไข / not revised yet",
                }
            )
    return {
        "rounds": [
            {
                "label": f"{rnd.months} เดือน",
                "overall": doc["overall"] or "–",
                "level": labels.level_label(framework, doc["level"]),
            }
            for rnd, doc in year
        ],
        "rows": rows,
        "changes": changes,
        "comments": comments,
        "trend": _trend(framework, year, unit_code, year_be),
    }
