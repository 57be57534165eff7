"""What every ``sqs`` subcommand shares: the operator it acts as, the engine it opens, how it
reports a refusal and draws progress (``api.cli`` and ``api.cli_exports`` use these)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from services.errors import AppError, Unprocessable
from services.principal import Principal

# Whoever runs the command line already holds the database: they act as an administrator.
CLI_OPERATOR = Principal(subject="system:cli", role="admin", username="cli")


class NoSchema(Exception):
    """The database has no schema yet: say so in one line, never with a traceback."""


def engine_for(*, schema_needed: bool = True):  # type: ignore[no-untyped-def]
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


def shown(url: str) -> str:
    """The database URL without its password, to name in messages."""
    return make_url(url).render_as_string(hide_password=True)


def console_clause(sentence: str) -> str:
    """A sentence as the clause after ``sqs <command>:``, as Unix tools write it: its first
    letter lower-case (not an acronym's: "CSV line 3 …"), no closing full stop."""
    if len(sentence) > 1 and sentence[0].isupper() and not sentence[1].isupper():
        sentence = sentence[0].lower() + sentence[1:]
    return sentence.removesuffix(".")


def fail(command: str, error: AppError) -> int:
    """Print a service error (and each problem it lists) to stderr; 2 for bad input, else 1."""
    print(f"sqs {command}: {console_clause(error.detail)}", file=sys.stderr)
    for problem in error.problems:
        where = f"line {problem['line']}, " if "line" in problem else ""
        print(f"  {where}{problem['field']}: {problem['message']}", file=sys.stderr)
    return 2 if isinstance(error, Unprocessable) else 1


def progress_bar(label: str) -> Callable[[int, int], None]:
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
