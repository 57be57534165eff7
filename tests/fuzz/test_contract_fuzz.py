"""Contract fuzzing: schemathesis drives the app in-process, as every role, with every check.

The committed OpenAPI document (kept equal to the app's by the drift test) is the contract.
Each operation is fuzzed as each role of ``tests/fuzz/world.py`` with schemathesis' default
checks, all enabled: not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance, response_headers_conformance, positive_data_acceptance,
negative_data_rejection, missing_required_header, ignored_auth, unsupported_method,
allow_header_conformance, object_level_authorization, and, in the stateful test (which has
the history they need), use_after_free and ensure_resource_availability.
object_level_authorization compares peer identities declared to schemathesis; none are, so it
has nothing to compare: that one unit never sees another's report is the permission matrix's
job (tests/api/test_permission_matrix.py, every operation as own and other unit).

Generation is seeded and derandomized, so a run is repeatable. As admin every phase runs
(explicit examples, the coverage phase's boundary and negative cases, then ``MAX_EXAMPLES``
fuzzed cases); the other roles get the examples and the fuzzed cases. The coverage phase is
left out for them because what it probes, request validation, runs before any role rule and
answers the same for every caller, and it is four fifths of the requests.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.openapi.checks import RejectedPositiveData, UseAfterFree

from api.errors import PROBLEM_TYPE_PREFIX
from tests.fuzz.conftest import Target
from tests.fuzz.world import ROLES

pytestmark = pytest.mark.slow

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
MAX_EXAMPLES = 20
STATEFUL_EXAMPLES = 20
SEED = 2558

# positive_data_acceptance expects a schema-valid request to succeed. These refusals come from
# rules no JSON schema can state (they depend on stored data, on other fields or on the
# request's history) and are answered with their own documented problem type; a schema-level
# refusal (``validation_error``) of schema-valid data, or any other kind, still fails the run.
RULE_REFUSALS = {
    "central_values_invalid": "a unit code or indicator that does not exist",
    "cursor_invalid": "a page cursor this API did not issue",
    "evidence_extension_mismatch": "a file whose name's extension is not its content's",
    "evidence_type_mismatch": "a file whose content is not what its declared type says",
    "evidence_type_not_allowed": "a file whose bytes are of no accepted type",
    "framework_invalid": "weights that do not add up, criteria out of order",
    "idempotency_key_reused": "the same Idempotency-Key sent earlier with another body",
    "invalid_client": "OAuth: unknown client credentials",
    "invalid_grant": "OAuth: wrong password or refresh token",
    "invalid_request": "OAuth: a parameter the grant type needs is missing",
    "precondition_failed": "an If-Match that is not the report's current ETag",
    "requirements_unmet": "a report submitted before its values and evidence are complete",
    "sync_conflict": "updated_since with a sort, a total or CSV (it pages in the order of change)",
    "unsupported_grant_type": "OAuth: a grant type the server does not offer",
    "value_invalid": "steps for a quantitative indicator, a value out of range",
    "webhook_inactive": "retrying a delivery of an endpoint switched off",
    "webhook_url_refused": "a webhook host that does not resolve or is private",
    "wrong_current_password": "changing a password without knowing the current one",
}


# ``unprocessable`` is the service rules' generic kind, so it is named per operation: the rule
# each of these operations applies that no schema can state. Anywhere else it fails the run.
UNPROCESSABLE_RULES = {
    "POST /api/v1/score-simulations": "exactly one of framework_id and framework",
    "PUT /api/v1/rounds/{round_id}/units/{unit_code}/report/indicators/{indicator_no}": (
        "an indicator_no in the body that is not the path's"
    ),
    "PUT /api/v1/fiscal-years/{year_be}/reward-rates": "a level given twice",
    "PUT /api/v1/rounds/{round_id}/units/{unit_code}/report": "an indicator given twice",
    "PUT /api/v1/rounds/{round_id}/deadline": "a deadline before the round's period ends",
    "PUT /api/v1/rounds/{round_id}/central-values": "a CSV header without unit_code, indicator_no",
    "POST /api/v1/fiscal-years": "a framework that does not exist",
    "POST /api/v1/users": "what the role binds (a unit officer's unit, a provider's code, an "
    "inspector's units), units or providers that do not exist, and an e-mail address's syntax",
    "PATCH /api/v1/users/{user_id}": "the same, for a changed role, binding or address",
    "PATCH /api/v1/me": "an e-mail address's syntax (email-validator's, more than a pattern)",
    "POST /api/v1/clients": "the same, for a portal client",
}
# negative_data_rejection's statuses for a refused request (schemathesis's list) and 412: a
# report's ``If-Match`` is a precondition, evaluated before the body is processed (RFC 9110
# §13.2.1), so a stale ETag is refused with 412 whatever the body holds.
NEGATIVE_DATA_REFUSALS = [
    "400",
    "401",
    "403",
    "404",
    "405",
    "406",
    "409",
    "412",
    "415",
    "422",
    "428",
    "429",
    "5xx",
]
# use_after_free expects a deleted resource to answer 404. A deleted webhook endpoint stays
# readable, inactive, so that its delivery history can still be read (tests/api/test_webhooks).
KEPT_AFTER_DELETE = ("DELETE /api/v1/webhooks/",)


def _load(*, coverage: bool) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "base-url": "http://testserver",
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",  # a run never replays another run's examples
                # Every request carries the role's real token (see _call); requests without
                # it or with a forged one are ignored_auth's probes, not generated data.
                "with-security-parameters": False,
            },
            "phases": {"coverage": {"enabled": coverage}},
            "checks": {"negative_data_rejection": {"expected-statuses": NEGATIVE_DATA_REFUSALS}},
        }
    )
    loaded = schemathesis.openapi.from_path(OPENAPI, config=config)
    loaded.hook(filter_failure)
    return loaded


def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but a positive_data_acceptance one answered by a named rule, and a
    use_after_free one about a resource kept on purpose."""
    if isinstance(failure, UseAfterFree):
        return not str(failure.free).startswith(KEPT_AFTER_DELETE)
    if not isinstance(failure, RejectedPositiveData):
        return True
    try:
        kind = str(response.json().get("type", "")).removeprefix(PROBLEM_TYPE_PREFIX)
    except ValueError:
        return True
    if kind == "unprocessable":
        return case.operation.label not in UNPROCESSABLE_RULES
    return kind not in RULE_REFUSALS


every_phase = _load(coverage=True)
without_coverage = _load(coverage=False)


def _aim_at_real_objects(case: Any, target: Target) -> None:
    """Three in four cases whose path parameters are valid get those of real objects instead,
    so the request reaches past the 404 of an unknown id; the rest keep the generated values."""
    if not case.path_parameters:
        return
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH):
        return
    if zlib.crc32(repr(sorted(case.path_parameters.items())).encode()) % 4 == 0:
        return
    real = target.world.path_values(target.role)
    case.path_parameters = {name: real[name] for name in case.path_parameters}


def _call(case: Any, target: Target) -> None:
    # This role's app answers the case and the checks' probes (the schema came from a file).
    case.operation.app = case.operation.schema.app = target.app
    _aim_at_real_objects(case, target)
    case.call_and_validate(headers=target.headers)


@every_phase.parametrize()
@pytest.mark.parametrize("target", ["admin"], indirect=True)
def test_contract_as_admin(case: Any, target: Target) -> None:
    _call(case, target)


@without_coverage.parametrize()
@pytest.mark.parametrize("target", [r for r in ROLES if r != "admin"], indirect=True)
def test_contract_as_other_roles(case: Any, target: Target) -> None:
    _call(case, target)


@pytest.mark.parametrize("target", ["admin"], indirect=True)
def test_stateful_as_admin(target: Target) -> None:
    """Chains of calls linked by the ids they answer (create, read, delete, read again), as
    inferred from the document: use_after_free and ensure_resource_availability need this
    history and run here."""
    every_phase.app = target.app

    class Workflow(every_phase.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": target.headers}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                additional_checks=additional_checks,
                headers=target.headers,  # the caller's own credentials, as in _call
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=8,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
