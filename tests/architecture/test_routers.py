"""Routers parse, call, shape: they reach the database only through the runtime (api.runtime).

A router that imports ``persistence`` (a repository, a unit of work, the engine) or decides how
its service runs (a thread, a read path, a transaction, a short-cut on the event loop) has taken
back a decision that belongs to the runtime and the service (``services.cost``)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.test_layers import _imports

ROOT = Path(__file__).resolve().parents[2]
ROUTERS = sorted((ROOT / "api" / "v1").rglob("*.py"))

# Names a router must not use: each one is a decision that belongs to the runtime.
RUNTIME_DECISIONS = frozenset(
    {
        "UnitOfWork",  # opening a transaction itself
        "engine",  # app.state.engine
        "write_gate",  # SQLite's writer gate
        "db_slots",  # the pool's request slots
        "reads",  # a read path chosen by the router
        "score_reader",  # the same, by its new name
        "to_thread",  # a thread hop (anyio)
    }
)


def _used(tree: ast.AST) -> set[str]:
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg is not None:
            used.add(f"{node.arg}=")
    return used


def test_routers_import_nothing_from_persistence():
    offenders = [
        f"{f.relative_to(ROOT)} imports {name}"
        for f in ROUTERS
        for name in _imports(f)
        if name == "persistence" or name.startswith("persistence.")
    ]
    assert offenders == []


def test_routers_leave_how_a_service_runs_to_the_runtime():
    offenders = [
        f"{f.relative_to(ROOT)} uses {name}"
        for f in ROUTERS
        for name in sorted(_used(ast.parse(f.read_text(encoding="utf-8"))))
        if name in RUNTIME_DECISIONS or name == "short="
    ]
    assert offenders == []


def test_the_check_sees_a_router_that_decides(tmp_path: Path):
    """The two checks above can fail: a made-up router that does what they forbid."""
    bad = tmp_path / "router.py"
    bad.write_text(
        "from persistence.unit_of_work import UnitOfWork\n"
        "async def route(run, request):\n"
        "    if run.reads is not None:\n"
        "        return await run(f, short=True)\n"
        "    with UnitOfWork(request.app.state.engine) as uow:\n"
        "        return f(uow)\n",
        encoding="utf-8",
    )
    assert "persistence.unit_of_work" in _imports(bad)
    assert {"UnitOfWork", "engine", "reads", "short="} <= _used(ast.parse(bad.read_text()))
