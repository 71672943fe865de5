"""SCALEBOT_DELIVERY_* settings: how rounds are claimed, posted, settled and retried."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeliverySettings(BaseSettings):
    """Leases, timeouts and retries of round posts; short values make fault tests fast."""

    model_config = SettingsConfigDict(
        env_prefix="SCALEBOT_DELIVERY_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    lease: float = Field(
        default=90.0,
        ge=1,
        le=3600,
        description="Seconds a process owns a round it claimed; then any watchdog settles it.",
    )
    post_timeout: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="Seconds one request to post a round may take before its outcome is unknown.",
    )
    watchdog_interval: float = Field(
        default=30.0, gt=0, le=3600, description="Seconds between watchdog sweeps."
    )
    retry_base: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds before the first retry of a failed post (doubling, 30 min at most).",
    )
    round_jobs: int = Field(
        default=64,
        ge=1,
        le=200,
        description="Round posts in flight at once in one process: enough to keep the pacers "
        "of several Slack workspaces busy, few enough that a post waits seconds for its slot.",
    )

    @field_validator("post_timeout")
    @classmethod
    def _post_timeout(cls, value: float, info: ValidationInfo) -> float:
        """A post must end (or time out) before its lease does, or two processes could send."""
        lease = info.data.get("lease")
        if lease is not None and value >= lease:
            raise ValueError(
                f"must be shorter than SCALEBOT_DELIVERY_LEASE ({lease:g} s), e.g. a third of it"
            )
        return value
