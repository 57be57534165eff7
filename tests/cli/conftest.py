"""The ``cli`` fixture: ``sqs`` run in-process against the test's database."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from api.cli import main


@pytest.fixture
def cli(engine, tmp_path, monkeypatch) -> Callable[..., int]:
    """``main(argv)`` against the test's database (no developer's .env or SQS_* variables)."""
    for name in [n for n in os.environ if n.startswith("SQS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SQS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SQS_DEMO_MODE", "true")
    monkeypatch.chdir(tmp_path)
    yield lambda *argv: main([str(a) for a in argv])
