"""The compiled form of a framework: reached through ``compiled(framework)`` only, built once
per framework object and kept with it, never part of the framework's value."""

from __future__ import annotations

import copy
import pickle
from dataclasses import replace
from decimal import Decimal

from domain.compiled import CompiledFramework, compiled
from domain.framework import DEFAULT_FRAMEWORK, Framework, default_framework
from domain.scoring import evaluate
from domain.values import IndicatorValue


def _fresh() -> Framework:
    return Framework.from_dict(default_framework().to_dict())


def test_compiled_once_per_framework_object() -> None:
    fw = _fresh()
    assert fw.compiled_memo is None
    first = compiled(fw)
    assert isinstance(first, CompiledFramework)
    assert compiled(fw) is first
    assert fw.compiled_memo is first
    assert first.framework is fw


def test_the_memo_is_not_part_of_the_value() -> None:
    a, b = _fresh(), _fresh()
    compiled(a)
    assert a == b
    assert hash(a) == hash(b)
    assert "compiled_memo" not in repr(a)
    assert "compiled_memo" not in a.to_dict()


def test_copies_and_pickles_leave_the_memo_behind() -> None:
    fw = _fresh()
    comp = compiled(fw)
    for other in (copy.copy(fw), copy.deepcopy(fw), pickle.loads(pickle.dumps(fw))):
        assert other == fw
        assert other.compiled_memo is None
        assert compiled(other) is not comp
    changed = replace(fw, below_level1_score=Decimal(0))
    assert changed.compiled_memo is None
    values = {1: IndicatorValue(1, value=Decimal("50"))}
    assert evaluate(changed, values).indicator(1).score == Decimal("0.0000")
    assert evaluate(fw, values).indicator(1).score == Decimal("1.0000")


def test_the_default_framework_is_one_constant() -> None:
    assert default_framework() is DEFAULT_FRAMEWORK
    assert default_framework() is default_framework()
