"""The ``sqs export-*`` subcommands: the round's scores (CSV, XLSX) and the PDF documents,
written to a file, a directory or standard output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.cli_support import CLI_OPERATOR, engine_for, fail, progress_bar
from services.errors import AppError, NotFound
from services.principal import Principal


def cmd_export_scores(args: argparse.Namespace) -> int:
    from persistence.unit_of_work import UnitOfWork
    from services import exports, scoreboard
    from services.reference import get_fiscal_year

    output: Path | None = args.output
    fmt = args.format or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        print("sqs export-scores: XLSX is binary: name a file with --output", file=sys.stderr)
        return 2
    _settings, engine = engine_for()
    with UnitOfWork(engine) as uow:
        try:
            year = get_fiscal_year(uow, args.year)
            found = [r.round_id for r in year.rounds if r.months == args.round]
            if not found:
                raise NotFound(
                    code="fiscal_year_no_round", params={"year_be": args.year, "months": args.round}
                )
            if fmt == "xlsx":
                data = exports.scoreboard_xlsx(uow, CLI_OPERATOR, found[0])
            else:
                # The API's own writer: the file is what GET /rounds/{id}/scores?format=csv answers.
                data = exports.scoreboard_csv_export(
                    uow, CLI_OPERATOR, found[0], scoreboard.BoardQuery()
                )
        except AppError as error:
            return fail("export-scores", error)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        print(f"wrote {output} ({fmt}, {len(data)} bytes)", file=sys.stderr)
    return 0


def _round_id(uow, year_be: int, months: int) -> int:  # type: ignore[no-untyped-def]
    from services.reference import get_fiscal_year

    year = get_fiscal_year(uow, year_be)
    found = [r.round_id for r in year.rounds if r.months == months]
    if not found:
        raise NotFound(code="fiscal_year_no_round", params={"year_be": year_be, "months": months})
    return found[0]


def _write_binary(command: str, output: Path | None, data: bytes) -> int:
    if output is None:
        if sys.stdout.isatty():
            print(f"sqs {command}: a PDF is binary: name a file with --output", file=sys.stderr)
            return 2
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    output.write_bytes(data)
    print(f"wrote {output} ({len(data)} bytes)", file=sys.stderr)
    return 0


def cmd_export_report(args: argparse.Namespace) -> int:
    """Units' report PDFs for a round: one to --output FILE, several into --output DIR."""
    from datetime import UTC, datetime

    from persistence.unit_of_work import UnitOfWork
    from services.documents import typeset, unit_facts

    operator = Principal(subject="system:cli", role="admin", username="cli")
    settings, engine = engine_for()
    output: Path | None = args.output
    many = args.all_units or len(args.unit or []) > 1
    if not args.all_units and not args.unit:
        print("sqs export-report: name a unit with --unit CODE, or --all-units", file=sys.stderr)
        return 2
    if many and (output is None or not output.is_dir()):
        print("sqs export-report: several units need --output DIRECTORY", file=sys.stderr)
        return 2
    try:
        typeset.check_font(settings.document_font_dir)
        with UnitOfWork(engine) as uow:
            round_id = _round_id(uow, args.year, args.months)
            if args.all_units:
                codes = [
                    u.code
                    for u in uow.repos.reference.participants(
                        uow.repos.reference.fiscal_year(args.year).id
                    )
                ]  # type: ignore[union-attr]
            else:
                codes = list(args.unit)
        # Progress only for a person watching: a terminal on stderr, and more than one unit.
        progress = progress_bar("reports") if many and sys.stderr.isatty() else None
        for done, code in enumerate(codes, start=1):
            with UnitOfWork(engine) as uow:
                facts = unit_facts.unit_report(uow, operator, round_id, code, datetime.now(UTC))
            pdf = typeset.typeset("unit_report", facts, settings.document_font_dir)
            if not many:
                return _write_binary("export-report", output, pdf)
            assert output is not None
            (output / f"report-{args.year}-{args.months}-{code}.pdf").write_bytes(pdf)
            if progress is not None:
                progress(done, len(codes))
    except AppError as error:
        return fail("export-report", error)
    print(f"wrote {len(codes)} reports into {output}", file=sys.stderr)
    return 0


def cmd_export_summary(args: argparse.Namespace) -> int:
    """The round summary PDF, as GET /rounds/{id}/summary.pdf answers an administrator."""
    from datetime import UTC, datetime

    from persistence.unit_of_work import UnitOfWork
    from services.documents import round_facts, typeset

    operator = Principal(subject="system:cli", role="admin", username="cli")
    settings, engine = engine_for()
    try:
        typeset.check_font(settings.document_font_dir)
        with UnitOfWork(engine) as uow:
            round_id = _round_id(uow, args.year, args.months)
            facts = round_facts.round_summary(uow, operator, round_id, datetime.now(UTC))
        pdf = typeset.typeset("round_summary", facts, settings.document_font_dir)
    except AppError as error:
        return fail("export-summary", error)
    return _write_binary("export-summary", args.output, pdf)
