"""No module-level mutable state in api/, services/, persistence/ or domain/ (issue 20).

WHY: a cache or registry held by a module lives as long as the process and is shared by every
app, test and database the process touches: tests had to clear six of them by hand, and their
invalidation hid in unrelated services. What a running app remembers belongs to its runtime
object (``api/runtime.py``), where it is built, reached and cleared explicitly. Modules hold
constants and pure functions only.

What counts as module-level mutable state here:

- a ``global`` statement;
- ``functools.cache`` / ``lru_cache`` / ``cachetools.cached`` on a function or method (a
  process-wide memo);
- a module-level (or class-level) name bound to a lock, a cache or memo object, or a mutable
  container (``{}``, ``[]``, ``set()``, ``dict(...)``, ``defaultdict``, weak dictionaries …),
  unless the name is a CONSTANT (upper case) that nothing in the module mutates.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from tests.architecture.code_facts import Module, modules, read_module

MUTABLE_CALLS = {
    "dict",
    "list",
    "set",
    "bytearray",
    "defaultdict",
    "OrderedDict",
    "Counter",
    "deque",
    "WeakKeyDictionary",
    "WeakValueDictionary",
    "WeakSet",
    "ChainMap",
}
SHARED_STATE_CALLS = {"Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event"}
CACHE_DECORATORS = {"cache", "lru_cache", "cached", "cachedmethod"}
MUTATING_METHODS = {
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "pop",
    "popitem",
    "clear",
    "setdefault",
    "remove",
    "discard",
    "__setitem__",
}


def _callee(node: ast.expr) -> str | None:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _kind_of_value(value: ast.expr | None) -> str | None:
    """'container', 'shared' (a lock or a cache object) or None for anything else."""
    if isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
        return "container"
    name = _callee(value) if isinstance(value, ast.Call) else None
    if name is None:
        return None
    if name in SHARED_STATE_CALLS or name.endswith(("Cache", "Memo")):
        return "shared"
    if name in MUTABLE_CALLS:
        return "container"
    return None


def _bound(body: list[ast.stmt]) -> list[tuple[str, ast.expr | None, int]]:
    """Names bound by the statements of a module or class body (descending into module-level
    ``if``/``try`` blocks, which still run once per process)."""
    out: list[tuple[str, ast.expr | None, int]] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out.append((target.id, stmt.value, stmt.lineno))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            out.append((stmt.target.id, stmt.value, stmt.lineno))
        elif isinstance(stmt, ast.If | ast.Try):
            nested = [*stmt.body, *stmt.orelse]
            if isinstance(stmt, ast.Try):
                nested += [*stmt.finalbody, *(s for h in stmt.handlers for s in h.body)]
            out.extend(_bound(nested))
    return out


def _mutated(tree: ast.AST) -> set[str]:
    """Names the code mutates in place: ``N[k] = …``, ``del N[k]``, ``N |= …``, ``N.add(…)``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                names.add(target.value.id)
            elif isinstance(node, ast.AugAssign) and isinstance(target, ast.Name):
                names.add(target.id)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATING_METHODS
            and isinstance(node.func.value, ast.Name)
        ):
            names.add(node.func.value.id)
    return names


def _decorator_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def findings(module: Module) -> list[str]:
    tree = module.tree
    out: list[str] = []
    mutated = _mutated(tree)
    scopes: list[tuple[str, list[ast.stmt]]] = [("module", tree.body)]
    scopes += [
        (f"class {node.name}", node.body)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]
    for scope, body in scopes:
        for name, value, line in _bound(body):
            if name.startswith("__") and name.endswith("__"):
                continue  # __slots__, __all__, __table_args__: declarations, not state
            kind = _kind_of_value(value)
            if kind == "shared":
                out.append(f"{module.where}:{line}: {scope}-level {name} is a lock or a cache")
            elif kind == "container" and (not name.lstrip("_").isupper() or name in mutated):
                what = "is mutated" if name in mutated else "is not a CONSTANT"
                out.append(f"{module.where}:{line}: {scope}-level container {name} {what}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            out.append(f"{module.where}:{node.lineno}: global {', '.join(node.names)}")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                if _decorator_name(deco) in CACHE_DECORATORS:
                    out.append(
                        f"{module.where}:{node.lineno}: {node.name} is memoised process-wide"
                    )
    return out


# Findings accepted, each with its reason. Keep it short: a new entry needs as good a reason.
ACCEPTED = {
    "services/passwords.py": "the argon2 hasher is chosen once per process before anything runs "
    "(the test process swaps in a cheap one at start, tests/conftest.py); nothing changes it "
    "while the app serves, and it remembers nothing",
}


def test_no_module_level_mutable_state():
    found = [
        line for module in modules() if module.where not in ACCEPTED for line in findings(module)
    ]
    assert found == [], "module-level mutable state (give it to the runtime):\n" + "\n".join(found)


def _sample(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "sample.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return findings(read_module(path, tmp_path))


def test_the_check_catches_each_kind_of_state(tmp_path):
    found = _sample(
        tmp_path,
        """
        import functools, threading, weakref
        from collections import defaultdict
        _cache: dict[int, str] = {}
        observers = []
        _LOCK = threading.Lock()
        _engines = weakref.WeakKeyDictionary()
        _BY_VALUE = {}
        _documents = _Memo(4096)
        by_kind = defaultdict(list)
        class Registry:
            known = {}
        @functools.lru_cache
        def parsed(x): return x
        @functools.cache
        def builder(): return 1
        def remember(k, v):
            global _last
            _BY_VALUE[k] = v
        """,
    )
    expected = [
        "_cache",
        "observers",
        "_LOCK",
        "_engines",
        "_BY_VALUE",
        "_documents",
        "by_kind",
        "known",
        "parsed",
        "builder",
        "global _last",
    ]
    for name in expected:
        assert any(name in line for line in found), (name, found)
    assert len(found) == len(expected), found


def test_the_check_lets_constants_and_declarations_be(tmp_path):
    assert (
        _sample(
            tmp_path,
            """
            from pydantic import ConfigDict
            LEVELS = {"a": 1}
            _KIND_CODE = {1: 2}
            NAMES = ("x", "y")
            __all__ = ["f"]
            class Model:
                __slots__ = ("a",)
                model_config = ConfigDict(extra="forbid")
                def __init__(self):
                    self.seen = {}
            def f(x):
                local = {}
                local[x] = LEVELS.get(x)
                return local
            """,
        )
        == []
    )
