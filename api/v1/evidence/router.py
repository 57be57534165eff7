"""Evidence files over HTTP (SPEC §5): streamed multipart uploads, metadata, downloads, deletion.

Uploads are ``async`` routes that read ``request.stream()`` themselves (see ``multipart``) and
hand every blocking step — access checks, storage writes, the finishing transaction — to a
worker thread. The caller and its role are checked before a byte is read
(``api.routing.GuardedRoute``), and they take no request-wide unit of work: the file streams to
a temporary file with no database transaction (nor SQLite's write lock) held, and only then
does the evidence service open the writing transaction it needs. One caller may have only so
many uploads in flight (``api.request_body.UploadsInFlight``).

Status codes: a new file answers 201; the same bytes already stored at the same place answer
200 with the existing record (nothing new was created). An empty file is 422 (there is no
content whose type could be judged, so it is a validation failure, not a media type one); a
file whose bytes, declared type and extension disagree, or are not on the list, is 415.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from api.conditional import tagged
from api.deps import ClockDep, CurrentPrincipal, Run, RunDep, SettingsDep
from api.errors import problem_responses
from api.idempotency import Idempotency, answer
from api.observability.metrics import app_metrics
from api.routing import STREAMS_BODY, GuardedRoute, before_body
from api.settings import Settings, evidence_config
from api.v1 import tags
from api.v1.common.schemas import DbId, IndicatorNo, UnitCode, YearBE
from api.v1.evidence import multipart
from api.v1.evidence.schemas import MULTIPART_UPLOAD, EvidenceOut
from services import content_types, evidence, idempotency
from services.access import check_report_edit
from services.etags import etag_of
from services.principal import Principal

# Evidence ids are UUIDs (any other text is simply not found).
EvidenceId = Annotated[str, Path(max_length=36, json_schema_extra={"format": "uuid"})]

router = APIRouter(tags=[tags.EVIDENCE], route_class=GuardedRoute)

API_PREFIX = "/api/v1"
UPLOAD_ERRORS = problem_responses(400, 401, 403, 404, 409, 413, 415, 422)
UPLOAD_RESPONSES = UPLOAD_ERRORS | {
    200: {
        "model": EvidenceOut,
        "description": "These bytes were already there: the existing record",
    },
}
READ_ERRORS = problem_responses(401, 403, 404)


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=idempotency.MAX_KEY_LENGTH,
        pattern=idempotency.KEY_PATTERN,
        description="Retry-safe creation: the same key and file replay the first answer.",
    ),
]


def _out(view: evidence.EvidenceView) -> EvidenceOut:
    return EvidenceOut(**view.__dict__, content_url=f"{API_PREFIX}/evidence/{view.id}/content")


def _complete(
    idem: Idempotency,
    upload: evidence.EvidenceUpload,
    title: str | None,
) -> JSONResponse:
    """The finishing transaction (in a worker thread): duplicate → 200, new → 201."""
    with upload.completing() as done:
        status = 200 if done.duplicate() is not None else 201
        once = idem.once_with(
            upload.fingerprint(title),
            status,
            shape=_out,
            headers=lambda view: {"Location": f"{API_PREFIX}/evidence/{view.id}"},
        )
        return answer(once(done.uow, lambda _uow: done.create(title)))


async def _upload(
    request: Request,
    run: Run,
    principal: Principal,
    target: evidence.Target,
    clock: ClockDep,
    key: str | None,
) -> Response:
    settings: Settings = request.app.state.settings
    config = evidence_config(settings)
    too_large = evidence.too_large(config.max_bytes)
    length = multipart.declared_length(request)
    if length is not None and length > config.max_bytes + multipart.BODY_OVERHEAD:
        raise too_large  # declared too large: refuse before reading a byte
    multipart.boundary_of(request)
    idem = Idempotency(request, run, principal, key)

    async def receive(upload: evidence.EvidenceUpload) -> str | None:
        fields = await multipart.receive(
            request, upload, max_file_bytes=config.max_bytes, too_large=too_large
        )
        return evidence.clean_title(fields.get("title"))

    # Counted per person, whichever of their tokens they use (a portal client: per client)
    caller = principal.subject if principal.user_id is None else f"user:{principal.user_id}"
    response: Response = await run.spooled(
        partial(evidence.begin_upload, config=config, actor=principal, target=target, clock=clock),
        receive,
        partial(_complete, idem),
        evidence.EvidenceUpload.abort,
        caller=caller,
    )
    if "idempotent-replayed" not in response.headers:  # a replay uploaded nothing
        app_metrics(request).evidence_uploaded(duplicate=response.status_code == 200)
    return response


@router.post(
    "/rounds/{round_id}/units/{unit_code}/report/indicators/{indicator_no}/evidence",
    status_code=201,
    response_model=EvidenceOut,
    responses=UPLOAD_RESPONSES,
    openapi_extra=MULTIPART_UPLOAD,
    dependencies=[before_body(check_report_edit, "unit_code"), STREAMS_BODY],
)
async def upload_indicator_evidence(
    round_id: DbId,
    unit_code: UnitCode,
    indicator_no: IndicatorNo,
    request: Request,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Upload one evidence document for an indicator of the unit's report (streamed, capped).

    Allowed while the report is a draft or returned and the round is open. Bumps the report's
    version (its ETag).
    """
    target = evidence.IndicatorTarget(round_id, unit_code, indicator_no)
    return await _upload(request, run, principal, target, clock, idempotency_key)


@router.get(
    "/rounds/{round_id}/units/{unit_code}/report/indicators/{indicator_no}/evidence",
    response_model=list[EvidenceOut],
    responses=READ_ERRORS,
)
async def list_indicator_evidence(
    round_id: DbId,
    unit_code: UnitCode,
    indicator_no: IndicatorNo,
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Any:
    """The evidence documents of one indicator of the unit's report, oldest first."""
    views = await run(evidence.list_for_indicator, principal, round_id, unit_code, indicator_no)
    return tagged(request, response, etag_of("evidence", views)) or [_out(v) for v in views]


@router.post(
    "/fiscal-years/{year_be}/units/{unit_code}/working-group-order",
    status_code=201,
    response_model=EvidenceOut,
    responses=UPLOAD_RESPONSES,
    openapi_extra=MULTIPART_UPLOAD,
    dependencies=[before_body(check_report_edit, "unit_code"), STREAMS_BODY],
)
async def upload_working_group_order(
    year_be: YearBE,
    unit_code: UnitCode,
    request: Request,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Upload the order appointing the unit's working group (คำสั่งแต่งตั้งคณะทำงาน) for a
    fiscal year; the 12-month round requires it at submission."""
    target = evidence.OrderTarget(year_be, unit_code)
    return await _upload(request, run, principal, target, clock, idempotency_key)


@router.get(
    "/fiscal-years/{year_be}/units/{unit_code}/working-group-order",
    response_model=list[EvidenceOut],
    responses=READ_ERRORS,
)
async def list_working_group_orders(
    year_be: YearBE,
    unit_code: UnitCode,
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Any:
    """The unit's working-group order documents for the fiscal year, oldest first."""
    views = await run(evidence.list_orders, principal, year_be, unit_code)
    return tagged(request, response, etag_of("evidence", views)) or [_out(v) for v in views]


@router.get("/evidence/{evidence_id}", response_model=EvidenceOut, responses=READ_ERRORS)
async def get_evidence(
    evidence_id: EvidenceId,
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Any:
    """An evidence document's metadata (the same object rules as the report it belongs to)."""
    view = await run(evidence.get_evidence, principal, evidence_id)
    return tagged(request, response, etag_of("evidence", view)) or _out(view)


_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9._() -]+")


def content_disposition(filename: str) -> str:
    """``attachment`` with the UTF-8 name (RFC 6266 / 8187) and an ASCII fallback."""
    ext = content_types.extension(filename)
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = _FALLBACK_UNSAFE.sub("_", ascii_name).strip(" ._")
    if not ascii_name or ascii_name.lower() == ext.lstrip("."):
        ascii_name = "evidence" + ext
    elif not ascii_name.lower().endswith(ext):
        ascii_name += ext
    encoded = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


DOWNLOAD_RESPONSES = READ_ERRORS | {
    200: {
        "description": "The bytes, as the type judged at upload",
        "content": {
            t: {"schema": {"type": "string", "format": "binary"}} for t in content_types.ALLOWED
        },
    },
    304: {"description": "Not modified (If-None-Match named the current ETag)"},
}


@router.get(
    "/evidence/{evidence_id}/content",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def get_evidence_content(
    evidence_id: EvidenceId,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
) -> Response:
    """Download the bytes (streamed). ``ETag`` is the quoted SHA-256; always an attachment and
    ``nosniff``, so a browser never renders a stored file as a page."""
    held = frozenset(t.strip().removeprefix("W/") for t in (if_none_match or "").split(","))
    download = await run(
        evidence.open_download, evidence_config(settings), principal, evidence_id, held_etags=held
    )
    view = download.view
    headers = {
        "ETag": download.etag,
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if download.chunks is None:
        return Response(status_code=304, headers=headers)
    headers |= {
        "Content-Disposition": content_disposition(view.filename),
        "Content-Length": str(view.size),
    }
    return StreamingResponse(download.chunks, media_type=view.content_type, headers=headers)


@router.delete(
    "/evidence/{evidence_id}", status_code=204, responses=problem_responses(401, 403, 404, 409)
)
async def delete_evidence(
    evidence_id: EvidenceId,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """Delete while its report is editable (draft or returned, round open); else 409."""
    await run(
        evidence.delete_evidence, evidence_config(settings), principal, evidence_id, clock=clock
    )
    return Response(status_code=204)
