"""The Discord and Slack sides of the fan-out bench: the real clients against enforcing fakes."""

from __future__ import annotations

import time
from collections import Counter

import discord
from slack_sdk.web.async_client import AsyncWebClient

from scalebot.bench.fakes import (
    DISCORD_GLOBAL_LIMIT,
    DISCORD_TOKEN,
    FakeDiscordApi,
    FakeSlackApi,
    slack_token,
)
from scalebot.domain.refs import ChannelRef
from scalebot.platforms.discord.adapter import DiscordAdapter
from scalebot.platforms.discord.config import DiscordConfig, log_in
from scalebot.platforms.slack.clients import Clients, web_client
from scalebot.platforms.slack.messenger import SlackMessenger
from scalebot.platforms.slack.pacing import POSTS_PER_MINUTE, SlackPacer
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import Messenger

GUILD_ID = 100000000000000001
FIRST_CHANNEL_ID = 200000000000000001


class DiscordHarness:
    """discord.py's REST layer, logged in to a fake that allows 50 requests a second."""

    platform = "discord"

    def __init__(self) -> None:
        """A fake at Discord's global limit."""
        self.fake = FakeDiscordApi(DISCORD_GLOBAL_LIMIT)
        self.adapter: DiscordAdapter | None = None
        self._base = discord.http.Route.BASE
        self._started = 0.0

    async def start(self, budgets: SharedBudgets) -> Messenger:
        """Serve the fake, log the client in over REST; return its messenger."""
        await self.fake.start()
        config = DiscordConfig(token=DISCORD_TOKEN, api_url=self.fake.api_url)
        self.adapter = DiscordAdapter(config, budgets, guild_ready_timeout=0.05)
        await log_in(self.adapter.client, config)
        return self.adapter.messenger

    def refs(self, count: int) -> list[ChannelRef]:
        """Channels of one guild."""
        return [
            ChannelRef("discord", str(GUILD_ID), str(FIRST_CHANNEL_ID + n)) for n in range(count)
        ]

    def posts(self) -> Counter[ChannelRef]:
        """Messages the fake stored, per channel."""
        return Counter(
            {
                ChannelRef("discord", str(GUILD_ID), channel): count
                for channel, count in self.fake.messages.items()
            }
        )

    def mark(self) -> None:
        """Count requests from now on."""
        self._started = time.perf_counter()

    def counts(self) -> tuple[int, int]:
        """Requests accepted since the mark, and 429s."""
        accepted = sum(1 for at in self.fake.accepted if at >= self._started)
        return accepted, self.fake.window.refused

    def ideal_seconds(self) -> float:
        """Every accepted request at exactly the global limit."""
        return self.counts()[0] / DISCORD_GLOBAL_LIMIT

    async def close(self) -> None:
        """Close the client and the fake; put discord.py's API base back."""
        if self.adapter is not None:
            await self.adapter.client.close()
        await self.fake.close()
        discord.http.Route.BASE = self._base


class _BenchClients(Clients):
    """One bot token per bench workspace, as the OAuth install flow would hand out."""

    async def for_workspace(self, team_id: str) -> AsyncWebClient:
        """The client of a workspace's bench token."""
        if team_id not in self._by_token:
            self._by_token[team_id] = web_client(self.api_url, slack_token(team_id))
        return self._by_token[team_id]


class SlackHarness:
    """slack_sdk's AsyncWebClient against a fake with Slack's posting limits."""

    platform = "slack"

    def __init__(self, *, workspaces: int) -> None:
        """Channels spread over `workspaces` workspaces, each with its own budget."""
        if workspaces < 1:
            raise ValueError("--workspaces must be at least 1")
        self.workspaces = workspaces
        self.fake = FakeSlackApi(per_workspace=POSTS_PER_MINUTE // 60)
        self._clients: _BenchClients | None = None

    async def start(self, budgets: SharedBudgets) -> Messenger:
        """Serve the fake; return a paced Slack messenger."""
        await self.fake.start()
        self._clients = _BenchClients(self.fake.api_url, bot_token=None)
        return SlackMessenger(
            self._clients, admin_ids=frozenset(), thread_answers=False, pacer=SlackPacer(budgets)
        )

    def refs(self, count: int) -> list[ChannelRef]:
        """Channels dealt round-robin over the workspaces."""
        return [
            ChannelRef("slack", f"T{n % self.workspaces:03d}", f"C{n:07d}") for n in range(count)
        ]

    def posts(self) -> Counter[ChannelRef]:
        """Posts the fake accepted, per channel."""
        return Counter(
            {
                ChannelRef("slack", team, channel): n
                for (team, channel), n in self.fake.posts.items()
            }
        )

    def mark(self) -> None:
        """Nothing before the fan-out posts."""

    def counts(self) -> tuple[int, int]:
        """Posts accepted and 429s."""
        return sum(self.fake.posts.values()), self.fake.refused

    def ideal_seconds(self) -> float:
        """The busiest workspace's posts at exactly its limit."""
        per_team: Counter[str] = Counter()
        for (team, _), count in self.fake.posts.items():
            per_team[team] += count
        return max(per_team.values(), default=0) / (POSTS_PER_MINUTE / 60)

    async def close(self) -> None:
        """Stop the fake."""
        await self.fake.close()
