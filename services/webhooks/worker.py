"""The in-process webhook worker: every ``interval`` seconds, :func:`deliver_due` in a thread.

Its HTTP client lives as long as the worker; stopping cuts the request in flight at once (it is
tried again later) and hands the rest of the pass's claims back (``services.periodic_worker``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import httpx
from sqlalchemy.engine import Engine

from persistence.types import utcnow
from services.periodic_worker import PeriodicWorker
from services.webhooks.address_guard import Resolver, system_resolve
from services.webhooks.delivery import DeliveryReport, deliver_due, make_client
from services.webhooks.exchange import ATTEMPT_SECONDS, Attempts


class WebhookWorker(PeriodicWorker[DeliveryReport]):
    """Delivers webhooks in the service; ``resolver`` answers for DNS (the system's unless a
    test gives its own)."""

    name = "webhook-worker"
    log = logging.getLogger("sqs.webhooks")

    def __init__(
        self,
        engine: Engine,
        *,
        allow_hosts: Sequence[str],
        interval: float,
        on_report: Callable[[DeliveryReport], None] | None = None,
        attempt_seconds: float = ATTEMPT_SECONDS,
        resolver: Resolver = system_resolve,
    ) -> None:
        super().__init__(interval=interval, on_report=on_report)
        self.engine = engine
        self.allow_hosts = list(allow_hosts)
        self.attempt_seconds = attempt_seconds
        self.resolver = resolver
        self._attempts = Attempts()
        self._client: httpx.Client | None = None

    def opened(self) -> None:
        self._client = make_client()

    def interrupt(self) -> None:
        self._attempts.stop()

    def closed(self) -> None:
        if self._client is not None:
            self._client.close()

    def run_pass(self) -> DeliveryReport:
        assert self._client is not None
        report = deliver_due(
            self.engine,
            now=utcnow(),
            client=self._client,
            allow_hosts=self.allow_hosts,
            resolver=self.resolver,
            stop=self.stopping,
            attempt_seconds=self.attempt_seconds,
            attempts=self._attempts,
        )
        if report.attempted or report.fanned_out:
            self.log.info(
                "webhooks: %d events fanned out, %d sent, %d delivered, %d retrying, %d failed",
                report.fanned_out,
                report.attempted,
                report.delivered,
                report.retrying,
                report.failed,
            )
        return report
