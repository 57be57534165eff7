"""Every sentence an error shows a person, in English and Thai, keyed by a stable code.

WHY: officers work in Thai and integrators read English; the code never changes, the words
follow the caller's ``Accept-Language``. The translations are data in this one package
(``rules.py``, ``requests.py``, ``admin.py``, ``transfers.py``, ``sign_in.py``,
``webhooks.py``, ``reports.py``, ``titles.py``): a code
added anywhere must be added here with both languages (tests/api/test_problem_catalogue.py
fails otherwise). Templates name their parameters (``{indicator_no}``), which are the members
of the error item itself, so an ``errors[]`` entry carries what its sentence says.

Nothing here is a rule of the standard; the domain holds it because the domain's own errors
(values, frameworks, submissions) are the first to need it and everything above may import
the domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Any

from domain.messages.admin import ADMIN
from domain.messages.reports import REPORTS, STATE_WORDS
from domain.messages.requests import REQUESTS
from domain.messages.rules import RULES
from domain.messages.sign_in import SIGN_IN
from domain.messages.titles import TITLES
from domain.messages.transfers import TRANSFERS
from domain.messages.webhooks import WEBHOOKS

LANGUAGES = ("en", "th")

MESSAGES: dict[str, dict[str, str]] = (
    RULES | REQUESTS | ADMIN | TRANSFERS | SIGN_IN | WEBHOOKS | REPORTS
)
"""Every sentence by its code; a code defined twice is a mistake (the tests say so)."""

THEMES: tuple[dict[str, dict[str, str]], ...] = (
    RULES,
    REQUESTS,
    ADMIN,
    TRANSFERS,
    SIGN_IN,
    WEBHOOKS,
    REPORTS,
)
"""The modules' catalogues, each a theme; MESSAGES is their union."""

__all__ = [
    "COMPARISON_WORDS",
    "LANGUAGES",
    "MESSAGES",
    "STATE_WORDS",
    "THEMES",
    "TITLES",
    "problem",
    "render",
]

COMPARISON_WORDS: dict[str, tuple[str, str]] = {
    "<": ("less than", "น้อยกว่า"),
    "<=": ("at most", "ไม่มากกว่า"),
    ">": ("more than", "มากกว่า"),
    ">=": ("at least", "ไม่น้อยกว่า"),
}
"""How a cross-indicator comparison reads in a sentence, in English and Thai."""


class _Params(dict[str, Any]):
    """Template parameters; a parameter a caller did not give reads as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def render(
    code: str, language: str, params: Mapping[str, Any], *, complete: bool = False
) -> str | None:
    """The sentence of ``code`` in ``language`` (``en`` or ``th``), or None for an unknown code
    (with ``complete``, also when ``params`` lack one of the sentence's parameters: an item
    raised with words of its own under a code this catalogue words differently keeps them)."""
    texts = MESSAGES.get(code)
    if texts is None:
        return None
    template = texts.get(language) or texts["en"]
    if complete:
        names = {n for _, n, _, _ in Formatter().parse(template) if n}
        if not names <= set(params):
            return None
    return template.format_map(_Params(params))


def problem(code: str, **members: Any) -> dict[str, Any]:
    """An ``errors[]`` item: its ``code`` (also as the older ``rule``), its members and its
    English sentence. ``None`` members are left out."""
    item: dict[str, Any] = {"rule": code, "code": code}
    item.update({k: v for k, v in members.items() if v is not None})
    item["message"] = render(code, "en", item) or code.replace("_", " ")
    return item
