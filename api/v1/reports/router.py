"""A unit's report for a round (SPEC §5): read, write entries, submit, return, approve, reopen.

Reports carry an ``ETag`` (their version and a digest of the rest, see
``services.report_views.ReportView.etag``); writes honour ``If-Match`` and answer 412 when
the version is stale, so two editors cannot silently overwrite each other.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Request, Response

from api.conditional import not_modified
from api.deps import ClockDep, CurrentPrincipal, RunDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.observability.metrics import app_metrics
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import DbId, IndicatorNo, UnitCode
from api.v1.reports.schemas import EntryIn, ReportIn, ReportOut, ReturnIn
from services import reports
from services.access import check_report_edit, check_review
from services.errors import Unprocessable
from services.report_views import ReportView

router = APIRouter(
    prefix="/rounds/{round_id}/units/{unit_code}/report",
    tags=[tags.REPORTS],
    route_class=GuardedRoute,
)

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="The ETag you read; a stale one answers 412"),
]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422)


def _out(view: ReportView, response: Response) -> ReportOut:
    response.headers["ETag"] = view.etag
    return _model(view)


def _model(view: ReportView) -> ReportOut:
    data: dict[str, Any] = {k: v for k, v in view.__dict__.items()}
    data["entries"] = [e.__dict__ for e in view.entries]
    data["comments"] = [c.__dict__ for c in view.comments]
    return ReportOut(**data)


def _json(view: ReportView) -> Response:
    """The report as JSON, serialised once by orjson from the view's dataclasses.

    Why: validating the view into ``ReportOut`` and letting FastAPI validate and encode it again
    cost the entry write more CPU than its SQL. The view's fields are ``ReportOut``'s, in its
    order, with the same types (the declared ``response_model`` still documents it), so the
    bytes are those FastAPI would send: UTC times end in ``Z`` as pydantic writes them
    (tests/api/test_report_entry_answer.py compares the two)."""
    body = orjson.dumps(view, option=orjson.OPT_UTC_Z)
    return Response(body, media_type="application/json", headers={"ETag": view.etag})


@router.get("", response_model=ReportOut, responses=problem_responses(401, 403, 404))
async def get_report(
    round_id: DbId,
    unit_code: UnitCode,
    request: Request,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Any:
    """The report with its state, entries and review comments.

    A report never written reads as an empty draft (version 0). The ``ETag`` is
    ``"<version>.<digest>"``: send it back as ``If-Match`` when writing (only the version is
    compared), or as ``If-None-Match`` to get a 304 while nothing in the answer changed."""
    view = await run(reports.get_report, principal, round_id, unit_code)
    return not_modified(request, view.etag) or _json(view)


@router.put(
    "",
    response_model=ReportOut,
    responses=WRITE_ERRORS,
    dependencies=[before_body(check_report_edit, "unit_code")],
)
async def put_report(
    round_id: DbId,
    unit_code: UnitCode,
    body: ReportIn,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> Any:
    """Write several entries at once; all are saved or none."""
    entries = [e.model_dump(exclude_unset=True) for e in body.entries]
    view = await run(
        reports.put_report, principal, round_id, unit_code, entries, if_match=if_match, clock=clock
    )
    return _json(view)


@router.put(
    "/indicators/{indicator_no}",
    response_model=ReportOut,
    responses=WRITE_ERRORS,
    dependencies=[before_body(check_report_edit, "unit_code")],
)
async def put_report_entry(
    round_id: DbId,
    unit_code: UnitCode,
    indicator_no: IndicatorNo,
    body: EntryIn,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> Any:
    """Write one indicator entry; answers the whole report with its new ETag."""
    if body.indicator_no is not None and body.indicator_no != indicator_no:
        raise Unprocessable(
            code="indicator_path_mismatch",
            params={"indicator_no": indicator_no, "given": body.indicator_no},
        )
    data = body.model_dump(exclude_unset=True, exclude={"indicator_no"})
    view = await run(
        reports.put_entry,
        principal,
        round_id,
        unit_code,
        indicator_no,
        data,
        if_match=if_match,
        clock=clock,
    )
    return _json(view)


@router.post("/submit", response_model=ReportOut, responses=WRITE_ERRORS)
async def submit_report(
    round_id: DbId,
    unit_code: UnitCode,
    request: Request,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    idem: IdempotencyDep,
    if_match: IfMatch = None,
) -> Any:
    """Submit for review; a 422 lists every unmet requirement of the round at once.

    Mobile clients on bad networks retry: with an ``Idempotency-Key`` a retry of a submission
    that went through answers the first 200 again instead of a 409 for the submitted state."""
    found = await idem.run(
        {"if_match": if_match},
        200,
        reports.submit,
        principal,
        round_id,
        unit_code,
        if_match=if_match,
        clock=clock,
        shape=_model,
        headers=lambda view: {"ETag": view.etag},
    )
    if "idempotent-replayed" not in found.headers:  # a replay submitted nothing
        app_metrics(request).report_submitted()
    return found


@router.post(
    "/return",
    response_model=ReportOut,
    responses=WRITE_ERRORS,
    dependencies=[before_body(check_review, "unit_code")],
)
async def return_report(
    round_id: DbId,
    unit_code: UnitCode,
    body: ReturnIn,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> ReportOut:
    """Return to the unit with comments per indicator (inspector)."""
    comments = [c.model_dump() for c in body.comments]
    view = await run(
        reports.return_report,
        principal,
        round_id,
        unit_code,
        comments,
        if_match=if_match,
        clock=clock,
    )
    return _out(view, response)


@router.post("/approve", response_model=ReportOut, responses=WRITE_ERRORS)
async def approve_report(
    round_id: DbId,
    unit_code: UnitCode,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> ReportOut:
    """Approve and lock the report (inspector)."""
    return _out(
        await run(reports.approve, principal, round_id, unit_code, if_match=if_match, clock=clock),
        response,
    )


@router.post("/reopen", response_model=ReportOut, responses=WRITE_ERRORS)
async def reopen_report(
    round_id: DbId,
    unit_code: UnitCode,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> ReportOut:
    """Reopen a submitted, returned or approved report as a draft (admin)."""
    return _out(
        await run(reports.reopen, principal, round_id, unit_code, if_match=if_match, clock=clock),
        response,
    )
