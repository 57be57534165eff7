"""Typed settings from ``SQS_*`` environment variables (and an optional ``.env``).

Why a settings object: every knob an operator can turn is declared here once, validated at
start, and a wrong value stops the service with a message that names the variable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET = "change-me"  # noqa: S105 - a sentinel that the validator refuses outside demo mode
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SQS_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/sqs.db"
    demo_mode: bool = False
    jwt_secret: str = DEFAULT_SECRET
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_private_key: str | None = None
    jwt_public_key: str | None = None
    jwt_issuer: str = "sqs"
    jwt_audience: str = "sqs-api"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    admin_username: str | None = None
    admin_password: str | None = None
    evidence_backend: Literal["filesystem", "database"] = "filesystem"
    evidence_dir: Path = Path("./var/evidence")
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    page_size_max: int = Field(default=1000, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    worker_threads: int | None = Field(default=None, ge=1, le=200)
    principal_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    # Webhook targets that may resolve to private/loopback addresses (exact host names or IPs).
    webhook_allow_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    webhook_worker_enabled: bool = True
    webhook_worker_interval_seconds: float = Field(default=5.0, gt=0)

    @field_validator("webhook_allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        """SQS_WEBHOOK_ALLOW_HOSTS as a JSON list or comma-separated, as the operator wrote it."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [h.strip() for h in text.split(",") if h.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        weak = self.jwt_secret == DEFAULT_SECRET or len(self.jwt_secret) < MIN_SECRET_LENGTH
        if self.jwt_algorithm == "HS256" and not self.demo_mode and weak:
            raise ValueError(
                "SQS_JWT_SECRET must be set to a random string of at least "
                f"{MIN_SECRET_LENGTH} characters (or run with SQS_DEMO_MODE=true)"
            )
        if self.jwt_algorithm == "RS256" and not (self.jwt_private_key and self.jwt_public_key):
            raise ValueError(
                "SQS_JWT_ALGORITHM=RS256 needs SQS_JWT_PRIVATE_KEY and SQS_JWT_PUBLIC_KEY"
            )
        if bool(self.admin_username) != bool(self.admin_password):
            raise ValueError("SQS_ADMIN_USERNAME and SQS_ADMIN_PASSWORD go together")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
