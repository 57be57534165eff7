"""What-if scoring for a caller: the right checked here, the scoring in ``services.scores``.

Why a module of its own: ``services.scores.simulate`` is the scoring (framework and values in, a
score document out) and knows nothing of callers; the route's early refusal
(``api.routing.before_body``) is only a first look, and this is where the rule is kept.
"""

from __future__ import annotations

from typing import Any

from persistence.unit_of_work import UnitOfWork
from services import scores
from services.access import require_reference_reader
from services.principal import Principal


def simulate(uow: UnitOfWork, actor: Principal, **given: Any) -> dict[str, Any]:
    """``services.scores.simulate`` for ``actor``: every role that reads reference data."""
    require_reference_reader(actor)
    return scores.simulate(uow, **given)
