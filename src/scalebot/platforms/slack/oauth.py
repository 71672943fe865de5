"""The multi-workspace install flow: slack_sdk's SQLAlchemy stores on scalebot's database."""

from __future__ import annotations

from urllib.parse import urljoin

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from scalebot.platforms.slack.config import SlackConfig
from scalebot.platforms.slack.manifest import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH

SLACK_API_URL = "https://slack.com/api/"
STATE_EXPIRY_SECONDS = 600


def authorization_url(api_url: str) -> str | None:
    """The authorize page of the same Slack deployment as the API (None: Slack's default)."""
    if api_url == SLACK_API_URL:
        return None
    return urljoin(api_url, "/oauth/v2/authorize")


def oauth_settings(config: SlackConfig, engine: AsyncEngine) -> AsyncOAuthSettings:
    """Bolt's OAuth settings with installations and states stored in our database."""
    assert config.client_id is not None
    assert config.client_secret is not None
    return AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(config.api_url),
        installation_store=AsyncSQLAlchemyInstallationStore(
            client_id=config.client_id, engine=engine
        ),
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRY_SECONDS, engine=engine
        ),
        state_expiration_seconds=STATE_EXPIRY_SECONDS,
    )
