"""The operator's command line: ``sqs import-units``, ``export-scores`` and ``backup``.

Each test calls ``api.cli.main([...])`` with ``SQS_DATABASE_URL`` pointing at the test's own
database, then looks at the database, the files written and what was printed.
"""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from persistence.tables import AuditEventRow
from persistence.unit_of_work import UnitOfWork
from services.demo import seed_demo
from services.reference import UnitView, create_unit

BOM = "\ufeff"
HEADER = "code,name_th,name_en,kind,province\n"
GOOD_ROWS = (
    "NEW1,หน่วยบริการใหม่ 1,New unit 1,regional,ตาก\n"
    'NEW2,"สำนักงาน ""ทดสอบ"", พื้นที่ 2",New unit 2,central,\n'  # quotes and a comma
    "NEW3,หน่วยบริการใหม่ 3,New unit 3,regional,เชียงใหม่\n"
)


@pytest.fixture
def sqlite_only(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("backup copies SQLite databases; PostgreSQL is refused (tested below)")


def write(path: Path, content: str, *, bom: bool = False) -> Path:
    path.write_bytes(((BOM if bom else "") + content).encode("utf-8"))
    return path


def units(engine) -> dict[str, UnitView]:
    with UnitOfWork(engine) as uow:
        return {
            u.code: UnitView(u.code, u.name_th, u.name_en, u.kind, u.province)
            for u in uow.repos.reference.list_units()
        }


def audit_events(engine) -> list[AuditEventRow]:
    with UnitOfWork(engine) as uow:
        return list(uow.repos.audit.list(object_type="unit", limit=1000))


# --- help ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("import-units", "Create or update units from a CSV file"),
        ("export-scores", "Write the scoreboard of one round"),
        ("backup", "online backup"),
    ],
)
def test_help_says_what_the_command_does(cli, capsys, command, says):
    with pytest.raises(SystemExit) as exit_:
        cli(command, "--help")
    assert exit_.value.code == 0
    assert says in " ".join(capsys.readouterr().out.split())


# --- import-units ----------------------------------------------------------------------------


def test_import_creates_units_in_one_audited_transaction(
    cli, engine, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the bar is for a terminal
    path = write(tmp_path / "units.csv", HEADER + GOOD_ROWS, bom=True)
    assert cli("import-units", path) == 0
    out, err = capsys.readouterr()
    assert "3 created, 0 updated, 0 unchanged" in out
    assert "3/3" in err  # the progress bar
    found = units(engine)
    assert found["NEW1"] == UnitView("NEW1", "หน่วยบริการใหม่ 1", "New unit 1", "regional", "ตาก")
    assert found["NEW2"].name_th == 'สำนักงาน "ทดสอบ", พื้นที่ 2'
    assert found["NEW2"].province is None
    events = [e for e in audit_events(engine) if e.action == "unit.create"]
    assert sorted(e.object_id for e in events) == ["NEW1", "NEW2", "NEW3"]
    assert {e.actor for e in events} == {"system:cli"}
    assert len({e.request_id for e in events}) == 1  # one import, one request id


def test_known_codes_are_updated_and_a_second_run_changes_nothing(cli, engine, tmp_path, capsys):
    with UnitOfWork(engine, write=True) as uow:
        create_unit(uow, "system:test", UnitView("NEW1", "ชื่อเดิม", "Old name", "central", None))
    path = write(tmp_path / "units.csv", HEADER + GOOD_ROWS)  # no BOM this time
    assert cli("import-units", path) == 0
    assert "2 created, 1 updated, 0 unchanged" in capsys.readouterr().out
    assert units(engine)["NEW1"] == UnitView(
        "NEW1", "หน่วยบริการใหม่ 1", "New unit 1", "regional", "ตาก"
    )
    (update,) = [e for e in audit_events(engine) if e.action == "unit.update"]
    assert "ชื่อเดิม" in update.before and "หน่วยบริการใหม่ 1" in update.after
    events = len(audit_events(engine))

    assert cli("import-units", path) == 0
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert len(audit_events(engine)) == events


def test_dry_run_reports_and_writes_nothing(cli, engine, tmp_path, capsys):
    with UnitOfWork(engine, write=True) as uow:
        create_unit(uow, "system:test", UnitView("NEW3", "ชื่อเดิม", "Old name", "central", None))
    before, events = units(engine), len(audit_events(engine))
    path = write(tmp_path / "units.csv", HEADER + GOOD_ROWS, bom=True)
    assert cli("import-units", "--dry-run", path) == 0
    out = capsys.readouterr().out
    assert "would be 2 created, 1 updated, 0 unchanged; nothing was written" in out
    assert units(engine) == before
    assert len(audit_events(engine)) == events


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(cli, engine, tmp_path, capsys):
    content = (
        "code,name_th,kind,name_en\n"  # any column order
        "OK1,หน่วยที่ถูกต้อง,regional,Valid unit\n"  # line 2: fine, but must not be written
        "bad code,ชื่อ,remote,Name\n"  # line 3: two problems
        "\n"  # line 4: blank, skipped
        'ML1,"ชื่อ\nสองบรรทัด",central,\n'  # lines 5-6: one record, empty name_en
        "OK1,ซ้ำ,central,Again\n"  # line 7: code already on line 2
        "SHORT,ชื่อ\n"  # line 8: too few fields
        f"LONG,{'ก' * 301},central,Long\n"  # line 9: name too long
    )
    path = write(tmp_path / "units.csv", content)
    assert cli("import-units", path) == 2
    err = capsys.readouterr().err
    assert "5 rows are not valid; nothing was written" in err
    for expected in (
        "line 3, code: may hold only letters",
        "line 3, kind: must be one of central, regional",
        "line 5, name_en: is empty",
        "line 7, code: 'OK1' is already on line 2",
        "line 8, row: has 2 fields, the header has 4",
        "line 9, name_th: is longer than 300 characters",
    ):
        assert expected in err
    assert "line 2" not in err.replace("already on line 2", "")
    assert "OK1" not in units(engine)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"code,name,kind\nA,B,central\n", "missing columns: name_th, name_en"),
        (HEADER.encode() + b"X1,\xe0\xb8,Name,central,\n", "line 2 is not UTF-8"),
        (HEADER.encode(), "the file names no units"),
        ("code;name_th;name_en;kind\nA;ก;A;central\n".encode(), "missing columns"),
    ],
)
def test_unreadable_files_are_refused(cli, engine, tmp_path, capsys, content, message):
    path = tmp_path / "units.csv"
    path.write_bytes(content)
    assert cli("import-units", path) == 2
    assert message in capsys.readouterr().err
    assert units(engine) == {}


def test_a_missing_file_is_a_clear_error(cli, tmp_path, capsys):
    assert cli("import-units", tmp_path / "nope.csv") == 2
    assert "cannot read" in capsys.readouterr().err


# --- export-scores ---------------------------------------------------------------------------


@pytest.fixture
def demo(engine) -> int:
    """The demo installation; answers the round id of FY 2558's 6-month round."""
    with UnitOfWork(engine, write=True) as uow:
        seed_demo(uow, out=lambda _s: None)
        fy = uow.repos.reference.fiscal_year(2558)
        assert fy is not None and fy.id is not None
        return next(r.id for r in uow.repos.reference.rounds_of(fy.id) if r.months == 6)


def test_csv_export_is_the_apis_csv(cli, demo, client, make_user, tmp_path):
    api = client.get(f"/api/v1/rounds/{demo}/scores?format=csv", headers=make_user("admin"))
    assert api.status_code == 200
    out = tmp_path / "scores.csv"
    assert cli("export-scores", "--year", 2558, "--round", 6, "--output", out) == 0
    data = out.read_bytes()
    assert data == api.content
    assert data.startswith(BOM.encode())
    assert len(data.decode("utf-8-sig").splitlines()) == 66  # header and the 65 demo units


def test_csv_goes_to_standard_output_without_output(cli, demo, capsysbinary):
    assert cli("export-scores", "--year", 2558, "--round", 6) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(BOM.encode() + b"unit_code,name_th,name_en,kind,province,overall,level")


def _sheet(data: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(data))["Scores"].iter_rows(values_only=True))


def test_xlsx_export_has_the_apis_cells(cli, demo, client, make_user, tmp_path):
    api = client.get(f"/api/v1/rounds/{demo}/scores.xlsx", headers=make_user("viewer"))
    assert api.status_code == 200
    out = tmp_path / "scores.xlsx"  # the suffix picks the format
    assert cli("export-scores", "--year", 2558, "--round", 6, "--output", out) == 0
    assert _sheet(out.read_bytes()) == _sheet(api.content)
    assert len(_sheet(api.content)) == 66


def test_export_of_an_unknown_year_is_a_clear_error(cli, demo, tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert cli("export-scores", "--year", 2557, "--round", 6, "--output", out) == 1
    assert "no fiscal year 2557" in capsys.readouterr().err
    assert not out.exists()


# --- backup ----------------------------------------------------------------------------------


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def test_backup_is_a_valid_database_with_the_same_rows(
    cli, sqlite_only, demo, engine, tmp_path, capsys
):
    dest = tmp_path / "backup.db"
    assert cli("backup", dest) == 0
    assert "backed up" in capsys.readouterr().out
    con = sqlite3.connect(dest)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    finally:
        con.close()
    counts = _counts(dest)
    assert counts == _counts(Path(engine.url.database))
    assert counts["unit"] == 65 and counts["alembic_version"] == 1
    assert list(tmp_path.glob(".backup.db.*")) == []  # no temporary file left


def test_backup_runs_while_a_write_is_in_progress(cli, sqlite_only, engine, tmp_path):
    """Online: a writer holding the lock neither blocks the copy nor leaks into it."""
    with UnitOfWork(engine, write=True) as uow:
        create_unit(uow, "system:test", UnitView("DONE", "ก", "A", "central", None))
    with UnitOfWork(engine, write=True) as uow:  # BEGIN IMMEDIATE: the service's write lock
        create_unit(uow, "system:test", UnitView("HALF", "ข", "B", "central", None))  # flushed
        assert cli("backup", tmp_path / "backup.db") == 0
        uow.rollback()
    con = sqlite3.connect(tmp_path / "backup.db")
    try:
        assert [r[0] for r in con.execute("SELECT code FROM unit")] == ["DONE"]
    finally:
        con.close()


def test_backup_does_not_overwrite_without_force(cli, sqlite_only, tmp_path, capsys):
    dest = tmp_path / "backup.db"
    dest.write_bytes(b"an older backup")
    assert cli("backup", dest) == 1
    assert "already exists (--force replaces it)" in capsys.readouterr().err
    assert dest.read_bytes() == b"an older backup"
    assert cli("backup", "--force", dest) == 0
    assert "alembic_version" in _counts(dest)


def test_backup_of_postgresql_points_to_pg_dump(cli, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SQS_DATABASE_URL", "postgresql://sqs@db.example/sqs")
    assert cli("backup", tmp_path / "backup.db") == 2
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "backup.db").exists()


def test_backup_of_a_missing_database_creates_nothing(cli, monkeypatch, tmp_path, capsys):
    missing = tmp_path / "elsewhere" / "sqs.db"
    monkeypatch.setenv("SQS_DATABASE_URL", f"sqlite:///{missing}")
    assert cli("backup", tmp_path / "backup.db") == 1
    assert "no database file" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "backup.db").exists()
