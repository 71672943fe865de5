"""SCALEBOT_SLACK_* settings, validated once at start (no Slack SDK import here)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SLACK_API_URL = "https://slack.com/api/"
_URL = re.compile(r"([a-zA-Z]+)://[^/\s]+(/\S*)?")
_SLACK_SECRET = re.compile(r"[0-9a-fA-F]{32,64}")
_SLACK_CLIENT_ID = re.compile(r"\d+\.\d+")
_TOKEN_PREFIXES = {"bot_token": "xoxb-", "app_token": "xapp-"}


class SlackSettings(BaseSettings):
    """Tokens, secrets, mode and address of the Slack adapter."""

    model_config = SettingsConfigDict(
        env_prefix="SCALEBOT_SLACK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr = Field(
        default=SecretStr(""), description="Slack bot token (xoxb-…) for one workspace."
    )
    signing_secret: SecretStr = Field(
        default=SecretStr(""), description="Slack signing secret; verifies requests in HTTP mode."
    )
    app_token: SecretStr = Field(
        default=SecretStr(""), description="Slack app-level token (xapp-…); enables Socket Mode."
    )
    api_url: str = Field(
        default=SLACK_API_URL, description="Slack Web API base URL (other Slack deployments)."
    )
    client_id: str = Field(
        default="", description="Slack client id: the multi-workspace install flow (HTTP mode)."
    )
    client_secret: SecretStr = Field(
        default=SecretStr(""), description="Slack client secret, with SCALEBOT_SLACK_CLIENT_ID."
    )
    http: bool = Field(
        default=False, description="Serve Slack over HTTP instead of Socket Mode (run --http)."
    )
    host: str = Field(default="0.0.0.0", description="Slack HTTP mode: address to bind.")
    port: int = Field(default=3000, ge=0, le=65535, description="Slack HTTP mode: port.")
    thread_answers: bool = Field(
        default=True, description="Grade replies in the Slack question's thread."
    )
    posts_per_minute: int = Field(
        default=300,
        ge=1,
        le=100_000,
        description="chat.postMessage budget per workspace (Slack: several hundred a minute).",
    )
    response_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["hooks.slack.com", "hooks.slack-gov.com"],
        description="Comma-separated hosts a Slack response_url may point at.",
    )

    @field_validator("response_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        """Read a comma-separated list of host names."""
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("bot_token", "app_token")
    @classmethod
    def _token(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        """Accept an empty token (checked at start) or one with the right prefix."""
        token = value.get_secret_value().strip()
        prefix = _TOKEN_PREFIXES[str(info.field_name)]
        if token and not token.startswith(prefix):
            kind = "bot token" if prefix == "xoxb-" else "app-level token"
            raise ValueError(f"a Slack {kind} starts with {prefix}; check you copied the right one")
        return SecretStr(token)

    @field_validator("signing_secret", "client_secret")
    @classmethod
    def _secret(cls, value: SecretStr) -> SecretStr:
        """Accept an empty secret or the hex string Slack shows under App Credentials."""
        secret = value.get_secret_value().strip()
        if secret and not _SLACK_SECRET.fullmatch(secret):
            raise ValueError(
                "does not look like a Slack secret (32 hex characters, Basic Information > "
                "App Credentials)"
            )
        return SecretStr(secret)

    @field_validator("client_id")
    @classmethod
    def _client_id(cls, value: str) -> str:
        """Accept an empty id or Slack's NUMBER.NUMBER client id."""
        client_id = value.strip()
        if client_id and not _SLACK_CLIENT_ID.fullmatch(client_id):
            raise ValueError(f"'{value}' is not a Slack client id (digits.digits)")
        return client_id

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        """Accept an http(s) URL; keep the trailing slash the Slack SDK needs."""
        url = value.strip()
        match = _URL.fullmatch(url)
        if match is None or match.group(1).lower() not in ("http", "https"):
            raise ValueError(f"'{value}' is not an http(s):// URL, e.g. {SLACK_API_URL}")
        return url if url.endswith("/") else url + "/"
