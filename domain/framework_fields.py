"""Reading a framework's JSON: typed field access that records problems instead of raising.

WHY: ``Framework.from_dict`` raises ONE ``FrameworkInvalid`` naming EVERY broken rule, so an
administrator fixes a framework in one go (the brief for the API). Each reader therefore
notes what is wrong with a field in a shared :class:`Problems` and carries on with ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from domain.numbers import NotADecimal, shown, to_decimal

E = TypeVar("E", bound=Enum)


class Problems:
    """Collects problems; each is ``{"rule", "message", ...}``."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, rule: str, message: str, **extra: Any) -> None:
        item: dict[str, Any] = {"rule": rule, "message": message}
        item.update({k: v for k, v in extra.items() if v is not None})
        self.items.append(item)


class FieldReader:
    """Typed field access on one JSON object, recording problems instead of raising."""

    def __init__(
        self,
        problems: Problems,
        obj: Mapping[str, Any],
        where: str,
        indicator_no: int | None = None,
    ) -> None:
        self.p = problems
        self.obj = obj
        self.where = where
        self.indicator_no = indicator_no

    def field_name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def bad(self, key: str, message: str, rule: str = "field_invalid") -> None:
        self.p.add(
            rule,
            f"{self.field_name(key)}: {message}",
            field=self.field_name(key),
            indicator_no=self.indicator_no,
        )

    def present(self, key: str) -> bool:
        return key in self.obj and self.obj[key] is not None

    def text(self, key: str, *, required: bool = True, default: str = "") -> str | None:
        if not self.present(key):
            if required:
                self.bad(key, "is required", "field_missing")
                return None
            return default
        value = self.obj[key]
        if not isinstance(value, str) or (required and not value.strip()):
            self.bad(key, "must be a non-empty string" if required else "must be a string")
            return None
        return value

    def integer(self, key: str, *, required: bool = True, default: int = 0) -> int | None:
        if not self.present(key):
            if required:
                self.bad(key, "is required", "field_missing")
                return None
            return default
        value = self.obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(key, f"must be a whole number, not “{shown(value)}”")
            return None
        return value

    def boolean(self, key: str, *, default: bool = False) -> bool | None:
        if not self.present(key):
            return default
        value = self.obj[key]
        if not isinstance(value, bool):
            self.bad(key, f"must be true or false, not “{shown(value)}”")
            return None
        return value

    def decimal(
        self, key: str, *, required: bool = True, default: Decimal | None = None
    ) -> Decimal | None:
        if not self.present(key):
            if required:
                self.bad(key, "is required", "field_missing")
            return default
        try:
            return to_decimal(self.obj[key])
        except NotADecimal as exc:
            self.bad(key, str(exc))
            return None

    def enum(
        self,
        key: str,
        enum_type: type[E],
        rule: str,
        *,
        required: bool = True,
        default: E | None = None,
    ) -> E | None:
        if not self.present(key):
            if required:
                self.bad(key, "is required", "field_missing")
            return default
        raw = self.obj[key]
        try:
            return enum_type(raw)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum_type)
            self.bad(key, f"“{shown(raw)}” is not one of {allowed}", rule)
            return None

    def objects(self, key: str, *, required: bool = True) -> list[Mapping[str, Any]]:
        if not self.present(key):
            if required:
                self.bad(key, "is required", "field_missing")
            return []
        value = self.obj[key]
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            self.bad(key, "must be a list")
            return []
        good: list[Mapping[str, Any]] = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                good.append(item)
            else:
                self.p.add(
                    "field_invalid",
                    f"{self.field_name(key)}[{i}]: must be an object",
                    field=f"{self.field_name(key)}[{i}]",
                )
        return good
