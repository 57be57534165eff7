"""``sqs export-report`` and ``sqs export-summary``: the API's PDFs on the command line."""

# ruff: noqa: F811 - the fixtures imported from test_cli are arguments of the tests
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.api.test_documents import needs_pdf_tools, squash
from tests.cli.test_cli import demo  # noqa: F401 - fixture

pytestmark = needs_pdf_tools


def text_of(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return squash(out.stdout)


def test_one_unit_report_to_a_file(cli, demo, tmp_path, capsys):
    out = tmp_path / "f.pdf"
    assert (
        cli("export-report", "--year", 2558, "--months", 6, "--unit", "BKK01", "--output", out) == 0
    )
    text = text_of(out)
    assert "แบบที่1แบบรายงานผลการดำเนินการ" in text and "(BKK01)" in text
    assert squash("1 ตุลาคม 2557 – 31 มีนาคม 2558") in text
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize("terminal", [False, True])
def test_several_units_go_into_a_directory_with_a_bar_only_on_a_terminal(
    cli,
    demo,
    tmp_path,
    capsys,
    monkeypatch,
    terminal,
):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    args = ["--year", 2558, "--round", 6, "--unit", "BKK01", "--unit", "CMI", "--output", tmp_path]
    assert cli("export-report", *args) == 0
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "report-2558-6-BKK01.pdf",
        "report-2558-6-CMI.pdf",
    ]
    err = capsys.readouterr().err
    assert ("reports [" in err) is terminal
    assert "2/2" in err if terminal else "wrote 2 reports" in err


def test_several_units_need_a_directory(cli, demo, tmp_path, capsys):
    args = ["--year", 2558, "--months", 6, "--unit", "BKK01", "--unit", "CMI"]
    assert cli("export-report", *args, "--output", tmp_path / "x.pdf") == 2
    assert "--output DIRECTORY" in capsys.readouterr().err


def test_an_unknown_unit_is_a_clear_error(cli, demo, tmp_path, capsys):
    args = ["--year", 2558, "--months", 6, "--unit", "NOPE", "--output", tmp_path / "x.pdf"]
    assert cli("export-report", *args) == 1
    assert "NOPE" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_round_summary(cli, demo, tmp_path):
    out = tmp_path / "s.pdf"
    assert cli("export-summary", "--year", 2558, "--months", 6, "--output", out) == 0
    text = text_of(out)
    assert "สรุปผลการประเมินมาตรฐานคุณภาพการให้บริการประชาชน" in text
    assert "ระดับต้นแบบ/BestPractice" in text
