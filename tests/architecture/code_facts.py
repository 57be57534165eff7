"""What the architecture tests read off the source: modules, their imports, their module-level
names. Plain ``ast``; nothing is imported, so a broken module cannot hide a finding."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("api", "services", "persistence", "domain")


@dataclass(frozen=True)
class Module:
    name: str  # dotted: services.webhooks.delivery
    path: Path
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def where(self) -> str:
        return (
            str(self.path.relative_to(ROOT)) if self.path.is_relative_to(ROOT) else str(self.path)
        )


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_module(path: Path, root: Path = ROOT) -> Module:
    source = path.read_text(encoding="utf-8")
    return Module(module_name(path, root), path, ast.parse(source, filename=str(path)))


def modules(*folders: str, root: Path = ROOT) -> list[Module]:
    return [
        read_module(path, root)
        for folder in folders or LAYERS
        for path in sorted((root / folder).rglob("*.py"))
    ]


def _type_checking_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk_runtime(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` except what sits in ``if TYPE_CHECKING:`` blocks (those
    imports never run, so they make no cycle)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking_only(child):
            for other in child.orelse:
                yield other
                yield from _walk_runtime(other)
            continue
        yield child
        yield from _walk_runtime(child)


def imported(module: Module, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``module`` imports when it runs, at its top or inside a
    function (an import inside a function is still a dependency, only a later one)."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    found: set[str] = set()
    for node in _walk_runtime(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(_nearest(alias.name, known))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else _nearest(base, known))
    found.discard("")
    found.discard(module.name)
    return found & known


def _nearest(name: str, known: set[str]) -> str:
    """``name`` or the closest package of it that is one of ``known``."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)
