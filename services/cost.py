"""A service's own word on its cost: ``@cheap`` marks a call short enough to run on the event loop.

Why the service says it and not its route: whether a call may block the event loop depends on
what the call does (one indexed row, or argon2, or a whole round), which the service knows and
the route only guesses. The runtime (``api.runtime``) reads the mark when it runs the call; on
SQLite a cheap call runs on the event loop (in-process, about a millisecond of CPU that a thread
hop would only stretch), every other call in a worker thread. Unmarked is the safe default: a
thread. Sign-in (argon2), exports, documents and uploads are never marked.

``when``: a predicate on the call's arguments (without the unit of work) for services whose
cost depends on them, such as a scoreboard page that is cheap when small and unfiltered.

``@export``: the other end, a whole-round export that runs in a worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

F = TypeVar("F", bound=Callable[..., Any])

MARK = "__sqs_cheap__"
EXPORT = "__sqs_export__"


def _always(*args: Any, **kwargs: Any) -> bool:
    return True


@overload
def cheap(service: F, *, when: None = None) -> F: ...


@overload
def cheap(service: None = None, *, when: Callable[..., bool]) -> Callable[[F], F]: ...


def cheap(service: F | None = None, *, when: Callable[..., bool] | None = None) -> Any:
    """``@cheap`` or ``@cheap(when=predicate)``: the call may run on the event loop."""

    def mark(fn: F) -> F:
        setattr(fn, MARK, when or _always)
        return fn

    return mark(service) if service is not None else mark


def export(service: F) -> F:
    """Marks a whole-round export (CSV, XLSX, the round summary PDF): seconds of pure Python
    work, run by the runtime in a worker process of its own, a few at a time
    (``api.export_limit``), never on the threads or the interpreter serving other requests.
    The service must be a module-level function: it travels to the worker by name."""
    setattr(service, EXPORT, True)
    return service


def is_export(service: Callable[..., Any]) -> bool:
    return bool(getattr(service, EXPORT, False))


def is_cheap(service: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """True when ``service`` is marked cheap for these arguments (the unit of work left out)."""
    predicate: Callable[..., bool] | None = getattr(service, MARK, None)
    return predicate is not None and bool(predicate(*args, **kwargs))
