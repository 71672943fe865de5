"""Slack's posting limits: about one message a second per channel, a budget per workspace."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from scalebot.domain.refs import ChannelRef
from scalebot.platforms.pacing import SharedPacer, shared_budget
from scalebot.services.budgets import SharedBudgets

# chat.postMessage is Slack's "special" tier: about 1 message/s per channel and, per workspace,
# "several hundred per minute"; 300/min is the conservative reading. Paced slightly under both
# so that a request delayed on the way never makes two land in one window.
POSTS_PER_MINUTE = 300
CHANNEL_INTERVAL = 1.05
HEADROOM = 0.98
_FORGET_CHANNELS_AFTER = 10_000
# The pacer of the workspace whose request is being sent (set around each paced request).
_sending_workspace: ContextVar[SharedPacer | None] = ContextVar(
    "scalebot_slack_workspace", default=None
)


class SlackPacer:
    """Spaces posts per channel (in this process) and per workspace (across processes)."""

    def __init__(
        self,
        budgets: SharedBudgets,
        *,
        per_minute: float = POSTS_PER_MINUTE,
        channel_interval: float = CHANNEL_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Pace to `per_minute` posts per workspace and one per `channel_interval` per channel."""
        self.budgets = budgets
        self.per_second = per_minute / 60 * HEADROOM
        self.channel_interval = channel_interval
        self._clock = clock
        self._sleep = sleep
        self._workspaces: dict[str, SharedPacer] = {}
        self._channels: dict[tuple[str, str], float] = {}

    def workspace(self, workspace_id: str) -> SharedPacer:
        """The shared pacer of one workspace."""
        if workspace_id not in self._workspaces:
            budget = shared_budget(self.budgets, f"slack:{workspace_id}", 1.0 / self.per_second)
            self._workspaces[workspace_id] = SharedPacer(
                self.per_second, budget, platform="slack", clock=self._clock, sleep=self._sleep
            )
        return self._workspaces[workspace_id]

    async def wait(self, channel: ChannelRef) -> None:
        """Return when a post to the channel may start: its channel's turn, then a slot."""
        key = (channel.workspace_id, channel.channel_id)
        await self._channel_turn(key)
        await self.workspace(channel.workspace_id).wait()
        # The workspace slot may have come later: the channel's next post counts from now.
        self._channels[key] = max(self._channels[key], self._clock() + self.channel_interval)

    async def _channel_turn(self, key: tuple[str, str]) -> None:
        """Wait until the channel's previous post is `channel_interval` old."""
        now = self._clock()
        start = max(now, self._channels.get(key, now))
        if len(self._channels) > _FORGET_CHANNELS_AFTER:
            self._channels = {k: t for k, t in self._channels.items() if t > now}
        self._channels[key] = start + self.channel_interval
        if start > now:
            await self._sleep(start - now)

    @contextmanager
    def sending(self, channel: ChannelRef) -> Iterator[None]:
        """Mark a request as this workspace's, so a 429 pauses the whole workspace."""
        token = _sending_workspace.set(self.workspace(channel.workspace_id))
        try:
            yield
        finally:
            _sending_workspace.reset(token)


class PacedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Honours Retry-After for the request and, for a paced post, for its whole workspace.

    A paced post is retried in a slot of its workspace's budget, taken after the pause: sent
    as soon as the pause ends it would land beside the slots the pacer hands out then, over
    the limit again (a post refused three times in a row is given up on).
    """

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Pause the workspace's budget for Retry-After seconds, then retry in its next slot."""
        workspace = _sending_workspace.get()
        if workspace is not None and response is not None:
            await workspace.pause(retry_after(response))
            await workspace.wait()
            state.next_attempt_requested = True
            state.increment_current_attempt()
            return
        await super().prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )


def retry_after(response: HttpResponse) -> float:
    """The Retry-After header in seconds (1 when missing or malformed)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                break
    return 1.0
