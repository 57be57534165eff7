"""The assessment framework: dimensions, indicators, round requirements, level rules, policies.

WHY (SPEC §2 "Framework"): "A versioned, immutable-once-used definition: dimensions (code,
Thai and English name, weight), indicators (number, code, names, dimension, relative weight
inside the dimension — default equal, unit of measure, kind, source), per-round requirements
..., level rules and scoring policies. A fiscal year pins one framework version; changing
rules means a new version, never silent re-scoring of old years." Hence every type here is a
frozen dataclass, and the only way in from outside data is :meth:`Framework.from_dict`, which
validates everything at once (:mod:`domain.framework_reading`). The parts live in
:mod:`domain.framework_parts` and are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from importlib import resources
from typing import Any

from domain.errors import FrameworkInvalid, UnknownIndicator, UnknownRound
from domain.framework_parts import (
    MAX_STEPS,
    UNIT_SOURCE,
    Comparison,
    Dimension,
    Direction,
    Indicator,
    IndicatorKind,
    LevelRule,
    MissingValuePolicy,
    OverallBasis,
    Provider,
    RoundRequirement,
    ValueRule,
)
from domain.framework_reading import read_framework
from domain.numbers import decimal_text

__all__ = [
    "DEFAULT_FRAMEWORK",
    "DEFAULT_FRAMEWORK_RESOURCE",
    "MAX_STEPS",
    "UNIT_SOURCE",
    "Comparison",
    "Dimension",
    "Direction",
    "Framework",
    "Indicator",
    "IndicatorKind",
    "LevelRule",
    "MissingValuePolicy",
    "OverallBasis",
    "Provider",
    "RoundRequirement",
    "ValueRule",
    "default_framework",
]

DEFAULT_FRAMEWORK_RESOURCE = "default_framework.json"


@dataclass(frozen=True)
class Framework:
    """A complete, immutable framework version.

    ``compiled_memo`` is not part of the framework's value: :func:`domain.compiled.compiled`
    sets it once to the pre-computed scoring tables (frameworks are immutable, so they never go
    stale) and is the only reader. It takes no part in equality, hashing, ``repr``, ``__init__``,
    ``to_dict`` or pickling, and ``dataclasses.replace`` starts the copy without it.
    """

    code: str
    version: int
    name_th: str
    name_en: str
    providers: tuple[Provider, ...]
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    rounds: tuple[RoundRequirement, ...]
    levels: tuple[LevelRule, ...]
    below_level1_score: Decimal = Decimal(1)
    missing_value_policy: MissingValuePolicy = MissingValuePolicy.INCOMPLETE
    missing_score_as: Decimal | None = None
    overall_basis: OverallBasis = OverallBasis.WEIGHTED
    note: str = ""
    value_rules: tuple[ValueRule, ...] = ()
    compiled_memo: object = field(default=None, init=False, compare=False, repr=False)
    """Set by :func:`domain.compiled.compiled` only; read it through that function."""

    def __getstate__(self) -> dict[str, Any]:
        """Pickle/copy the framework's value, never the memo of its compiled scoring tables."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.compare}

    def indicator(self, no: int) -> Indicator:
        """The indicator numbered ``no``; raises :class:`UnknownIndicator` (a ``KeyError``)."""
        for ind in self.indicators:
            if ind.indicator_no == no:
                return ind
        raise UnknownIndicator(
            f"indicator {no} is not defined in framework {self.code} v{self.version}",
            [
                {
                    "rule": "unknown_indicator",
                    "message": f"unknown indicator {no}",
                    "indicator_no": no,
                }
            ],
        )

    def requirement(self, months: int) -> RoundRequirement:
        """The requirement of the ``months`` round; raises :class:`UnknownRound`."""
        for req in self.rounds:
            if req.months == months:
                return req
        raise UnknownRound(
            f"framework {self.code} v{self.version} has no {months}-month round",
            [{"rule": "unknown_round", "message": f"unknown round {months}", "field": "months"}],
        )

    def dimension(self, code: str) -> Dimension:
        """The dimension with ``code``; raises ``KeyError``."""
        for dim in self.dimensions:
            if dim.code == code:
                return dim
        raise KeyError(code)

    def level(self, code: str) -> LevelRule:
        """The level rule with ``code``; raises ``KeyError``."""
        for rule in self.levels:
            if rule.code == code:
                return rule
        raise KeyError(code)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Framework:
        """Parse and validate; raise ONE :class:`FrameworkInvalid` naming every broken rule."""
        return cls(**read_framework(d))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (decimals as strings, enums as their values);
        ``Framework.from_dict(f.to_dict()) == f``."""
        return {
            "code": self.code,
            "version": self.version,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "note": self.note,
            "providers": [
                {"code": pv.code, "name_th": pv.name_th, "name_en": pv.name_en}
                for pv in self.providers
            ],
            "dimensions": [
                {
                    "code": dm.code,
                    "name_th": dm.name_th,
                    "name_en": dm.name_en,
                    "weight": decimal_text(dm.weight),
                }
                for dm in self.dimensions
            ],
            "indicators": [_indicator_dict(ind) for ind in self.indicators],
            "rounds": [
                {
                    "months": rq.months,
                    "reported_indicators": list(rq.reported_indicators),
                    "min_evidence_per_indicator": rq.min_evidence_per_indicator,
                    "working_group_order_required": rq.working_group_order_required,
                }
                for rq in self.rounds
            ],
            "levels": [
                {
                    "code": lv.code,
                    "name_th": lv.name_th,
                    "name_en": lv.name_en,
                    "min_each": _text(lv.min_each),
                    "min_overall": _text(lv.min_overall),
                }
                for lv in self.levels
            ],
            "below_level1_score": decimal_text(self.below_level1_score),
            "missing_value_policy": self.missing_value_policy.value,
            "missing_score_as": _text(self.missing_score_as),
            "overall_basis": self.overall_basis.value,
            "value_rules": [
                {"left": vr.left, "comparison": vr.comparison.value, "right": vr.right}
                for vr in self.value_rules
            ],
        }

    def problems(self) -> list[dict[str, Any]]:
        """Every rule this framework breaks (empty when valid).

        Useful for frameworks built directly with the constructor, which does not validate.
        """
        try:
            read_framework(self.to_dict())
        except FrameworkInvalid as exc:
            return exc.problems
        return []


def _text(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    """One indicator as ``Framework.to_dict`` writes it (``min``/``max`` for the range)."""
    return {
        "indicator_no": ind.indicator_no,
        "code": ind.code,
        "name_th": ind.name_th,
        "name_en": ind.name_en,
        "dimension": ind.dimension,
        "kind": ind.kind.value,
        "direction": None if ind.direction is None else ind.direction.value,
        "criteria": None if ind.criteria is None else [decimal_text(c) for c in ind.criteria],
        "unit": ind.unit,
        "source": ind.source,
        "relative_weight": decimal_text(ind.relative_weight),
        "value_decimals": ind.value_decimals,
        "min": _text(ind.min_value),
        "max": _text(ind.max_value),
    }


DEFAULT_FRAMEWORK = Framework.from_dict(
    json.loads(
        resources.files("domain")
        .joinpath("data")
        .joinpath(DEFAULT_FRAMEWORK_RESOURCE)
        .read_text(encoding="utf-8")
    )
)
"""The shipped default framework ``sqs-default`` v1 (package data, parsed once at import).

WHY: SPEC §1 "the shipped default framework uses clearly labelled typical indicators of
Thai service units ... and every one of them is data, editable by an administrator."
"""


def default_framework() -> Framework:
    """The shipped default framework, :data:`DEFAULT_FRAMEWORK`."""
    return DEFAULT_FRAMEWORK
