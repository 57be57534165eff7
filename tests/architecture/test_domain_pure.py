"""The domain layer imports only the standard library and itself.

WHY: SPEC §2 calls ``domain/`` "the pure domain layer"; keeping third-party packages (pydantic,
SQLAlchemy, FastAPI, …) and the other layers out of it keeps the rules testable without a
database or an app, and reusable from scripts.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED = set(sys.stdlib_module_names) | {"__future__", "domain"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: stays inside the package
                found.append((node.lineno, "domain"))
            elif node.module:
                found.append((node.lineno, node.module))
    return found


def test_domain_files_exist():
    assert (DOMAIN / "__init__.py").is_file()
    assert len(list(DOMAIN.rglob("*.py"))) > 5


def test_domain_imports_only_stdlib_and_itself():
    offenders = [
        f"{path.relative_to(DOMAIN.parent)}:{line}: import {name}"
        for path in sorted(DOMAIN.rglob("*.py"))
        for line, name in _imports(path)
        if name.split(".")[0] not in ALLOWED
    ]
    assert offenders == [], "domain/ must import only the standard library:\n" + "\n".join(
        offenders
    )


def test_the_check_would_catch_a_third_party_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import pydantic\nfrom sqlalchemy import orm\nfrom domain import errors\n")
    names = [name for _, name in _imports(bad)]
    assert [n for n in names if n.split(".")[0] not in ALLOWED] == ["pydantic", "sqlalchemy"]
