"""Documents: a unit's report and the round summary as Thai PDFs, and the charts as SVG.

Each answers under the access rules of the data it shows (the report's, the score's, the
round monitoring's; see services/documents) and is made by ``api.documents.make_document``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import ClockDep, CurrentPrincipal, RunDep, SettingsDep
from api.documents import make_document
from api.errors import problem_responses
from api.routing import GuardedRoute
from api.v1 import tags
from api.v1.common.schemas import DbId, UnitCode
from services.documents import round_facts, typeset, unit_facts
from services.documents.charts import SVG_MEDIA_TYPE

router = APIRouter(tags=[tags.EXPORTS], route_class=GuardedRoute)

PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {typeset.PDF_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        "description": "A PDF document (A4, Thai, TLWG Laksaman embedded)",
    }
}
SVG: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {SVG_MEDIA_TYPE: {"schema": {"type": "string"}}},
        "description": "An SVG chart with <title> and <desc>",
    }
}
ERRORS = problem_responses(401, 403, 404, 429)


def _safe(code: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in code)


def _pdf(data: bytes, filename: str) -> Response:
    return Response(
        data,
        media_type=typeset.PDF_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _svg(text: str) -> Response:
    return Response(text.encode("utf-8"), media_type=f"{SVG_MEDIA_TYPE}; charset=utf-8")


@router.get(
    "/rounds/{round_id}/units/{unit_code}/report.pdf",
    response_class=Response,
    responses=ERRORS | problem_responses(503) | PDF,
)
async def get_unit_report_pdf(
    round_id: DbId,
    unit_code: UnitCode,
    request: Request,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """The unit's report for the round as a PDF: Form 1 (every round), and at 12 months Form 2
    (evidence per indicator, the working-group order) and the year's summary form with
    signatures. A report not yet sent (draft or returned) is marked ร่าง / DRAFT. Who may read
    the report (``GET .../report``) may read this; another unit's is a 404."""
    typeset.check_font(settings.document_font_dir)
    pdf = await make_document(
        request,
        partial(
            unit_facts.unit_report,
            actor=principal,
            round_id=round_id,
            unit_code=unit_code,
            now=clock(),
        ),
        partial(typeset.typeset, "unit_report", font_dir=settings.document_font_dir),
    )
    return _pdf(pdf, f"report-round-{round_id}-{_safe(unit_code)}.pdf")


@router.get(
    "/rounds/{round_id}/summary.pdf",
    response_class=Response,
    responses=ERRORS | problem_responses(503) | PDF,
)
async def get_round_summary_pdf(
    round_id: DbId,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """The department's round summary as a PDF: units per level, reporting and on-time rates,
    dimension averages, units below Standard with their largest gaps, rewards at 12 months,
    and a per-unit table (beyond 300 units: those below Standard, the rest in the XLSX). Who
    may follow the round's monitoring may read it, over the units they may see."""
    typeset.check_font(settings.document_font_dir)
    # the whole round: an export (api.export_limit), at most SQS_EXPORTS_IN_FLIGHT at once
    pdf = await run(
        round_facts.round_summary_pdf, principal, round_id, clock(), settings.document_font_dir
    )
    return _pdf(pdf, f"summary-round-{round_id}.pdf")


@router.get("/rounds/{round_id}/charts/levels.svg", response_class=Response, responses=ERRORS | SVG)
async def get_round_levels_svg(
    round_id: DbId, request: Request, principal: CurrentPrincipal
) -> Response:
    """Units per level in the round, as an SVG column chart (monitoring readers)."""
    return _svg(
        await make_document(
            request,
            partial(round_facts.round_chart, actor=principal, round_id=round_id, which="levels"),
        )
    )


@router.get(
    "/rounds/{round_id}/charts/dimensions.svg", response_class=Response, responses=ERRORS | SVG
)
async def get_round_dimensions_svg(
    round_id: DbId, request: Request, principal: CurrentPrincipal
) -> Response:
    """The round's dimension averages with the Standard and Best Practice lines, as SVG."""
    return _svg(
        await make_document(
            request,
            partial(
                round_facts.round_chart, actor=principal, round_id=round_id, which="dimensions"
            ),
        )
    )


@router.get(
    "/rounds/{round_id}/units/{unit_code}/charts/dimensions.svg",
    response_class=Response,
    responses=ERRORS | SVG,
)
async def get_unit_dimensions_svg(
    round_id: DbId, unit_code: UnitCode, request: Request, principal: CurrentPrincipal
) -> Response:
    """The unit's dimension scores against the average of the units the caller may see (score
    access, as ``GET .../score``)."""
    return _svg(
        await make_document(
            request,
            partial(
                unit_facts.unit_dimensions_svg,
                actor=principal,
                round_id=round_id,
                unit_code=unit_code,
            ),
        )
    )


@router.get(
    "/rounds/{round_id}/units/{unit_code}/charts/trend.svg",
    response_class=Response,
    responses=ERRORS | SVG,
)
async def get_unit_trend_svg(
    round_id: DbId, unit_code: UnitCode, request: Request, principal: CurrentPrincipal
) -> Response:
    """The unit's overall score over the rounds of the round's fiscal year (score access)."""
    return _svg(
        await make_document(
            request,
            partial(unit_facts.trend_svg, actor=principal, round_id=round_id, unit_code=unit_code),
        )
    )
