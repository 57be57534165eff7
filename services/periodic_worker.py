"""A worker that lives inside the service: every ``interval`` seconds, one pass in a thread.

The webhook and the notice workers are both this loop around a pass of their own. The pass
runs in a thread (it waits on the network and the database, never on the event loop); a pass
that fails is logged and the loop goes on; stopping ends the loop and waits for the pass in
progress, which :meth:`PeriodicWorker.stopping` lets hand its unsent claims back at once.
Several instances (or uvicorn workers) may each run one: the passes' claims skip each other's
rows.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

ReportT = TypeVar("ReportT")


class PeriodicWorker(ABC, Generic[ReportT]):
    """Runs :meth:`run_pass` every ``interval`` seconds until :meth:`stop`; ``on_report`` hears
    about every pass (the API counts what was sent for its metrics with it)."""

    name: str = "periodic-worker"
    log: logging.Logger = logging.getLogger("sqs.worker")

    def __init__(
        self, *, interval: float, on_report: Callable[[ReportT], None] | None = None
    ) -> None:
        self.interval = interval
        self.on_report = on_report
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    def run_pass(self) -> ReportT:
        """One pass of the work (in a worker thread)."""

    def opened(self) -> None:
        """Called by :meth:`start` before the first pass (a client to open, say)."""

    def interrupt(self) -> None:
        """Called by :meth:`stop` at once, while a pass may still be running."""

    def closed(self) -> None:
        """Called by :meth:`stop` after the last pass has ended."""

    def stopping(self) -> bool:
        """Whether the worker was told to stop (a pass asks before each send)."""
        return self._stop.is_set()

    def start(self) -> None:
        self.opened()
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """End the loop and wait for the pass in progress."""
        self._stop.set()
        self.interrupt()
        if self._task is not None:
            await self._task
        self.closed()

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
                return
            except TimeoutError:
                pass
            try:
                await asyncio.to_thread(self.tick)
            except Exception:  # a bad pass must not end the loop
                self.log.exception("%s: a pass failed", self.name)

    def tick(self) -> ReportT:
        """One pass now, reported to ``on_report``."""
        report = self.run_pass()
        if self.on_report is not None:
            self.on_report(report)
        return report
