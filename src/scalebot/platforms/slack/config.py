"""Which Slack mode to run, checked from the settings before anything connects."""

from __future__ import annotations

from dataclasses import dataclass, field

from scalebot.platforms.slack.verification import SLACK_RESPONSE_HOSTS
from scalebot.settings import Settings, SettingsError

BOT_TOKEN_NEEDED = (
    "SCALEBOT_SLACK_BOT_TOKEN: required (xoxb-…, OAuth & Permissions > Bot User OAuth Token); "
    "in HTTP mode you may instead set SCALEBOT_SLACK_CLIENT_ID and SCALEBOT_SLACK_CLIENT_SECRET "
    "for the multi-workspace install flow"
)
APP_TOKEN_NEEDED = (
    "SCALEBOT_SLACK_APP_TOKEN: required for Socket Mode (xapp-…, Basic Information > "
    "App-Level Tokens, scope connections:write); or run with --http"
)
SECRET_NEEDED = (
    "SCALEBOT_SLACK_SIGNING_SECRET: required in HTTP mode "
    "(Basic Information > App Credentials > Signing Secret)"
)
OAUTH_NEEDS_HTTP = (
    "SCALEBOT_SLACK_CLIENT_ID: the multi-workspace install flow needs HTTP mode: run with --http"
)


@dataclass(frozen=True)
class SlackConfig:
    """Everything the Slack adapter needs; secrets are kept out of repr()."""

    api_url: str
    http: bool
    host: str
    port: int
    thread_answers: bool
    admin_ids: frozenset[str]
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str = field(default="", repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    response_hosts: frozenset[str] = SLACK_RESPONSE_HOSTS
    posts_per_minute: int = 300

    @property
    def oauth(self) -> bool:
        """Tell whether workspaces install the app through the OAuth flow."""
        return self.client_id is not None


def _secret(value: object) -> str | None:
    """The text of a SecretStr (or str) setting, None when empty."""
    if value is None:
        return None
    get = getattr(value, "get_secret_value", None)
    text = str(get() if get is not None else value).strip()
    return text or None


def slack_config(settings: Settings) -> SlackConfig:
    """Check that the settings make a runnable mode; else fail naming the setting to fix."""
    bot_token = _secret(settings.slack.bot_token)
    client_id = settings.slack.client_id.strip() or None
    client_secret = _secret(settings.slack.client_secret)
    if client_id and not client_secret:
        raise SettingsError("SCALEBOT_SLACK_CLIENT_SECRET: required with SCALEBOT_SLACK_CLIENT_ID")
    if client_secret and not client_id:
        raise SettingsError("SCALEBOT_SLACK_CLIENT_ID: required with SCALEBOT_SLACK_CLIENT_SECRET")
    config = SlackConfig(
        api_url=settings.slack.api_url,
        http=settings.slack.http,
        host=settings.slack.host,
        port=settings.slack.port,
        thread_answers=settings.slack.thread_answers,
        admin_ids=frozenset(settings.admin_ids),
        bot_token=bot_token,
        app_token=_secret(settings.slack.app_token),
        signing_secret=_secret(settings.slack.signing_secret) or "",
        client_id=client_id,
        client_secret=client_secret,
        response_hosts=frozenset(host.lower() for host in settings.slack.response_hosts),
        posts_per_minute=settings.slack.posts_per_minute,
    )
    _check_mode(config)
    return config


def _check_mode(config: SlackConfig) -> None:
    """HTTP mode needs the signing secret; Socket Mode the app token; both a bot token."""
    problems = _mode_problems(config)
    if problems:
        raise SettingsError("\n".join(problems))  # every missing setting at once


def _mode_problems(config: SlackConfig) -> list[str]:
    """One line per missing or contradictory setting for the chosen mode."""
    problems: list[str] = []
    if config.http:
        if not config.signing_secret:
            problems.append(SECRET_NEEDED)
        if config.bot_token is None and not config.oauth:
            problems.append(BOT_TOKEN_NEEDED)
        return problems
    if config.app_token is None:
        problems.append(APP_TOKEN_NEEDED)
    if config.oauth:
        problems.append(OAUTH_NEEDS_HTTP)
    elif config.bot_token is None:
        problems.append(BOT_TOKEN_NEEDED)
    return problems
