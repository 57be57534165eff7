"""``sqs``: the operator's command line. Each subcommand has ``--help``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence


def _engine():  # type: ignore[no-untyped-def]
    from api.settings import get_settings
    from persistence.db import make_engine

    settings = get_settings()
    return settings, make_engine(settings.database_url)


def cmd_migrate(_args: argparse.Namespace) -> int:
    from services.bootstrap import migrate

    _settings, engine = _engine()
    migrate(engine)
    print("database is at the latest schema")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    from persistence.unit_of_work import UnitOfWork
    from services.bootstrap import migrate
    from services.demo import seed_demo

    _settings, engine = _engine()
    migrate(engine)
    with UnitOfWork(engine, write=True) as uow:
        seed_demo(uow)
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from persistence.tables import InspectorAssignmentRow, UserRow
    from persistence.unit_of_work import UnitOfWork
    from services import audit
    from services.passwords import hash_password

    password = os.environ.get("SQS_NEW_USER_PASSWORD") or getpass.getpass("password: ")
    if len(password) < 12:
        print("the password must have at least 12 characters", file=sys.stderr)
        return 2
    _settings, engine = _engine()
    with UnitOfWork(engine, write=True) as uow:
        if uow.repos.identity.user_by_username(args.username):
            print(f"user '{args.username}' already exists", file=sys.stderr)
            return 1
        unit_id = None
        if args.unit_code:
            unit = uow.repos.reference.unit_by_code(args.unit_code)
            if unit is None:
                print(f"no unit '{args.unit_code}'", file=sys.stderr)
                return 1
            unit_id = unit.id
        user = UserRow(
            username=args.username,
            password_hash=hash_password(password),
            role=args.role,
            unit_id=unit_id,
            provider_code=args.provider_code,
        )
        uow.repos.identity.add(user)
        uow.repos.identity.flush()
        for code in args.unit_codes or []:
            unit = uow.repos.reference.unit_by_code(code)
            if unit is None:
                print(f"no unit '{code}'", file=sys.stderr)
                uow.rollback()
                return 1
            uow.repos.identity.add(InspectorAssignmentRow(user_id=user.id, unit_id=unit.id))
        audit.record(
            uow,
            "system:cli",
            "user.create",
            "user",
            user.id,
            after={"username": args.username, "role": args.role},
        )
    print(f"created {args.role} '{args.username}'")
    return 0


def cmd_deliver_webhooks(args: argparse.Namespace) -> int:
    """Send due webhook deliveries once (or every few seconds with --loop), e.g. from cron."""
    import time

    from services.webhooks import run_pending

    settings, engine = _engine()
    while True:
        report = run_pending(engine, settings.webhook_allow_hosts)
        print(
            f"fanned out {report.fanned_out}, sent {report.attempted}, delivered "
            f"{report.delivered}, retrying {report.retrying}, failed {report.failed}"
        )
        if not args.loop:
            return 0
        time.sleep(settings.webhook_worker_interval_seconds)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "api.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level=args.log_level,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sqs", description="Service Quality Standard backend")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the API server (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="bring the database schema to the latest revision")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("seed-demo", help="load the demo: 65 units, fiscal year 2558, demo users")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser(
        "create-user", help="create a user (password from SQS_NEW_USER_PASSWORD or a prompt)"
    )
    p.add_argument("username")
    p.add_argument(
        "--role",
        required=True,
        choices=["admin", "unit_officer", "central_provider", "inspector", "viewer"],
    )
    p.add_argument("--unit-code")
    p.add_argument("--provider-code")
    p.add_argument("--unit-codes", nargs="*")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("deliver-webhooks", help="send due webhook deliveries (the worker, once)")
    p.add_argument("--loop", action="store_true", help="keep running until interrupted")
    p.set_defaults(func=cmd_deliver_webhooks)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
