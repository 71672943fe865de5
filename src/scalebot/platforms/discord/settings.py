"""SCALEBOT_DISCORD_* settings, validated once at start (no discord.py import here)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DISCORD_API_URL = "https://discord.com/api/v10"
_DISCORD_TOKEN = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")
_URL = re.compile(r"([a-zA-Z]+)://[^/\s]+(/\S*)?")


class DiscordSettings(BaseSettings):
    """Token, endpoints, shards and switches of the Discord adapter."""

    model_config = SettingsConfigDict(
        env_prefix="SCALEBOT_DISCORD_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr = Field(
        default=SecretStr(""), description="Discord bot token (developer portal → Bot)."
    )
    api_url: str = Field(
        default=DISCORD_API_URL,
        description="Discord REST base; point it at a shared rate-limit proxy if you run one.",
    )
    gateway_url: str = Field(
        default="", description="Discord gateway websocket URL (wss://…); default: Discord's."
    )
    shard_count: int | None = Field(
        default=None, description="Total Discord shards over all processes (default: 1)."
    )
    shard_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated shard ids this process runs."
    )
    thread_answers: bool = Field(
        default=False,
        description="Grade replies in question threads (needs the message content intent).",
    )

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
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

    @field_validator("api_url", "gateway_url")
    @classmethod
    def _url(cls, value: str, info: ValidationInfo) -> str:
        """Accept http(s) URLs for the REST base and ws(s) URLs for the gateway."""
        schemes = ("http", "https") if info.field_name == "api_url" else ("ws", "wss")
        example = DISCORD_API_URL if schemes[0] == "http" else "wss://gateway.discord.gg/"
        url = value.strip()
        match = _URL.fullmatch(url)
        if url and (match is None or match.group(1).lower() not in schemes):
            kind = "an http(s)" if schemes[0] == "http" else "a ws(s)"
            raise ValueError(f"'{value}' is not {kind}:// URL, e.g. {example}")
        return url.rstrip("/") if schemes[0] == "http" else url

    @field_validator("shard_count", mode="before")
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

    @field_validator("shard_ids", mode="before")
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
            count = info.data.get("shard_count")
            if count is None:
                raise ValueError(
                    "set SCALEBOT_DISCORD_SHARD_COUNT too (the total over all processes)"
                )
            if len(set(value)) != len(value) or any(not 0 <= int(i) < count for i in value):
                raise ValueError(
                    f"use distinct ids from 0 to {count - 1} (the shard count is {count})"
                )
        return value
