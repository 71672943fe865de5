"""Slack Web API clients: one bot token, or one per workspace installed through OAuth."""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from scalebot.ops import metrics
from scalebot.platforms.slack.pacing import PacedRateLimitRetryHandler

RATE_LIMIT_RETRIES = 3


class CountingHandler(AsyncRetryHandler):
    """Never retries: counts Slack's errors and 429s into the metrics as responses pass by."""

    def __init__(self) -> None:
        """Count every attempt (the base class stops asking after max_retry_count)."""
        super().__init__(max_retry_count=1_000_000)

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if error is not None:
            metrics.PLATFORM_ERRORS.labels(platform="slack", code=type(error).__name__).inc()
        elif response is not None and response.status_code == 429:
            metrics.RATE_LIMIT_WAITS.labels(platform="slack").inc()
            metrics.PLATFORM_ERRORS.labels(platform="slack", code="ratelimited").inc()
        elif response is not None and _refused(response.body):
            code = str((response.body or {}).get("error") or response.status_code)[:64]
            metrics.PLATFORM_ERRORS.labels(platform="slack", code=code).inc()
        return False


class NotInstalled(LookupError):
    """No bot token is known for a workspace (the app was never installed there, or removed)."""


def _refused(body: object) -> bool:
    """Tell whether a Web API answer says ok: false."""
    return isinstance(body, dict) and body.get("ok") is False


def retry_handlers() -> list[AsyncRetryHandler]:
    """Count errors into the metrics; retry 429s a few times (a 429 stores nothing), pausing
    the workspace's budget for Retry-After when the request was a paced post.

    Dropped connections are not retried here: the connection can drop after Slack stored a
    post, and a blind retry would post it twice. Round posts are settled by the delivery
    watchdog, which looks in the channel's history before sending again.
    """
    return [CountingHandler(), PacedRateLimitRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)]


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
