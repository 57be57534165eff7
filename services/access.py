"""Who may do what: deny by default, role rules per action, object rules per unit.

Object rule answers are deliberately 404 for reports and scores of units a caller may not
see: the caller learns nothing about whether such a report exists (SPEC §4).
"""

from __future__ import annotations

from services.errors import Forbidden, NotFound
from services.principal import Principal

REFERENCE_READERS = frozenset({"admin", "unit_officer", "central_provider", "inspector", "viewer"})


def require_role(p: Principal, *roles: str) -> None:
    if p.role not in roles:
        raise Forbidden(code="role_may_not", params={"role": p.role})


def require_write(p: Principal) -> None:
    """A read-only personal API token may never write, whatever its owner's role."""
    if p.read_only:
        raise Forbidden(code="token_read_only")


def require_admin(p: Principal) -> None:
    require_role(p, "admin")
    require_write(p)


def sees_unit(p: Principal, unit_code: str) -> bool:
    """Whether the caller may see this unit's reports (its own, its assigned, or any as admin)."""
    if p.role == "admin":
        return True
    if p.role == "unit_officer":
        return p.unit_code == unit_code
    if p.role == "inspector":
        return unit_code in p.unit_codes
    return False


def sees_unit_score(p: Principal, unit_code: str) -> bool:
    if p.role == "viewer":
        return p.unit_code is None or p.unit_code == unit_code
    return sees_unit(p, unit_code)


def check_report_read(p: Principal, unit_code: str) -> None:
    if p.role in ("viewer", "central_provider"):
        raise Forbidden(code="role_reads_no_reports", params={"role": p.role})
    if not sees_unit(p, unit_code):
        raise NotFound(code="report_not_found", params={"unit_code": unit_code})


def check_report_edit(p: Principal, unit_code: str) -> None:
    """Editing entries and evidence, and submitting: the unit's own officer, or an admin."""
    check_report_read(p, unit_code)
    require_write(p)
    if p.role not in ("unit_officer", "admin"):
        raise Forbidden(code="report_edit_forbidden")


def check_review(p: Principal, unit_code: str) -> None:
    """Returning and approving: the unit's inspector, or an admin."""
    check_report_read(p, unit_code)
    require_write(p)
    if p.role not in ("inspector", "admin"):
        raise Forbidden(code="report_review_forbidden")


def check_score_read(p: Principal, unit_code: str) -> None:
    if p.role == "central_provider":
        raise Forbidden(code="role_reads_no_scores", params={"role": p.role})
    if not sees_unit_score(p, unit_code):
        raise NotFound(code="score_not_found", params={"unit_code": unit_code})


def scoreboard_scope(p: Principal) -> frozenset[str] | None:
    """The unit codes a caller's scoreboard may show; None means every unit."""
    if p.role in ("admin",):
        return None
    if p.role == "viewer":
        return None if p.unit_code is None else frozenset({p.unit_code})
    if p.role == "inspector":
        return p.unit_codes
    if p.role == "unit_officer":
        return frozenset({p.unit_code}) if p.unit_code else frozenset()
    raise Forbidden(code="role_reads_no_scores", params={"role": p.role})


def report_scope(p: Principal) -> frozenset[str] | None:
    """The unit codes whose reports a caller may list; None means every unit (as
    ``check_report_read``: viewers and central providers read no reports)."""
    if p.role in ("viewer", "central_provider"):
        raise Forbidden(code="role_reads_no_reports", params={"role": p.role})
    if p.role == "admin":
        return None
    if p.role == "inspector":
        return p.unit_codes
    return frozenset({p.unit_code}) if p.unit_code else frozenset()


def check_central_write(p: Principal, provider_code: str | None) -> None:
    """Central values: a provider writes only its own indicators' values; an admin any."""
    require_write(p)
    if p.role == "admin":
        return
    if p.role != "central_provider" or not p.provider_code:
        raise Forbidden(code="central_write_forbidden")
    if provider_code is not None and provider_code != p.provider_code:
        raise Forbidden(code="provider_not_yours", params={"provider": provider_code})


def require_reference_reader(p: Principal) -> None:
    """Reading reference data and simulating scores: every role of a person or portal."""
    require_role(p, *REFERENCE_READERS)


def require_central_writer(p: Principal) -> None:
    """Supplying central values at all (which provider's values: ``check_central_write``)."""
    check_central_write(p, None)
