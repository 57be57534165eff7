"""What a unit must have before it may submit a round's report.

WHY (SPEC §3): "Submitting checks the round's requirements (all unit-supplied values,
narrative where required, the minimum evidence per indicator, the working-group order at 12
months) and answers with the complete list of what is missing." SPEC §1: at 12 months units
send Forms 1–2 for indicators 1–10 "with at least 2 evidence documents per indicator" and "the
order appointing the unit's working group"; indicators 1, 2, 5 and 10 are collected from the
central providers, so their *values* are not the unit's to supply.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import RequirementsUnmet
from domain.framework import UNIT_SOURCE, Framework
from domain.messages import COMPARISON_WORDS, problem
from domain.numbers import canonical_text
from domain.values import IndicatorValue, implausible, number_of

RULE_VALUE_MISSING = "value_missing"
RULE_NARRATIVE_MISSING = "narrative_missing"
RULE_EVIDENCE_SHORT = "evidence_short"
RULE_ORDER_MISSING = "working_group_order_missing"
RULE_STORED_IMPLAUSIBLE = "stored_value_implausible"
RULE_VALUE_RULE = "value_rule_unmet"


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What the unit's report holds for one indicator (the layers above count it)."""

    has_value: bool
    has_narrative: bool
    evidence_count: int


_NOTHING = EntryFacts(has_value=False, has_narrative=False, evidence_count=0)


def check_submission(
    framework: Framework,
    months: int,
    entries: Mapping[int, EntryFacts],
    has_working_group_order: bool,
    not_applicable: Collection[int] = (),
    values: Mapping[int, IndicatorValue] | None = None,
) -> list[dict[str, Any]]:
    """Every shortfall of a submission at once (an empty list means it may be submitted).

    For each indicator the round expects (``reported_indicators``) and that is not marked not
    applicable:

    - ``value_missing`` when the unit supplies the value (source ``"unit"``) and has none;
    - ``narrative_missing`` when it has no performance narrative (every reported indicator);
    - ``evidence_short`` when it has fewer evidence files than ``min_evidence_per_indicator``;

    and ``working_group_order_missing`` when the round requires the order and it is absent.
    Given the report's ``values`` (the unit's and the central ones that count), also
    ``stored_value_implausible`` for a value outside its indicator's plausible range (stored
    before the range existed) and ``value_rule_unmet`` for each cross-indicator rule of the
    framework that both values present break. Raises :class:`domain.errors.UnknownRound`
    when the framework has no such round.
    """
    requirement = framework.requirement(months)
    skip = set(not_applicable)
    sources = {ind.indicator_no: ind.source for ind in framework.indicators}
    minimum = requirement.min_evidence_per_indicator
    problems: list[dict[str, Any]] = []
    for no in requirement.reported_indicators:
        if no in skip:
            continue
        facts = entries.get(no, _NOTHING)
        if sources.get(no) == UNIT_SOURCE and not facts.has_value:
            problems.append(
                {
                    "rule": RULE_VALUE_MISSING,
                    "indicator_no": no,
                    "message": f"indicator {no}: the value (or steps) is missing",
                }
            )
        if not facts.has_narrative:
            problems.append(
                {
                    "rule": RULE_NARRATIVE_MISSING,
                    "indicator_no": no,
                    "message": (
                        f"indicator {no}: the performance narrative (ผลการดำเนินงาน) is missing"
                    ),
                }
            )
        if facts.evidence_count < minimum:
            problems.append(
                {
                    "rule": RULE_EVIDENCE_SHORT,
                    "indicator_no": no,
                    "required": minimum,
                    "actual": facts.evidence_count,
                    "message": (
                        f"indicator {no}: {facts.evidence_count} evidence document(s), "
                        f"at least {minimum} required"
                    ),
                }
            )
    if values is not None:
        problems.extend(_value_problems(framework, requirement.reported_indicators, skip, values))
    if requirement.working_group_order_required and not has_working_group_order:
        problems.append(
            {
                "rule": RULE_ORDER_MISSING,
                "message": (
                    "the order appointing the unit's working group (คำสั่งแต่งตั้งคณะทำงาน) is missing"
                ),
            }
        )
    return problems


def _value_problems(
    framework: Framework,
    reported: Collection[int],
    skip: Collection[int],
    values: Mapping[int, IndicatorValue],
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for ind in framework.indicators:
        iv = values.get(ind.indicator_no)
        if ind.indicator_no in skip or ind.indicator_no not in reported or iv is None:
            continue
        if implausible(ind, iv) is not None:
            number = number_of(iv)
            low, high = ind.lower, ind.upper
            shown_range = (
                f"{'' if low is None else canonical_text(low)}–"
                f"{'' if high is None else canonical_text(high)}"
            )
            out.append(
                problem(
                    RULE_STORED_IMPLAUSIBLE,
                    indicator_no=ind.indicator_no,
                    value=None if number is None else canonical_text(number),
                    range=shown_range,
                )
            )
    for rule in framework.value_rules:
        if rule.left in skip or rule.right in skip:
            continue
        left, right = values.get(rule.left), values.get(rule.right)
        a = None if left is None else number_of(left)
        b = None if right is None else number_of(right)
        if a is None or b is None or rule.comparison.holds(a, b):
            continue
        words = COMPARISON_WORDS[rule.comparison.value]
        out.append(
            problem(
                RULE_VALUE_RULE,
                indicator_no=rule.left,
                left=rule.left,
                right=rule.right,
                left_value=canonical_text(a),
                right_value=canonical_text(b),
                comparison=words[0],
                comparison_th=words[1],
            )
        )
    return out


def require_submission(
    framework: Framework,
    months: int,
    entries: Mapping[int, EntryFacts],
    has_working_group_order: bool,
    not_applicable: Collection[int] = (),
) -> None:
    """Raise one :class:`RequirementsUnmet` listing every shortfall, if there is any."""
    problems = check_submission(framework, months, entries, has_working_group_order, not_applicable)
    if problems:
        raise RequirementsUnmet.from_problems(
            f"the {months}-month report cannot be submitted", problems
        )
