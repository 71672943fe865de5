"""Run the Discord client inside the bot's event loop, next to Slack and the scheduler."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

import discord

from scalebot.domain.clock import Clock, utc_now
from scalebot.platforms.discord.client import ScaleClient
from scalebot.platforms.discord.config import DiscordConfig, log_in
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext, Messenger
from scalebot.settings import SettingsError

log = logging.getLogger(__name__)
INTENT_OFF = (
    "SCALEBOT_DISCORD_THREAD_ANSWERS: the message content intent is off for this bot; "
    "switch it on in the developer portal (Bot → Privileged Gateway Intents) or set "
    "SCALEBOT_DISCORD_THREAD_ANSWERS=false"
)


class DiscordAdapter:
    """The Discord platform as the bootstrap sees it: start, wait, stop."""

    name = "discord"

    def __init__(
        self,
        config: DiscordConfig,
        budgets: SharedBudgets,
        *,
        clock: Clock = utc_now,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        """Build the client and its messenger; bind() gives it the context, start() connects."""
        self.config = config
        self.client = ScaleClient(
            config, budgets, clock=clock, guild_ready_timeout=guild_ready_timeout
        )
        self.messenger: Messenger = self.client.messenger
        self._gateway: asyncio.Task[None] | None = None

    def bind(self, ctx: AppContext, scheduler: object = None) -> None:
        """Serve the complete context (its messengers include this adapter's).

        The scheduler runs on its own clock: Discord only needs the context.
        """
        self.client.bind(ctx)

    async def start(self) -> None:
        """Log in over REST, connect the shards, and return once Discord says READY."""
        await log_in(self.client, self.config)
        self._gateway = asyncio.create_task(self._connect(), name="discord-gateway")
        ready = asyncio.create_task(self.client.wait_until_ready())
        await asyncio.wait({self._gateway, ready}, return_when=asyncio.FIRST_COMPLETED)
        if self._gateway.done():
            ready.cancel()
            self._gateway.result()
        log.info("discord: connected as %s", self.client.user)

    async def _connect(self) -> None:
        """Keep the gateway connection up (discord.py reconnects); explain fatal refusals."""
        try:
            await self.client.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            raise SettingsError(INTENT_OFF) from None

    async def connected(self) -> bool:
        """Tell whether the client is READY and every shard's gateway socket is open."""
        if not self.client.is_ready() or self.client.is_closed():
            return False
        shards = self.client.shards.values()  # READY stays set while a shard reconnects
        return bool(shards) and all(not shard.is_closed() for shard in shards)

    async def wait_closed(self) -> None:
        """Return when the gateway connection has ended."""
        if self._gateway is not None:
            await self._gateway

    async def stop(self) -> None:
        """Close the connection and the HTTP session."""
        await self.client.close()
        if self._gateway is not None and not self._gateway.done():
            self._gateway.cancel()
            with suppress(asyncio.CancelledError):
                await self._gateway
