"""Slack Web API clients: one bot token, or one per workspace installed through OAuth."""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

RATE_LIMIT_RETRIES = 3


class NotInstalled(LookupError):
    """No bot token is known for a workspace (the app was never installed there, or removed)."""


def retry_handlers() -> list[AsyncRetryHandler]:
    """Honour 429 Retry-After a few times (a 429 stores nothing, so retrying is safe).

    Dropped connections are not retried here: the connection can drop after Slack stored a
    post, and a blind retry would post it twice. Round posts are settled by the delivery
    watchdog, which looks in the channel's history before sending again.
    """
    return [AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)]


def web_client(api_url: str, token: str | None = None) -> AsyncWebClient:
    """A Web API client for an API base URL, with the retry handlers installed."""
    return AsyncWebClient(token=token, base_url=api_url, retry_handlers=retry_handlers())


class Clients:
    """Hands out the Web API client for a workspace."""

    def __init__(
        self,
        api_url: str,
        *,
        bot_token: str | None,
        installation_store: AsyncInstallationStore | None = None,
    ) -> None:
        """Use one bot token, or look tokens up in the installation store."""
        self.api_url = api_url
        self.app_client = web_client(api_url, bot_token)
        self._store = installation_store
        self._by_token: dict[str, AsyncWebClient] = {}

    async def for_workspace(self, team_id: str) -> AsyncWebClient:
        """The client that acts as the bot in a workspace."""
        if self._store is None:
            return self.app_client
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(team_id)
        token = bot.bot_token
        if token not in self._by_token:
            self._by_token[token] = web_client(self.api_url, token)
        return self._by_token[token]
