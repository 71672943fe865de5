"""The Discord settings the adapter needs, checked once, and where discord.py connects."""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp
import discord
import yarl

from scalebot.settings import Settings, SettingsError

MISSING_TOKEN = (
    "SCALEBOT_DISCORD_TOKEN: not set; copy the bot token from the Discord developer portal "
    "(your application → Bot → Reset Token)"
)
REJECTED_TOKEN = (
    "SCALEBOT_DISCORD_TOKEN: Discord rejected the token; copy it again from the developer "
    "portal (Bot → Reset Token)"
)
# What the bot needs in a channel: read and post, embeds, files (export-me), threads.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)


@dataclass(frozen=True)
class DiscordConfig:
    """Token, endpoints, shards and switches for one Discord process."""

    token: str = field(repr=False)
    api_url: str
    gateway_url: str = ""
    shard_count: int | None = None
    shard_ids: tuple[int, ...] = ()
    thread_answers: bool = False
    admin_ids: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordConfig:
        """Read the SCALEBOT_DISCORD_* settings; a missing token stops start-up."""
        token = settings.discord.token.get_secret_value()
        if not token:
            raise SettingsError(MISSING_TOKEN)
        return cls(
            token=token,
            api_url=settings.discord.api_url,
            gateway_url=settings.discord.gateway_url,
            shard_count=settings.discord.shard_count,
            shard_ids=tuple(settings.discord.shard_ids),
            thread_answers=settings.discord.thread_answers,
            admin_ids=frozenset(settings.admin_ids),
        )

    def use_endpoints(self) -> None:
        """Point discord.py's REST layer (and the gateway, when set) at the configured URLs."""
        discord.http.Route.BASE = self.api_url
        if self.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)


async def log_in(client: discord.Client, config: DiscordConfig) -> None:
    """Log in over REST, turning a refused token or an unreachable API into one clear line."""
    config.use_endpoints()
    try:
        await client.login(config.token)
    except discord.LoginFailure:
        raise SettingsError(REJECTED_TOKEN) from None
    except aiohttp.ClientConnectionError as exc:
        raise SettingsError(
            f"SCALEBOT_DISCORD_API_URL: cannot reach {config.api_url} ({exc})"
        ) from None


def skip_voice_warnings() -> None:
    """scalebot never uses voice: keep discord.py from warning that voice libraries are missing."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
