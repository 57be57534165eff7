"""``sqs``: the operator's command line. Each subcommand has ``--help``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from services.errors import AppError, NotFound, Unprocessable


class NoSchema(Exception):
    """The database has no schema yet: say so in one line, never with a traceback."""


def _engine(*, schema_needed: bool = True):  # type: ignore[no-untyped-def]
    """The settings and an engine for a command. None of these commands signs a token, so the
    signing secret is not asked for (``serve`` reads the full settings). A command that works
    on existing data (``schema_needed``) stops with ``NoSchema`` when the database is missing
    or has no schema, without creating an empty SQLite file on the way."""
    from sqlalchemy import inspect

    from api.settings import get_offline_settings
    from persistence.db import is_sqlite, make_engine

    settings = get_offline_settings()
    url = settings.database_url
    if schema_needed and is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:" and not Path(database).exists():
            raise NoSchema(url)
    engine = make_engine(url)
    if schema_needed and not inspect(engine).has_table("alembic_version"):
        engine.dispose()
        raise NoSchema(url)
    return settings, engine


def _shown(url: str) -> str:
    """The database URL without its password, to name in messages."""
    return make_url(url).render_as_string(hide_password=True)


def cmd_migrate(_args: argparse.Namespace) -> int:
    from services.bootstrap import migrate

    _settings, engine = _engine(schema_needed=False)
    migrate(engine)
    print("database is at the latest schema")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    from persistence.unit_of_work import UnitOfWork
    from services.bootstrap import migrate
    from services.demo import seed_demo

    _settings, engine = _engine(schema_needed=False)
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


def _fail(command: str, error: AppError) -> int:
    """Print a service error (and each problem it lists) to stderr; 2 for bad input, else 1."""
    print(f"sqs {command}: {error.detail}", file=sys.stderr)
    for problem in error.problems:
        where = f"line {problem['line']}, " if "line" in problem else ""
        print(f"  {where}{problem['field']}: {problem['message']}", file=sys.stderr)
    return 2 if isinstance(error, Unprocessable) else 1


def _progress_bar(label: str) -> Callable[[int, int], None]:
    """A one-line progress bar on stderr, redrawn in place at each whole percent."""
    shown = -1

    def show(done: int, total: int) -> None:
        nonlocal shown
        percent = done * 100 // total
        if percent == shown and done < total:
            return
        shown = percent
        filled = done * 30 // total
        bar = "#" * filled + "." * (30 - filled)
        end = "\n" if done == total else ""
        print(f"\r{label} [{bar}] {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def cmd_import_units(args: argparse.Namespace) -> int:
    from persistence.unit_of_work import UnitOfWork
    from services.unit_import import import_units

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"sqs import-units: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    _settings, engine = _engine()
    # One request id for the whole import groups its audit events.
    with UnitOfWork(engine, write=not args.dry_run, request_id=f"cli-{uuid.uuid4()}") as uow:
        try:
            summary = import_units(
                uow,
                "system:cli",
                data,
                dry_run=args.dry_run,
                progress=_progress_bar("dry run" if args.dry_run else "importing")
                if sys.stderr.isatty()  # a bar in a log file is only noise
                else None,
            )
        except AppError as error:
            uow.rollback()
            return _fail("import-units", error)
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


def cmd_export_scores(args: argparse.Namespace) -> int:
    from persistence.unit_of_work import UnitOfWork
    from services import exports, scores
    from services.principal import Principal
    from services.reference import get_fiscal_year

    output: Path | None = args.output
    fmt = args.format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        print("sqs export-scores: XLSX is binary: name a file with --output", file=sys.stderr)
        return 2
    # Whoever runs the command line already holds the database: they read as an administrator.
    operator = Principal(subject="system:cli", role="admin", username="cli")
    _settings, engine = _engine()
    with UnitOfWork(engine) as uow:
        try:
            year = get_fiscal_year(uow, args.year)
            found = [r.round_id for r in year.rounds if r.months == args.round]
            if not found:
                raise NotFound(f"fiscal year {args.year} has no {args.round}-month round")
            if fmt == "xlsx":
                data = exports.scoreboard_xlsx(uow, operator, found[0])
            else:
                # The API's own writer: the file is what GET /rounds/{id}/scores?format=csv answers.
                rows, _ = scores.scoreboard(uow, operator, found[0])
                data = exports.scoreboard_csv(rows)
        except AppError as error:
            return _fail("export-scores", error)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        print(f"wrote {output} ({fmt}, {len(data)} bytes)", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from api.settings import get_offline_settings
    from services.backup import backup_sqlite

    try:
        result = backup_sqlite(get_offline_settings().database_url, args.dest, force=args.force)
    except AppError as error:
        return _fail("backup", error)
    print(f"backed up {result.source} to {result.destination} ({result.size} bytes)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.settings import get_settings

    settings = get_settings()  # bad settings stop here, before uvicorn imports the app
    uvicorn.run(
        "api.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level=args.log_level or settings.log_level,
        access_log=False,  # the app writes its own JSON line per request (sqs.access)
    )
    return 0


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
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("deliver-webhooks", help="send due webhook deliveries (the worker, once)")
    p.add_argument("--loop", action="store_true", help="keep running until interrupted")
    p.set_defaults(func=cmd_deliver_webhooks)

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
            f"sqs {args.command}: the database {_shown(str(exc))} has no schema yet: "
            "run `sqs migrate` first (or set SQS_DATABASE_URL to the service's database)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
