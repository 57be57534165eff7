"""Prometheus metrics of one app: its HTTP traffic and the domain events an operator watches.

Every app has a registry of its own: tests build many apps in one process, and the global
registry would refuse the second app's metrics (or mix the apps' counts).

HTTP traffic is counted by the request log on the event-loop thread into plain dicts
(:class:`HttpStats`), read by ``GET /metrics`` — an ``async`` route, so on that same thread —
through a custom collector: a request pays two dict updates, no lock and no label lookup.
Domain events are rare and happen in worker threads, so they use prometheus_client's own
thread-safe counters.
"""

from __future__ import annotations

import hmac
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate

from fastapi import Request, Response
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric

from api.settings import Settings
from services.errors import Unauthorized
from services.notice_delivery import NoticeReport
from services.webhooks import DeliveryReport

# Seconds. The score read answers in about a millisecond, an upload of a large file in seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BUCKET_LABELS = (*(str(b) for b in LATENCY_BUCKETS), "+Inf")  # as prometheus_client writes them


class HttpStats:
    """Requests by (route template, method, status) and latency by (route template, method).

    Touched only on the event-loop thread (the request log writes, ``/metrics`` reads), which
    is why plain dicts suffice. Labels stay bounded: route templates are a fixed set plus
    ``unmatched``, and the request log folds unknown methods into ``OTHER``.
    """

    def __init__(self) -> None:
        self._requests: dict[tuple[str, str, int], int] = {}
        # per key: one count per bucket (the last one +Inf), then the sum of the seconds
        self._latency: dict[tuple[str, str], list[float]] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        self._requests[key] = self._requests.get(key, 0) + 1
        cell = self._latency.get((route, method))
        if cell is None:
            cell = self._latency[(route, method)] = [0] * (len(_BUCKET_LABELS) + 1)
        cell[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        cell[-1] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "sqs_http_requests",
            "HTTP requests answered, by route template, method and status",
            labels=("route", "method", "status"),
        )
        for (route, method, status), count in self._requests.items():
            requests.add_metric((route, method, str(status)), count)
        yield requests
        latency = HistogramMetricFamily(
            "sqs_http_request_duration_seconds",
            "Time from receiving a request to sending the last byte of its answer",
            labels=("route", "method"),
        )
        for (route, method), cell in self._latency.items():
            buckets = list(zip(_BUCKET_LABELS, accumulate(cell[:-1]), strict=True))
            latency.add_metric((route, method), buckets, cell[-1])
        yield latency


class Metrics:
    """The app's registry: HTTP traffic plus submissions, uploads and webhook deliveries."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http = HttpStats()
        self.registry.register(self.http)
        self._submitted = Counter(
            "sqs_reports_submitted", "Reports submitted for review", registry=self.registry
        )
        self._uploads = Counter(
            "sqs_evidence_uploads",
            "Evidence files uploaded; duplicate: the same bytes were already stored there",
            ["outcome"],
            registry=self.registry,
        )
        self._deliveries = Counter(
            "sqs_webhook_deliveries",
            "Webhook delivery attempts by outcome (retrying: failed, another attempt is due)",
            ["outcome"],
            registry=self.registry,
        )
        self._notices = Counter(
            "sqs_notices",
            "E-mail notice attempts by outcome (retrying: failed, another attempt is due)",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in ("sent", "retrying", "failed"):
            self._notices.labels(outcome)
        for outcome in ("created", "duplicate"):  # present at 0 before the first event
            self._uploads.labels(outcome)
        for outcome in ("delivered", "retrying", "failed"):
            self._deliveries.labels(outcome)

    def report_submitted(self) -> None:
        self._submitted.inc()

    def evidence_uploaded(self, *, duplicate: bool) -> None:
        self._uploads.labels("duplicate" if duplicate else "created").inc()

    def webhooks_delivered(self, report: DeliveryReport) -> None:
        """Count one pass of the webhook worker."""
        for outcome, count in (
            ("delivered", report.delivered),
            ("retrying", report.retrying),
            ("failed", report.failed),
        ):
            if count:
                self._deliveries.labels(outcome).inc(count)

    def notices_sent(self, report: NoticeReport) -> None:
        """Count one pass of the notice worker."""
        for outcome, count in (
            ("sent", report.sent),
            ("retrying", report.retrying),
            ("failed", report.failed),
        ):
            if count:
                self._notices.labels(outcome).inc(count)


def app_metrics(request: Request) -> Metrics:
    """The metrics of the app serving ``request`` (for the routers' one-line event hooks)."""
    metrics: Metrics = request.app.state.metrics
    return metrics


def _token_matches(header: str | None, token: str) -> bool:
    scheme, _, credentials = (header or "").partition(" ")
    # bytes: compare_digest refuses str with non-ASCII characters, which a client can send
    given = credentials.strip().encode("latin-1", "replace")
    return scheme.lower() == "bearer" and hmac.compare_digest(given, token.encode("utf-8"))


async def serve_metrics(request: Request) -> Response:
    """Prometheus text (or OpenMetrics, when asked for). ``async`` on purpose: HttpStats is
    read on the event-loop thread, where the request log writes it."""
    settings: Settings = request.app.state.settings
    if settings.metrics_token and not _token_matches(
        request.headers.get("authorization"), settings.metrics_token
    ):
        raise Unauthorized(code="metrics_token_required")
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(app_metrics(request).registry), media_type=content_type)
