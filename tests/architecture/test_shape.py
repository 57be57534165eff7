"""The shape of the code (issue 20): no import cycles inside a layer, and modules small enough
to read (routers that only parse, call and shape: test_routers.py).

WHY: a cycle means two modules that cannot be understood (or imported) one without the other;
a module of many hundred lines holds more than one idea.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.architecture.code_facts import LAYERS, Module, cycles, imported, modules, read_module

MAX_LINES = 500


def layer_cycles(found: list[Module]) -> list[list[str]]:
    known = {m.name for m in found}
    graph = {m.name: imported(m, known) for m in found}
    return cycles(graph)


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_cycle_inside_a_layer(layer):
    assert layer_cycles(modules(layer)) == []


def test_the_cycle_check_sees_imports_inside_functions(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.b import g\n")
    (pkg / "b.py").write_text(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pkg.c import Never
            def g():
                from pkg import a
                return a
            """
        )
    )
    (pkg / "c.py").write_text("from pkg.b import g\n")
    found = [read_module(p, tmp_path) for p in sorted(pkg.glob("*.py"))]
    assert layer_cycles(found) == [["pkg.a", "pkg.b"]]


def long_modules(found: list[Module]) -> list[str]:
    out = []
    for module in found:
        lines = len(module.path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            out.append(f"{module.where}: {lines} lines")
    return out


def test_modules_stay_small():
    assert long_modules(modules()) == []


def test_the_size_check_counts_lines(tmp_path: Path):
    path = tmp_path / "big.py"
    path.write_text("x = 1\n" * (MAX_LINES + 1))
    assert long_modules([read_module(path, tmp_path)]) == [f"{path}: {MAX_LINES + 1} lines"]
