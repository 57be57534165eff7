"""Who is calling: the one shape every route receives, however the caller authenticated."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("admin", "unit_officer", "central_provider", "inspector", "viewer")


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str  # "user:12", "client:portal-a", "token:7" — stable, used in audit and idempotency
    role: str
    username: str | None = None
    user_id: int | None = None
    unit_code: str | None = None  # unit officer (or a portal client scoped to one unit)
    unit_codes: frozenset[str] = field(default_factory=frozenset)  # inspector's units
    provider_code: str | None = None  # central provider
    read_only: bool = False  # a read-only personal API token
    via_api_token: bool = False  # authenticated with a personal API token, not a sign-in
    expires_at: float | None = None  # when the credential stops being valid (epoch seconds)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
