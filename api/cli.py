"""``sqs``: the operator's command line. Each subcommand has ``--help``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from api.cli_exports import cmd_export_report, cmd_export_scores, cmd_export_summary
from api.cli_support import CLI_OPERATOR, NoSchema, engine_for, fail, progress_bar, shown
from services.errors import AppError


def cmd_migrate(_args: argparse.Namespace) -> int:
    from services.bootstrap import migrate

    _settings, engine = engine_for(schema_needed=False)
    migrate(engine)
    print("database is at the latest schema")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    from persistence.unit_of_work import UnitOfWork
    from services.bootstrap import migrate
    from services.demo import seed_demo

    _settings, engine = engine_for(schema_needed=False)
    migrate(engine)
    with UnitOfWork(engine, write=True) as uow:
        seed_demo(uow)
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    """The same service as ``POST /users``: password policy, role bindings, user names unique
    ignoring case, ``password_changed_at``, the audit trail (actor ``system:cli``)."""
    from persistence.unit_of_work import UnitOfWork
    from services.users import create_user

    password = os.environ.get("SQS_NEW_USER_PASSWORD") or getpass.getpass("password: ")
    _settings, engine = engine_for()
    with UnitOfWork(engine, write=True) as uow:
        try:
            view = create_user(
                uow,
                CLI_OPERATOR,
                username=args.username,
                password=password,
                role=args.role,
                unit_code=args.unit_code,
                provider_code=args.provider_code,
                unit_codes=args.unit_codes or (),
                email=args.email,
                language=args.language,
            )
        except AppError as error:
            uow.rollback()
            return fail("create-user", error)
    print(f"created {view.role} '{view.username}'")
    return 0


def cmd_deliver_webhooks(args: argparse.Namespace) -> int:
    """Send due webhook deliveries once (or every few seconds with --loop), e.g. from cron."""
    import time

    from services.webhooks import run_pending

    settings, engine = engine_for()
    while True:
        report = run_pending(
            engine, settings.webhook_allow_hosts, attempt_seconds=settings.webhook_attempt_seconds
        )
        print(
            f"fanned out {report.fanned_out}, sent {report.attempted}, delivered "
            f"{report.delivered}, retrying {report.retrying}, failed {report.failed}"
        )
        if not args.loop:
            return 0
        time.sleep(settings.webhook_worker_interval_seconds)


def cmd_send_notices(args: argparse.Namespace) -> int:
    """Write due reminders, turn new events into notices and mail them, once or in a loop."""
    import time

    from api.settings import notice_config, smtp_config
    from persistence.types import utcnow
    from services.notice_delivery import run_pass

    settings, engine = engine_for()
    smtp = smtp_config(settings)
    if not smtp.enabled:
        print("SQS_SMTP_HOST is not set: notices are recorded, not mailed", file=sys.stderr)
    while True:
        report = run_pass(engine, now=utcnow(), smtp=smtp, config=notice_config(settings))
        print(
            f"scheduled {report.scheduled}, written {report.written}, sent {report.sent}, "
            f"retrying {report.retrying}, failed {report.failed}"
        )
        if not args.loop:
            return 0
        time.sleep(settings.notice_worker_interval_seconds)


def cmd_import_units(args: argparse.Namespace) -> int:
    from persistence.unit_of_work import UnitOfWork
    from services.unit_import import import_units

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"sqs import-units: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    _settings, engine = engine_for()
    # One request id for the whole import groups its audit events.
    with UnitOfWork(engine, write=not args.dry_run, request_id=f"cli-{uuid.uuid4()}") as uow:
        try:
            summary = import_units(
                uow,
                "system:cli",
                data,
                dry_run=args.dry_run,
                progress=progress_bar("dry run" if args.dry_run else "importing")
                if sys.stderr.isatty()  # a bar in a log file is only noise
                else None,
            )
        except AppError as error:
            uow.rollback()
            return fail("import-units", error)
        if args.dry_run:
            uow.rollback()
    if args.dry_run:
        print(
            f"dry run: {summary.rows} units would be {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged; nothing was written"
        )
    else:
        print(
            f"{summary.rows} units: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged"
        )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from api.settings import get_offline_settings
    from services.backup import backup_sqlite

    try:
        result = backup_sqlite(get_offline_settings().database_url, args.dest, force=args.force)
    except AppError as error:
        return fail("backup", error)
    print(f"backed up {result.source} to {result.destination} ({result.size} bytes)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.settings import get_settings, uvicorn_proxy_options

    settings = get_settings()  # bad settings stop here, before uvicorn imports the app
    if settings.demo_mode and settings.jwt_algorithm == "HS256":
        # The demo's random secret (api.settings), shared by every worker this starts
        os.environ["SQS_JWT_SECRET"] = settings.jwt_secret
    uvicorn.run(
        "api.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        **uvicorn_proxy_options(settings),  # X-Forwarded-For only from SQS_TRUSTED_PROXIES
        log_level=args.log_level or settings.log_level,
        access_log=False,  # the app writes its own JSON line per request (sqs.access)
    )
    return 0


def _round_arguments(p: argparse.ArgumentParser) -> None:
    """``--year`` and ``--months`` (or ``--round``, as export-scores names it) of a document."""
    p.add_argument("--year", type=int, required=True, help="fiscal year, Buddhist Era (2558)")
    p.add_argument(
        "--months",
        "--round",
        dest="months",
        type=int,
        required=True,
        choices=[6, 9, 12],
        help="the round, in months",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sqs", description="Service Quality Standard backend")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the API server (uvicorn)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    p.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: %(default)s)"
    )
    p.add_argument("--workers", type=int, default=1, help="worker processes (default: %(default)s)")
    p.add_argument("--log-level", help="uvicorn's log level (default: SQS_LOG_LEVEL)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="bring the database schema to the latest revision")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("seed-demo", help="load the demo: 65 units, fiscal year 2558, demo users")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser(
        "create-user", help="create a user (password from SQS_NEW_USER_PASSWORD or a prompt)"
    )
    p.add_argument("username", help="the sign-in name")
    p.add_argument(
        "--role",
        required=True,
        choices=["admin", "unit_officer", "central_provider", "inspector", "viewer"],
        help="what the user may do",
    )
    p.add_argument("--unit-code", help="a unit officer's unit (its code)")
    p.add_argument("--provider-code", help="a central provider's code (e.g. BLSD)")
    p.add_argument(
        "--unit-codes", nargs="*", metavar="CODE", help="the units an inspector inspects"
    )
    p.add_argument("--email", help="where the user's notices are mailed")
    p.add_argument(
        "--language", choices=["th", "en"], default="th", help="language of the notices (th)"
    )
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("deliver-webhooks", help="send due webhook deliveries (the worker, once)")
    p.add_argument("--loop", action="store_true", help="keep running until interrupted")
    p.set_defaults(func=cmd_deliver_webhooks)

    p = sub.add_parser(
        "send-notices",
        help="mail due notices (the notice worker, once)",
        description="Write the deadline reminders due today, turn new events into notices and "
        "mail the pending ones through SQS_SMTP_HOST. Safe beside the in-process worker and "
        "other instances: each notice goes out once.",
    )
    p.add_argument("--loop", action="store_true", help="keep running until interrupted")
    p.set_defaults(func=cmd_send_notices)

    p = sub.add_parser(
        "import-units",
        help="create or update units from a CSV file",
        description="Create or update units from a CSV file with a header row: code, name_th, "
        "name_en, kind (central or regional) and optionally province; UTF-8 with or without a "
        "BOM. Every row is checked first; any bad row is reported with its line number, "
        "nothing is written and the exit status is 2. Codes already known are updated from "
        "the file; units not in the file are left alone. One transaction, audited.",
    )
    p.add_argument("file", type=Path, metavar="FILE.csv", help="the units, one per row")
    p.add_argument(
        "--dry-run", action="store_true", help="check the file and say what would change"
    )
    p.set_defaults(func=cmd_import_units)

    p = sub.add_parser(
        "export-scores",
        help="write a round's scoreboard as CSV or XLSX",
        description="Write the scoreboard of one round (every participating unit's overall "
        "score, level and indicator scores) as the API exports it: CSV in UTF-8 with a BOM "
        "(GET /rounds/{id}/scores?format=csv) or XLSX (GET /rounds/{id}/scores.xlsx).",
    )
    p.add_argument("--year", type=int, required=True, help="fiscal year, Buddhist Era (2558)")
    p.add_argument(
        "--round", type=int, required=True, choices=[6, 9, 12], help="the round, in months"
    )
    p.add_argument(
        "--format", choices=["csv", "xlsx"], help="default: xlsx for an --output *.xlsx, else csv"
    )
    p.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    p.set_defaults(func=cmd_export_scores)

    p = sub.add_parser(
        "export-report",
        help="write units' report PDFs for a round",
        description="Write a unit's report for one round as the API's GET "
        "/rounds/{id}/units/{code}/report.pdf answers it (Form 1; at 12 months Form 2 and the "
        "summary form). Several units (--unit repeated, or --all-units) go into a directory, "
        "one file each, with a progress bar when stderr is a terminal.",
    )
    _round_arguments(p)
    p.add_argument("--unit", action="append", metavar="CODE", help="a unit code (repeatable)")
    p.add_argument("--all-units", action="store_true", help="every participating unit")
    p.add_argument(
        "--output", type=Path, metavar="FILE|DIR", help="default (one unit): standard output"
    )
    p.set_defaults(func=cmd_export_report)

    p = sub.add_parser(
        "export-summary",
        help="write a round's summary PDF",
        description="Write the department's round summary as GET /rounds/{id}/summary.pdf "
        "answers an administrator: levels, rates, dimension averages, units below Standard, "
        "rewards at 12 months and the per-unit table.",
    )
    _round_arguments(p)
    p.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    p.set_defaults(func=cmd_export_summary)

    p = sub.add_parser(
        "backup",
        help="copy the SQLite database to a file while the service runs",
        description="Copy the configured SQLite database (SQS_DATABASE_URL) to DEST with "
        "SQLite's online backup: a consistent snapshot, taken while the service keeps running. "
        "PostgreSQL databases are backed up with pg_dump instead.",
    )
    p.add_argument("dest", type=Path, metavar="DEST", help="the file to write the copy to")
    p.add_argument("--force", action="store_true", help="replace DEST if it exists")
    p.set_defaults(func=cmd_backup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from api.settings import InvalidSettings

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except InvalidSettings as exc:  # one line per problem, each naming its SQS_* variable
        for problem in exc.problems:
            print(f"sqs: {problem}", file=sys.stderr)
        return 2
    except NoSchema as exc:
        print(
            f"sqs {args.command}: the database {shown(str(exc))} has no schema yet: "
            "run `sqs migrate` first (or set SQS_DATABASE_URL to the service's database)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
