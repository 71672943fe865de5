"""SCALEBOT_LLM_* settings for the optional LLM grader, validated once at start."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_URL = re.compile(r"([a-zA-Z]+)://[^/\s]+(/\S*)?")


class LLMSettings(BaseSettings):
    """Where the optional LLM grader is, which model, and how long to wait for it."""

    model_config = SettingsConfigDict(
        env_prefix="SCALEBOT_LLM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    url: str = Field(
        default="",
        description="Optional LLM grader: an OpenAI-compatible base URL (e.g. "
        "http://127.0.0.1:11434/v1) or its /chat/completions URL. Empty: rubric grader only.",
    )
    model: str = Field(
        default="", validate_default=True, description="LLM grader: the model name to ask."
    )
    api_key: SecretStr = Field(
        default=SecretStr(""), description="LLM grader: bearer token, if the server needs one."
    )
    timeout: float = Field(
        default=8.0,
        gt=0,
        le=60,
        description="LLM grader: seconds to wait before falling back to the rubric grader.",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        """Accept an empty value or an http(s) URL."""
        url = value.strip()
        match = _URL.fullmatch(url)
        if url and (match is None or match.group(1).lower() not in ("http", "https")):
            raise ValueError(f"'{value}' is not an http(s):// URL, e.g. http://127.0.0.1:11434/v1")
        return url.rstrip("/")

    @field_validator("model")
    @classmethod
    def _model(cls, value: str, info: ValidationInfo) -> str:
        """Require a model name whenever an LLM URL is set."""
        if info.data.get("url") and not value.strip():
            raise ValueError("required when SCALEBOT_LLM_URL is set (e.g. llama3.1:8b)")
        return value.strip()
