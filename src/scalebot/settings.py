"""Configuration: one Settings object from SCALEBOT_* environment variables or a .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from scalebot.domain.schedule import ScheduleError, parse_time, parse_zone
from scalebot.grading.settings import LLMSettings
from scalebot.locales import SUPPORTED, Language, parse_language
from scalebot.platforms.discord.settings import DiscordSettings
from scalebot.platforms.slack.settings import SlackSettings
from scalebot.scheduling.settings import DeliverySettings

T = TypeVar("T", bound=BaseSettings)
Platform = Literal["console", "slack", "discord", "all"]


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
    language: Language = Field(
        default=Language.EN,
        description="Language of newly enrolled channels and of members who chose none: en, zh.",
    )
    questions_dir: Path | None = Field(
        default=None,
        description="Folder of your own question YAML files, merged with the shipped bank.",
    )
    platform: Platform = Field(
        default="console", description="What `scalebot run` starts: slack, discord, all, console."
    )
    admin_ids: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated platform user ids treated as admins."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Logging level."
    )
    shutdown_grace: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Seconds to finish answers and posts in flight after SIGTERM or SIGINT.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text, or one JSON object per line."
    )
    health_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Serve /healthz and /metrics on this port (any mode); empty: off.",
    )
    health_host: str = Field(default="0.0.0.0", description="Address of the health port.")
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        """Accept only IANA zone names."""
        try:
            return parse_zone(value).key
        except ScheduleError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("language", mode="before")
    @classmethod
    def _known_language(cls, value: object) -> object:
        """Accept any spelling of a supported language ('zh', 'zh-CN', 'en' …)."""
        if isinstance(value, str) and not isinstance(value, Language):
            parsed = parse_language(value)
            if parsed is None:
                supported = ", ".join(SUPPORTED)
                raise ValueError(f"unknown language {value!r}: use one of {supported}")
            return parsed
        return value

    @field_validator("questions_dir")
    @classmethod
    def _folder(cls, value: Path | None) -> Path | None:
        """Accept only an existing folder (an empty value means none)."""
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        return value

    @field_validator("questions_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """An empty SCALEBOT_QUESTIONS_DIR means no folder."""
        return None if value == "" else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        """Read levels in any case: debug is DEBUG."""
        return value.strip().upper() if isinstance(value, str) else value

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
            from scalebot.db.engine import DatabaseUrlError, async_url  # SQLAlchemy only if set

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

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'scalebot.db').resolve()}"


# Each area's settings class, by the root field (and flat override prefix) that holds it.
_SECTIONS: dict[str, type[BaseSettings]] = {
    "discord": DiscordSettings,
    "slack": SlackSettings,
    "llm": LLMSettings,
    "delivery": DeliverySettings,
}


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning validation errors into one line that names the setting.

    Overrides use the environment names without SCALEBOT_ (`slack_bot_token=...`).
    """
    sections: dict[str, Any] = {}
    problems: list[SettingsError] = []
    for name, section in _SECTIONS.items():
        prefix = name + "_"
        mine = {
            k.removeprefix(prefix): overrides.pop(k)
            for k in list(overrides)
            if k.startswith(prefix)
        }
        try:
            sections[name] = _build(section, mine)
        except SettingsError as exc:
            problems.append(exc)
            sections[name] = section.model_construct()  # so the root's own errors come first
    settings = _build(Settings, {**overrides, **sections})
    if problems:
        raise problems[0]
    return settings


def _build(cls: type[T], values: dict[str, Any]) -> T:
    """Validate one settings class; a bad value becomes SettingsError naming its variable."""
    try:
        return cls(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        prefix = str(cls.model_config.get("env_prefix", ""))
        name = prefix + "_".join(str(part) for part in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
