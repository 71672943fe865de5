"""The real Slack adapter served on 127.0.0.1, fed signed requests, talking to a fake Slack."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from scalebot.platforms.slack.adapter import SlackAdapter
from scalebot.platforms.slack.config import SlackConfig
from scalebot.services import channels
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext
from tests.platforms.slack.fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    form,
    sign,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
CHANNEL = "C1"
ADMIN = "UADMIN"
ALICE = "UALICE"
BOB = "UBOB"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        """Start at an aware instant."""
        self.now = now

    def __call__(self) -> datetime:
        """Return the current test time."""
        return self.now


def config_for(fake: FakeSlack, **overrides: Any) -> SlackConfig:
    """HTTP mode on a free port of 127.0.0.1, one workspace, talking to the fake."""
    config = SlackConfig(
        api_url=fake.api_url,
        http=True,
        host="127.0.0.1",
        port=0,
        thread_answers=True,
        admin_ids=frozenset(),
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        signing_secret=SIGNING_SECRET,
        response_hosts=frozenset({"127.0.0.1"}),
    )
    return replace(config, **overrides)


@dataclass
class SlackBot:
    """The running adapter, and what Slack would send it."""

    adapter: SlackAdapter
    fake: FakeSlack
    ctx: AppContext
    clock: Clock
    session: aiohttp.ClientSession

    @property
    def url(self) -> str:
        """The bot's base URL."""
        assert self.adapter.address is not None
        host, port = self.adapter.address
        return f"http://{host}:{port}"

    async def post(
        self, body: str, *, content_type: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """POST a raw body to /slack/events, signed unless headers are given."""
        sent = {"Content-Type": content_type, **(sign(body) if headers is None else headers)}
        async with self.session.post(f"{self.url}/slack/events", data=body, headers=sent) as r:
            return r.status, await r.text()

    async def command(
        self, text: str, *, user: str = ALICE, channel: str = CHANNEL, team: str = TEAM
    ) -> tuple[int, str]:
        """Run `/scale TEXT` as a member, like Slack's slash command POST."""
        body = form(
            command="/scale",
            text=text,
            team_id=team,
            channel_id=channel,
            user_id=user,
            user_name=user.lower(),
            trigger_id=f"trigger-{len(self.fake.calls)}",
            response_url=self.fake.response_url(f"{user}-{len(self.fake.responses)}"),
            api_app_id="A1",
        )
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> tuple[int, str]:
        """POST an interaction payload (block_actions, view_submission)."""
        body = form(payload=json.dumps(payload))
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str,
        retry: int | None = None,
        team: str = TEAM,
    ) -> tuple[int, str]:
        """Deliver an Events API event (a retry carries X-Slack-Retry-Num)."""
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": team,
                "api_app_id": "A1",
                "event_id": event_id,
                "event_time": int(self.clock.now.timestamp()),
                "event": event,
                "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
            }
        )
        headers = sign(body)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(body, content_type="application/json", headers=headers)

    def replies(self) -> list[dict[str, Any]]:
        """Everything the bot sent to response URLs, oldest first."""
        return self.fake.responses

    def last_reply(self) -> dict[str, Any]:
        """The newest response-URL message."""
        assert self.fake.responses, "the bot sent nothing to a response URL"
        return self.fake.responses[-1]

    async def enroll(self, schedule: str = "09:00 UTC") -> None:
        """Enroll the channel as an admin and post today's round."""
        await self.command(f"admin setup {schedule}", user=ADMIN)
        await self.command("admin post-now", user=ADMIN)

    async def channel_id(self) -> int:
        """The database id of the test channel."""
        from scalebot.domain.refs import ChannelRef

        info = await channels.get_channel(self.ctx, channel=ChannelRef("slack", TEAM, CHANNEL))
        assert info is not None
        return info.id


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A fake Slack on 127.0.0.1 that knows an admin, Alice and Bob."""
    fake = FakeSlack()
    fake.add_user(ADMIN, "Ada", is_admin=True)
    fake.add_user(ALICE, "Alice")
    fake.add_user(BOB, "Bob")
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


async def start_bot(
    ctx: AppContext, fake: FakeSlack, config: SlackConfig, *, process_before_response: bool = True
) -> SlackBot:
    """Build and start the adapter, and make it the context's Slack messenger."""
    clock = Clock(NOW)
    adapter = SlackAdapter(
        config,
        SharedBudgets(ctx.db),
        engine=ctx.db.engine,
        process_before_response=process_before_response,
        clock=clock,
    )
    ctx.messengers = {"slack": adapter.messenger}  # the fixture's context, shared by the test
    adapter.bind(ctx)
    await adapter.start()
    return SlackBot(adapter, fake, ctx, clock, aiohttp.ClientSession())


@pytest.fixture
async def slack(ctx: AppContext, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """The adapter in HTTP mode, one workspace, listeners finishing before the response."""
    bot = await start_bot(ctx, fake_slack, config_for(fake_slack))
    try:
        yield bot
    finally:
        await bot.session.close()
        await bot.adapter.stop()
