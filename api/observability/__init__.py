"""What an operator watches: request logs, request ids, Prometheus metrics, and CORS.

``install`` wires the parts ``SQS_*`` settings turn on; :class:`ObservedApp` puts the request
log outside every other middleware.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from api.observability.metrics import Metrics, serve_metrics
from api.observability.request_log import RequestLog, configure_access_log, route_templates
from api.security_headers import SecurityHeaders
from api.settings import Settings

# What browsers may send and read across origins: the headers this API reads and writes.
CORS_REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "X-Request-ID",
)
CORS_RESPONSE_HEADERS = (
    "Content-Disposition",
    "ETag",
    "Link",
    "Location",
    "Retry-After",
    "X-Request-ID",
)


class ObservedApp(FastAPI):
    """FastAPI with the request log as the outermost layer, outside even the 500 handler that
    Starlette always places first: a crash's answer carries ``X-Request-ID`` too, and the
    security headers (``api.security_headers``), placed just inside it."""

    def build_middleware_stack(self) -> ASGIApp:
        return RequestLog(
            SecurityHeaders(super().build_middleware_stack()),
            stats=self.state.http_stats,
            # every route is in place by now
            templates=route_templates(self.routes, getattr(self.state, "route_templates", None)),
        )


def install(app: FastAPI, settings: Settings) -> None:
    """Metrics (``GET /metrics`` unless disabled), the access log's level, and CORS when
    ``SQS_CORS_ORIGINS`` names origins (no CORS headers at all otherwise)."""
    app.state.metrics = Metrics()  # domain events are counted even when nobody scrapes them
    app.state.http_stats = app.state.metrics.http if settings.metrics_enabled else None
    configure_access_log(settings.log_level)
    if settings.metrics_enabled:
        app.add_api_route("/metrics", serve_metrics, methods=["GET"], include_in_schema=False)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_RESPONSE_HEADERS,
            max_age=600,
        )
