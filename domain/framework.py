"""The assessment framework: dimensions, indicators, round requirements, level rules, policies.

WHY (SPEC §2 "Framework"): "A versioned, immutable-once-used definition: dimensions (code,
Thai and English name, weight), indicators (number, code, names, dimension, relative weight
inside the dimension — default equal, unit of measure, kind, source), per-round requirements
..., level rules and scoring policies. A fiscal year pins one framework version; changing
rules means a new version, never silent re-scoring of old years." Hence every type here is a
frozen dataclass, and the only way in from outside data is :meth:`Framework.from_dict`, which
validates everything at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from importlib import resources
from typing import Any

from domain.errors import UnknownIndicator, UnknownRound

UNIT_SOURCE = "unit"
"""Source of an indicator whose value the service unit reports itself."""

DEFAULT_FRAMEWORK_RESOURCE = "default_framework.json"

MAX_STEPS = 5
"""Milestone steps run 0..5 and a direct score 0..5 unless the framework narrows them."""


class IndicatorKind(str, Enum):  # noqa: UP042 - pinned interface: (str, Enum)
    """How an indicator's score is obtained (SPEC §2 "Indicator kinds and their score")."""

    QUANTITATIVE = "quantitative"
    MILESTONE = "milestone"
    DIRECT = "direct"


class Direction(str, Enum):  # noqa: UP042
    """Which way a quantitative indicator improves; must agree with the criteria order."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class MissingValuePolicy(str, Enum):  # noqa: UP042
    """What a closed round does with a value that never arrived (SPEC §2 "Missing data")."""

    INCOMPLETE = "incomplete"
    SCORE_AS = "score_as"


class OverallBasis(str, Enum):  # noqa: UP042
    """Which number the level rules' ``min_overall`` is compared against.

    SPEC §2: "Whether 'overall average' means the weighted overall (default) or the plain mean
    of indicator scores is a framework setting, because the seed does not say."
    """

    WEIGHTED = "weighted"
    PLAIN_MEAN = "plain_mean"


@dataclass(frozen=True, slots=True)
class Provider:
    """A central provider that supplies values for its indicators (e.g. BLSD, FIN)."""

    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Dimension:
    """A weighted dimension (มิติ); the weights of all dimensions sum to 100."""

    code: str
    name_th: str
    name_en: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator (ตัวชี้วัด) of one dimension.

    ``criteria`` are L1…L5 for ``quantitative`` indicators, ``None`` for the other kinds.
    ``source`` is ``"unit"`` or a provider code. ``value_decimals`` is the grid on which
    values are reported (a value with more decimals is refused); the gap computation rounds
    required values onto it.

    ``min_value`` / ``max_value`` (``min`` / ``max`` in the JSON form) are the plausible range
    of what is reported: a physical limit such as 0–100 for a percentage, not a scoring rule.
    WHY: a typo (150 %, -5 minutes) would otherwise be scored 5 and become a level and a
    reward. ``None`` is "no limit" for a quantitative value; steps and direct scores are always
    bounded (see :attr:`lower` and :attr:`upper`).
    """

    indicator_no: int
    code: str
    name_th: str
    name_en: str
    dimension: str
    kind: IndicatorKind
    direction: Direction | None
    criteria: tuple[Decimal, ...] | None
    unit: str
    source: str
    relative_weight: Decimal = Decimal(1)
    value_decimals: int = 2
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    @property
    def lower(self) -> Decimal | None:
        """The smallest value taken: the declared ``min``, else 0 for steps and scores."""
        if self.min_value is not None or self.kind is IndicatorKind.QUANTITATIVE:
            return self.min_value
        return Decimal(0)

    @property
    def upper(self) -> Decimal | None:
        """The largest value taken: the declared ``max``, else 5 for steps and scores."""
        if self.max_value is not None or self.kind is IndicatorKind.QUANTITATIVE:
            return self.max_value
        return Decimal(MAX_STEPS)


class Comparison(str, Enum):  # noqa: UP042
    """How a cross-indicator rule compares two reported values."""

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    def holds(self, left: Decimal, right: Decimal) -> bool:
        """True when ``left <op> right``."""
        if self is Comparison.LT:
            return left < right
        if self is Comparison.LE:
            return left <= right
        if self is Comparison.GT:
            return left > right
        return left >= right


@dataclass(frozen=True, slots=True)
class ValueRule:
    """A cross-indicator plausibility rule, e.g. indicator 3 ≤ indicator 1.

    WHY: some reported numbers bound each other (cases handled on time cannot exceed cases
    received). Checked on submit with the other unmet requirements; never a scoring rule.
    """

    left: int
    comparison: Comparison
    right: int


@dataclass(frozen=True, slots=True)
class RoundRequirement:
    """What units must send in the round of ``months`` (SPEC §1 reporting calendar)."""

    months: int
    reported_indicators: tuple[int, ...]
    min_evidence_per_indicator: int
    working_group_order_required: bool


@dataclass(frozen=True, slots=True)
class LevelRule:
    """A level of the standard: a minimum per indicator and/or a minimum overall.

    Rules are listed highest first; the first rule a unit satisfies is its level.
    """

    code: str
    name_th: str
    name_en: str
    min_each: Decimal | None
    min_overall: Decimal | None


@dataclass(frozen=True)
class Framework:
    """A complete, immutable framework version.

    Not ``slots``: :func:`domain.compiled.compile_framework` stores the pre-computed scoring
    tables in the instance ``__dict__`` (outside the dataclass fields, so equality, hashing
    and ``to_dict`` are unaffected) to make :func:`domain.scoring.evaluate` fast.
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

    def __getstate__(self) -> dict[str, Any]:
        """Pickle/copy only the fields, never the compiled scoring tables."""
        state = dict(self.__dict__)
        state.pop("_sqs_compiled", None)
        return state

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
        from domain.framework_io import framework_from_dict

        return framework_from_dict(d)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (decimals as strings); ``Framework.from_dict(f.to_dict()) == f``."""
        from domain.framework_io import framework_to_dict

        return framework_to_dict(self)

    def problems(self) -> list[dict[str, Any]]:
        """Every rule this framework breaks (empty when valid).

        Useful for frameworks built directly with the constructor, which does not validate.
        """
        from domain.errors import FrameworkInvalid
        from domain.framework_io import framework_from_dict, framework_to_dict

        try:
            framework_from_dict(framework_to_dict(self))
        except FrameworkInvalid as exc:
            return exc.problems
        return []


@lru_cache(maxsize=1)
def default_framework() -> Framework:
    """The shipped default framework ``sqs-default`` v1 (package data, parsed once).

    WHY: SPEC §1 "the shipped default framework uses clearly labelled typical indicators of
    Thai service units ... and every one of them is data, editable by an administrator."
    """
    text = (
        resources.files("domain")
        .joinpath("data")
        .joinpath(DEFAULT_FRAMEWORK_RESOURCE)
        .read_text(encoding="utf-8")
    )
    return Framework.from_dict(json.loads(text))
