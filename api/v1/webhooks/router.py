"""Webhook endpoints (admin): register with the events wanted, list, remove, and follow the
deliveries. Delivery itself is the worker's (``services.webhooks.deliver_due``)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response, status

from api.deps import ClockDep, CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.links import next_link
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import Cursor, DbId, PageSize, decode_cursor, encode_cursor
from api.v1.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
)
from services import webhooks
from services.access import require_admin

router = APIRouter(prefix="/webhooks", tags=[tags.ADMINISTRATION], route_class=GuardedRoute)


def _out(view: webhooks.EndpointView) -> WebhookOut:
    return WebhookOut(**{k: v for k, v in view.__dict__.items() if k != "secret"})


@router.post(
    "",
    response_model=WebhookCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
    dependencies=[before_body(require_admin)],
)
async def create_webhook(
    body: WebhookIn,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    idem: IdempotencyDep,
) -> Any:
    """Register an endpoint (admin). The answer holds the signing ``secret``, the only time it
    is shown. Deliveries carry ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
    (``v1,`` + base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``)."""
    return await idem.run(
        body.model_dump(),
        201,
        webhooks.create_endpoint,
        principal,
        url=body.url,
        events=list(body.events),
        allow_hosts=settings.webhook_allow_hosts,
        shape=lambda view: WebhookCreatedOut(**view.__dict__),
        shown_once="secret",
    )


@router.get("", response_model=list[WebhookOut], responses=problem_responses(401, 403))
async def list_webhooks(run: RunDep, principal: CurrentPrincipal) -> list[WebhookOut]:
    """Active endpoints, without their secrets (admin)."""
    return [_out(v) for v in await run(webhooks.list_endpoints, principal)]


@router.get("/{webhook_id}", response_model=WebhookOut, responses=problem_responses(401, 403, 404))
async def get_webhook(webhook_id: DbId, run: RunDep, principal: CurrentPrincipal) -> WebhookOut:
    """One webhook endpoint: its URL, events and whether it is active (never its secret)."""
    return _out(await run(webhooks.get_endpoint, principal, webhook_id))


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
async def delete_webhook(webhook_id: DbId, run: RunDep, principal: CurrentPrincipal) -> Response:
    """Stop delivering to the endpoint (admin); what it still had pending is cancelled. Its
    delivery history stays readable."""
    await run(webhooks.delete_endpoint, principal, webhook_id)
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_webhook_deliveries(
    webhook_id: DbId,
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    status: Literal["pending", "delivered", "failed", "cancelled"] | None = None,
    cursor: Cursor = None,
    page_size: PageSize = 100,
) -> DeliveryPage:
    """The endpoint's deliveries, newest first: attempts, status, last status code or error,
    and when the next attempt is due (admin)."""
    before = decode_cursor(cursor)
    size = min(page_size, settings.page_size_max)
    views, nxt = await run(
        webhooks.list_deliveries,
        principal,
        webhook_id,
        status=status,
        before_id=before if isinstance(before, int) else None,
        limit=size,
    )
    next_cursor = encode_cursor(nxt) if nxt is not None else None
    response.headers.update(next_link(request, next_cursor))
    return DeliveryPage(items=[DeliveryOut(**v.__dict__) for v in views], next_cursor=next_cursor)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    response_model=DeliveryOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def retry_webhook_delivery(
    webhook_id: DbId, delivery_id: DbId, run: RunDep, principal: CurrentPrincipal, clock: ClockDep
) -> DeliveryOut:
    """Send a failed or cancelled delivery again, with a fresh set of attempts (admin)."""
    view = await run(webhooks.retry_delivery, principal, webhook_id, delivery_id, clock())
    return DeliveryOut(**view.__dict__)
