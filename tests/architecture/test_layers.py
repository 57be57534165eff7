"""Dependencies point inward: api → services → persistence → domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _files(folder: str, pattern: str = "*.py") -> list[Path]:
    return sorted((ROOT / folder).rglob(pattern))


def _offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for f in files:
        for name in _imports(f):
            if name == forbidden or any(name == p or name.startswith(p + ".") for p in forbidden):
                out.append(f"{f.relative_to(ROOT)} imports {name}")
    return out


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("services", ("fastapi", "starlette", "api")),
        ("persistence", ("fastapi", "starlette", "api", "services")),
        (
            "domain",
            (
                "fastapi",
                "starlette",
                "api",
                "services",
                "persistence",
                "sqlmodel",
                "sqlalchemy",
                "pydantic",
            ),
        ),
    ],
)
def test_layers_point_inward(folder, forbidden):
    assert _offenders(_files(folder), forbidden) == []


def test_routers_do_not_touch_tables():
    routers = [f for f in _files("api/v1") if f.name == "router.py"]
    assert routers, "no routers found"
    assert _offenders(routers, ("persistence.tables", "sqlmodel", "sqlalchemy")) == []


def test_only_the_security_module_imports_jose():
    users = [
        str(f.relative_to(ROOT))
        for f in _files("api") + _files("services")
        if "jose" in _imports(f) or any(n.startswith("jose.") for n in _imports(f))
    ]
    assert users == ["api/security.py"]
