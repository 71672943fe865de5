"""Configuration: one Settings object from SCALEBOT_* environment variables or a .env file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from scalebot.db.engine import DatabaseUrlError, async_url
from scalebot.domain.schedule import ScheduleError, parse_time, parse_zone

Platform = Literal["console", "slack", "discord", "all"]
DISCORD_API_URL = "https://discord.com/api/v10"
_DISCORD_TOKEN = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")
_URL = re.compile(r"([a-zA-Z]+)://[^/\s]+(/\S*)?")
SLACK_API_URL = "https://slack.com/api/"
_SLACK_SECRET = re.compile(r"[0-9a-fA-F]{32,64}")
_SLACK_CLIENT_ID = re.compile(r"\d+\.\d+")
_SLACK_TOKEN_PREFIXES = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}


class SettingsError(ValueError):
    """A setting has a bad value; the message names it in one line."""


class Settings(BaseSettings):
    """Every SCALEBOT_* setting, validated once at start."""

    model_config = SettingsConfigDict(
        env_prefix="SCALEBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("data"), description="Folder for the default SQLite file.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; sqlite:///… or postgresql://…. Default: DATA_DIR/scalebot.db.",
    )
    timezone: str = Field(
        default="UTC", description="Zone for the console channel and setup defaults (IANA name)."
    )
    post_time: str = Field(default="09:00", description="Console channel's post time (HH:MM).")
    platform: Platform = Field(
        default="console", description="What `scalebot run` starts: slack, discord, all, console."
    )
    admin_ids: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated platform user ids treated as admins."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Logging level."
    )
    discord_token: SecretStr = Field(
        default=SecretStr(""), description="Discord bot token (developer portal → Bot)."
    )
    discord_api_url: str = Field(
        default=DISCORD_API_URL,
        description="Discord REST base; point it at a shared rate-limit proxy if you run one.",
    )
    discord_gateway_url: str = Field(
        default="", description="Discord gateway websocket URL (wss://…); default: Discord's."
    )
    discord_shard_count: int | None = Field(
        default=None, description="Total Discord shards over all processes (default: 1)."
    )
    discord_shard_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated shard ids this process runs."
    )
    discord_thread_answers: bool = Field(
        default=False,
        description="Grade replies in question threads (needs the message content intent).",
    )
    slack_bot_token: SecretStr = Field(
        default=SecretStr(""), description="Slack bot token (xoxb-…) for one workspace."
    )
    slack_signing_secret: SecretStr = Field(
        default=SecretStr(""), description="Slack signing secret; verifies requests in HTTP mode."
    )
    slack_app_token: SecretStr = Field(
        default=SecretStr(""), description="Slack app-level token (xapp-…); enables Socket Mode."
    )
    slack_api_url: str = Field(
        default=SLACK_API_URL, description="Slack Web API base URL (other Slack deployments)."
    )
    slack_client_id: str = Field(
        default="", description="Slack client id: the multi-workspace install flow (HTTP mode)."
    )
    slack_client_secret: SecretStr = Field(
        default=SecretStr(""), description="Slack client secret, with SCALEBOT_SLACK_CLIENT_ID."
    )
    slack_http: bool = Field(
        default=False, description="Serve Slack over HTTP instead of Socket Mode (run --http)."
    )
    slack_host: str = Field(default="0.0.0.0", description="Slack HTTP mode: address to bind.")
    slack_port: int = Field(default=3000, ge=0, le=65535, description="Slack HTTP mode: port.")
    slack_thread_answers: bool = Field(
        default=True, description="Grade replies in the Slack question's thread."
    )
    llm_url: str = Field(
        default="",
        description="Optional LLM grader: an OpenAI-compatible base URL (e.g. "
        "http://127.0.0.1:11434/v1) or its /chat/completions URL. Empty: rubric grader only.",
    )
    llm_model: str = Field(
        default="", validate_default=True, description="LLM grader: the model name to ask."
    )
    llm_api_key: SecretStr = Field(
        default=SecretStr(""), description="LLM grader: bearer token, if the server needs one."
    )
    llm_timeout: float = Field(
        default=8.0,
        gt=0,
        le=60,
        description="LLM grader: seconds to wait before falling back to the rubric grader.",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        """Accept only IANA zone names."""
        try:
            return parse_zone(value).key
        except ScheduleError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("post_time")
    @classmethod
    def _time(cls, value: str) -> str:
        """Accept only HH:MM."""
        try:
            return f"{parse_time(value):%H:%M}"
        except ScheduleError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str) -> str:
        """Accept only SQLite and PostgreSQL URLs."""
        if value:
            try:
                async_url(value)
            except DatabaseUrlError as exc:
                raise ValueError(str(exc)) from exc
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Read a comma-separated list."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("discord_token")
    @classmethod
    def _discord_token(cls, value: SecretStr) -> SecretStr:
        """Accept an empty token (checked at start) or one shaped like a bot token."""
        token = value.get_secret_value().strip()
        if token.lower().startswith("bot "):
            raise ValueError("remove the 'Bot ' prefix; give the token only")
        if token and not _DISCORD_TOKEN.fullmatch(token):
            raise ValueError(
                "does not look like a bot token (three dot-separated parts); "
                "copy it from the developer portal, Bot → Reset Token"
            )
        return SecretStr(token)

    @field_validator("discord_api_url", "discord_gateway_url")
    @classmethod
    def _discord_url(cls, value: str, info: ValidationInfo) -> str:
        """Accept http(s) URLs for the REST base and ws(s) URLs for the gateway."""
        schemes = ("http", "https") if info.field_name == "discord_api_url" else ("ws", "wss")
        example = DISCORD_API_URL if schemes[0] == "http" else "wss://gateway.discord.gg/"
        url = value.strip()
        match = _URL.fullmatch(url)
        if url and (match is None or match.group(1).lower() not in schemes):
            kind = "an http(s)" if schemes[0] == "http" else "a ws(s)"
            raise ValueError(f"'{value}' is not {kind}:// URL, e.g. {example}")
        return url.rstrip("/") if schemes[0] == "http" else url

    @field_validator("discord_shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value: object) -> object:
        """Accept a whole number of shards, 1 or more."""
        if isinstance(value, str):
            if not value.strip():
                return None
            if not value.strip().isdigit() or int(value) < 1:
                raise ValueError(f"'{value}' is not a number of shards: use a whole number ≥ 1")
            return int(value)
        return value

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object, info: ValidationInfo) -> object:
        """Read comma-separated shard ids, each below the shard count."""
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            bad = next((part for part in parts if not part.isdigit()), None)
            if bad is not None:
                raise ValueError(f"'{bad}' is not a shard id: use numbers like 0,1,2")
            value = [int(part) for part in parts]
        if isinstance(value, list) and value:
            count = info.data.get("discord_shard_count")
            if count is None:
                raise ValueError(
                    "set SCALEBOT_DISCORD_SHARD_COUNT too (the total over all processes)"
                )
            if len(set(value)) != len(value) or any(not 0 <= int(i) < count for i in value):
                raise ValueError(
                    f"use distinct ids from 0 to {count - 1} (the shard count is {count})"
                )
        return value

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _slack_token(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        """Accept an empty token (checked at start) or one with the right prefix."""
        token = value.get_secret_value().strip()
        prefix = _SLACK_TOKEN_PREFIXES[str(info.field_name)]
        if token and not token.startswith(prefix):
            kind = "bot token" if prefix == "xoxb-" else "app-level token"
            raise ValueError(f"a Slack {kind} starts with {prefix}; check you copied the right one")
        return SecretStr(token)

    @field_validator("slack_signing_secret", "slack_client_secret")
    @classmethod
    def _slack_secret(cls, value: SecretStr) -> SecretStr:
        """Accept an empty secret or the hex string Slack shows under App Credentials."""
        secret = value.get_secret_value().strip()
        if secret and not _SLACK_SECRET.fullmatch(secret):
            raise ValueError(
                "does not look like a Slack secret (32 hex characters, Basic Information > "
                "App Credentials)"
            )
        return SecretStr(secret)

    @field_validator("slack_client_id")
    @classmethod
    def _slack_client_id(cls, value: str) -> str:
        """Accept an empty id or Slack's NUMBER.NUMBER client id."""
        client_id = value.strip()
        if client_id and not _SLACK_CLIENT_ID.fullmatch(client_id):
            raise ValueError(f"'{value}' is not a Slack client id (digits.digits)")
        return client_id

    @field_validator("slack_api_url")
    @classmethod
    def _slack_api_url(cls, value: str) -> str:
        """Accept an http(s) URL; keep the trailing slash the Slack SDK needs."""
        url = value.strip()
        match = _URL.fullmatch(url)
        if match is None or match.group(1).lower() not in ("http", "https"):
            raise ValueError(f"'{value}' is not an http(s):// URL, e.g. {SLACK_API_URL}")
        return url if url.endswith("/") else url + "/"

    @field_validator("llm_url")
    @classmethod
    def _llm_url(cls, value: str) -> str:
        """Accept an empty value or an http(s) URL."""
        url = value.strip()
        match = _URL.fullmatch(url)
        if url and (match is None or match.group(1).lower() not in ("http", "https")):
            raise ValueError(f"'{value}' is not an http(s):// URL, e.g. http://127.0.0.1:11434/v1")
        return url.rstrip("/")

    @field_validator("llm_model")
    @classmethod
    def _llm_model(cls, value: str, info: ValidationInfo) -> str:
        """Require a model name whenever an LLM URL is set."""
        if info.data.get("llm_url") and not value.strip():
            raise ValueError("required when SCALEBOT_LLM_URL is set (e.g. llama3.1:8b)")
        return value.strip()

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'scalebot.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning validation errors into one line that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "SCALEBOT_" + "_".join(str(part) for part in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
