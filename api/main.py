"""``create_app()``: routers, error handlers, stable operation ids, start-up work.

Operation ids are the route functions' names (``get_unit_score``), so generated clients keep
their method names when paths or tags change.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine

from api.docs_offline import install_offline_docs
from api.errors import install_error_handlers
from api.observability import ObservedApp
from api.observability import install as install_observability
from api.observability.request_log import flush_access_log
from api.openapi_contract import install_contract
from api.problem_docs import install_problem_catalogue
from api.runtime import Runtime
from api.settings import Settings, evidence_config, get_settings, notice_config, smtp_config
from api.v1.tags import TAGS
from persistence.db import make_engine
from persistence.migrations import current_revision
from persistence.types import utcnow
from services.rate_limit import Policy, SignInThrottle

API_PREFIX = "/api/v1"


# Young collections every 50,000 net allocations instead of 700, and full ones after 100
# middle ones instead of 10: a request allocates thousands of objects that die with it, and
# collecting while 32 requests are in flight only promotes their objects to the old
# generation, whose full collections are the long pauses (most garbage here has no cycles
# and is freed at once by reference counting, collector or not).
GC_THRESHOLDS = (50_000, 20, 100)


def _operation_id(route: APIRoute) -> str:
    return route.name


def worker_threads(settings: Settings, engine: Engine) -> int:
    """Threads for blocking work. SQLite runs in-process and holds the GIL while it works, so
    past two threads more only add GIL hand-offs (docs/benchmarks.md, "Threads on SQLite").
    PostgreSQL requests mostly wait on the network, so more threads keep more of them in
    flight."""
    if settings.worker_threads:
        return settings.worker_threads
    return 2 if engine.dialect.name == "sqlite" else 16


def sign_in_policy(settings: Settings) -> Policy:
    return Policy(
        free_failures=settings.login_max_failures,
        max_delay=settings.login_backoff_max_seconds,
        address_max_failures=settings.login_address_max_failures,
        address_window=settings.login_window_seconds,
    )


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, migrate: bool = True
) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from services.bootstrap import on_start

        on_start(
            engine,
            admin_username=settings.admin_username,
            admin_password=settings.admin_password,
            migrate_schema=migrate,
        )
        app.state.schema_revision = current_revision(engine)  # reported by /health
        await runtime.open()  # the score reader's connections, on the loop that reads
        from services import evidence

        # What a killed process left in the evidence directory (files with no row, cut-short
        # temporary files) goes at start; only files older than an hour, so uploads of other
        # running instances are never touched.
        evidence.sweep_leftovers(engine, evidence_config(settings))
        anyio.to_thread.current_default_thread_limiter().total_tokens = worker_threads(
            settings, engine
        )
        # Everything made so far (modules, routes, models, the framework) lives as long as the
        # process: keep it out of the garbage collector's full collections, which otherwise
        # walk it all and pause every request for a tenth of a second or more under load.
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        worker = None
        if settings.webhook_worker_enabled:  # deliver outbox events as signed webhooks
            from services.webhooks import WebhookWorker

            worker = WebhookWorker(
                engine,
                allow_hosts=settings.webhook_allow_hosts,
                interval=settings.webhook_worker_interval_seconds,
                attempt_seconds=settings.webhook_attempt_seconds,
                on_report=app.state.metrics.webhooks_delivered,
            )
            worker.start()
        notice_worker = None
        if settings.notice_worker_enabled:  # mail notices to people
            from services.notice_delivery import NoticeWorker

            notice_worker = NoticeWorker(
                engine,
                smtp=smtp_config(settings),
                config=notice_config(settings),
                interval=settings.notice_worker_interval_seconds,
                clock=lambda: app.state.clock(),
                on_report=app.state.metrics.notices_sent,
            )
            notice_worker.start()
        yield
        if notice_worker is not None:
            await notice_worker.stop()
        if worker is not None:
            await worker.stop()
        await runtime.close()
        flush_access_log()  # the last requests' lines, written before the app is gone

    app = ObservedApp(
        title="Service Quality Standard API",
        version="1.0.0",
        summary="Indicators, rounds, reports, evidence and exact scores for public-service units.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from vendored assets: api/docs_offline.py
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    # The engine, the pool's request slots, the write gate, the read caches, the score reader,
    # the principal cache and the limiters of exports, documents and uploads: what a request
    # needs to reach the database (api.runtime)
    app.state.runtime = runtime = Runtime(settings, engine)
    app.state.clock = utcnow  # tests replace it to stand at a deadline
    # Failed sign-ins: the policy here, the counts in the database (services/rate_limit)
    app.state.sign_in_throttle = SignInThrottle(
        sign_in_policy(settings), clock=lambda: app.state.clock()
    )
    app.state.schema_revision = None  # read at start (lifespan)
    install_error_handlers(app)
    install_observability(app, settings)

    from api.deprecation import DEPRECATED, apply_deprecations
    from api.v1.router import include_all

    include_all(app, API_PREFIX)
    apply_deprecations(app, DEPRECATED)
    install_offline_docs(app)
    install_problem_catalogue(app)
    install_contract(app)
    return app
