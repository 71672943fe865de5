"""Fixtures: a fake Discord on 127.0.0.1 and a logged-in scalebot client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from scalebot.domain.refs import ChannelRef
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.platforms.discord.adapter import DiscordAdapter
from scalebot.platforms.discord.client import ScaleClient
from scalebot.platforms.discord.config import DiscordConfig
from scalebot.services import channels, rounds
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext
from tests.platforms.discord.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
    Recorded,
    serving,
)

MONDAY_9AM = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DISCORD_CHANNEL = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID))


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: datetime) -> None:
        """Start at an aware instant."""
        self.now = now

    def __call__(self) -> datetime:
        """Return the current test time."""
        return self.now


@pytest.fixture
def endpoints() -> Iterator[None]:
    """Put discord.py's REST base and gateway back after the test."""
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


@pytest.fixture
async def fake(endpoints: None) -> AsyncIterator[FakeDiscord]:
    """A fake Discord serving on 127.0.0.1."""
    async with serving() as server:
        yield server


def config_for(fake: FakeDiscord, **changes: Any) -> DiscordConfig:
    """Settings pointing at the fake."""
    values: dict[str, Any] = {
        "token": TOKEN,
        "api_url": fake.api_url,
        "gateway_url": fake.gateway_url,
    }
    return DiscordConfig(**(values | changes))


@dataclass
class Bot:
    """A logged-in adapter and the fake it talks to."""

    adapter: DiscordAdapter
    fake: FakeDiscord
    clock: Clock
    ctx: AppContext

    @property
    def client(self) -> ScaleClient:
        """The discord.py client."""
        return self.adapter.client

    async def interact(self, payload: dict[str, Any], *, followups: int = 1) -> list[Recorded]:
        """Feed an interaction through discord.py's parser; return its follow-up messages."""
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        token = payload["token"]
        return await self.fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{token}$", count=followups)

    async def respond(self, payload: dict[str, Any]) -> Recorded:
        """Feed an interaction; return its initial response (modal, choices, defer)."""
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        path = rf"^/interactions/{payload['id']}/{payload['token']}/callback$"
        return (await self.fake.wait_for("POST", path))[0]

    async def enroll(self, *, post: bool = True) -> int:
        """Enroll the test channel at 09:00 UTC daily and post today's round; return its id."""
        schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
        info = await channels.enroll_channel(
            self.ctx, channel=DISCORD_CHANNEL, schedule=schedule, now=self.clock()
        )
        if not post:
            return info.id
        return await self.post_today()

    async def post_today(self) -> int:
        """Post the enrolled channel's round for the clock's date (closing the one before)."""
        info = await channels.get_channel(self.ctx, channel=DISCORD_CHANNEL)
        assert info is not None
        outcome = await rounds.post_round(self.ctx, channel_id=info.id, now=self.clock())
        assert outcome.round_id is not None
        return outcome.round_id


async def logged_in(
    ctx: AppContext, fake: FakeDiscord, clock: Clock, **changes: Any
) -> DiscordAdapter:
    """An adapter logged in over REST (no gateway) and registered as the discord messenger."""
    config = config_for(fake, **changes)
    adapter = DiscordAdapter(config, SharedBudgets(ctx.db), clock=clock, guild_ready_timeout=0.05)
    ctx.messengers = {**ctx.messengers, "discord": adapter.messenger}  # the fixture's context
    adapter.bind(ctx)
    config.use_endpoints()
    await adapter.client.login(config.token)
    return adapter


@pytest.fixture
def clock() -> Clock:
    """Monday 5 January 2026, 09:00 UTC."""
    return Clock(MONDAY_9AM)


@pytest.fixture
async def bot(ctx: AppContext, fake: FakeDiscord, clock: Clock) -> AsyncIterator[Bot]:
    """A logged-in scalebot on the fake, on both databases."""
    adapter = await logged_in(ctx, fake, clock)
    try:
        yield Bot(adapter, fake, clock, ctx)
    finally:
        await adapter.client.close()
