"""``sqs`` without traps: run from any directory, on a database without a schema, without the
signing secret for commands that sign nothing, in a log file, and with help for every option."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from api.cli import build_parser
from api.cli_support import shown as _shown
from api.settings import PROJECT_DIR, Settings, get_settings
from persistence.db import make_engine
from services.bootstrap import migrate
from tests.cli.test_cli import GOOD_ROWS, HEADER, write


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _subcommand_help() -> dict[str, str | None]:
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return {choice.dest: choice.help for choice in sub._choices_actions}


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_subcommand_and_every_option_has_help(command: str) -> None:
    assert _subcommand_help()[command], f"sqs {command} has no help line"
    parser = _subcommands()[command]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help.strip(), f"sqs {command} {name} has no help text"


def test_the_default_database_is_beside_the_code_not_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SQS_DATABASE_URL", raising=False)
    monkeypatch.delenv("SQS_EVIDENCE_DIR", raising=False)
    settings = Settings(demo_mode=True, _env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == f"sqlite:///{PROJECT_DIR / 'var' / 'sqs.db'}"
    assert settings.evidence_dir == PROJECT_DIR / "var" / "evidence"


def test_a_relative_sqlite_path_is_resolved_once_against_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(
        database_url="sqlite:///data/here.db",
        demo_mode=True,
        _env_file=None,  # type: ignore[call-arg]
    )
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'here.db'}"


@pytest.mark.parametrize("command", [["export-scores", "--year", "2558", "--round", "6"]])
def test_a_missing_database_is_one_line_naming_migrate_and_creates_nothing(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, command
) -> None:
    monkeypatch.setenv("SQS_DATABASE_URL", "sqlite:///var/sqs.db")  # relative: in tmp_path
    assert cli(*command) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err  # one line, no traceback
    assert "run `sqs migrate` first" in err and str(tmp_path / "var" / "sqs.db") in err
    assert not (tmp_path / "var").exists()


def test_a_database_without_schema_is_one_line_naming_migrate(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    empty = tmp_path / "empty.db"
    make_engine(f"sqlite:///{empty}").connect().close()  # the file exists, with no tables
    monkeypatch.setenv("SQS_DATABASE_URL", f"sqlite:///{empty}")
    assert cli("import-units", write(tmp_path / "u.csv", HEADER + GOOD_ROWS)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no schema yet: run `sqs migrate` first" in err


def test_messages_never_show_the_database_password() -> None:
    shown = _shown("postgresql://sqs:hunter2-secret@db.example:5432/sqs")
    assert "hunter2" not in shown and "db.example:5432/sqs" in shown


def test_export_needs_no_signing_secret(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    database = tmp_path / "fresh.db"
    migrate(make_engine(f"sqlite:///{database}"))
    monkeypatch.setenv("SQS_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.delenv("SQS_DEMO_MODE")
    monkeypatch.delenv("SQS_JWT_SECRET", raising=False)
    # no fiscal year yet: a clear "not found", not a complaint about the secret
    assert cli("export-scores", "--year", "2558", "--round", "6") == 1
    assert "no fiscal year 2558" in capsys.readouterr().err
    with pytest.raises(Exception, match="SQS_JWT_SECRET"):
        get_settings()  # the server still refuses to start without it


def test_progress_bar_only_when_stderr_is_a_terminal(
    cli, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = write(tmp_path / "units.csv", HEADER + GOOD_ROWS)
    assert cli("import-units", "--dry-run", path) == 0
    assert "3/3" not in capsys.readouterr().err  # stderr is not a terminal here
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli("import-units", "--dry-run", path) == 0
    assert "3/3" in capsys.readouterr().err
