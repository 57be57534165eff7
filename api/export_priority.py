"""The first thing an export worker process runs: lower its CPU priority.

A module of its own that imports nothing of the app: the worker process imports the module of
its initializer before running it, and importing the app (a second or two of CPU) should
already happen at the lower priority, not compete with the requests being served.
"""

from __future__ import annotations

import contextlib
import os

NICENESS = 10
"""How much lower the export processes' CPU priority is: serving requests comes first."""


def lower_priority() -> None:
    os.nice(NICENESS)
    if hasattr(os, "sched_setscheduler"):  # Linux: run only on CPU time nobody else wants
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
