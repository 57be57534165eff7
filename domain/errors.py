"""Domain errors: one exception family with a stable ``kind`` and a list of problems.

WHY: the API turns every domain failure into an RFC 9457 problem document. The API needs
a stable machine-readable ``kind`` (it becomes the problem ``type``) and *every* problem at
once, because SPEC §3 says submitting "answers with the complete list of what is missing"
and framework validation must name every broken rule, not only the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self


class DomainError(Exception):
    """Base of every error raised by ``domain``.

    ``problems`` is a list of dicts, each with at least ``rule`` and ``message`` and
    optionally ``indicator_no`` / ``field`` and other rule-specific keys.
    """

    kind: ClassVar[str] = "domain_error"

    def __init__(self, message: str, problems: Iterable[Mapping[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message: str = message
        self.problems: list[dict[str, Any]] = [dict(p) for p in (problems or ())]

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``kind``, ``message``, ``problems``)."""
        return {"kind": self.kind, "message": self.message, "problems": list(self.problems)}

    @classmethod
    def from_problems(cls, summary: str, problems: Iterable[Mapping[str, Any]]) -> Self:
        """Build an error whose message names every problem (``summary: a; b; c``)."""
        items = [dict(p) for p in problems]
        text = "; ".join(str(p.get("message", p.get("rule", ""))) for p in items)
        message = f"{summary}: {text}" if text else summary
        return cls(message, items)


class FrameworkInvalid(DomainError):
    """A framework definition breaks one or more rules (SPEC §2 "Framework")."""

    kind: ClassVar[str] = "framework_invalid"


class ValueInvalid(DomainError):
    """An indicator value (or other caller input) is malformed or out of range."""

    kind: ClassVar[str] = "value_invalid"


class UnknownIndicator(ValueInvalid, KeyError):
    """An indicator number the framework does not define.

    Also a ``KeyError`` so that ``framework.indicator(no)`` behaves like a lookup.
    """


class UnknownRound(ValueInvalid, KeyError):
    """A monitoring round (months) the framework does not define."""


class TransitionNotAllowed(DomainError):
    """A report workflow action that the state or the role does not permit (SPEC §3)."""

    kind: ClassVar[str] = "transition_not_allowed"


class RequirementsUnmet(DomainError):
    """A submission that misses what the round requires (SPEC §3 "Submitting checks...")."""

    kind: ClassVar[str] = "requirements_unmet"
