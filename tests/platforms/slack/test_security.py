"""Signatures, admin checks on every admin command, and no mentions injected through echoed text."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from scalebot.domain.refs import ChannelRef
from scalebot.services import channels, rounds
from scalebot.services.commands import ADMIN_ONLY
from scalebot.services.context import AppContext
from tests.platforms.slack.conftest import (
    ADMIN,
    ALICE,
    BOB,
    CHANNEL,
    SlackBot,
    config_for,
    start_bot,
)
from tests.platforms.slack.fake_slack import TEAM, FakeSlack, form, sign

SLACK_CHANNEL = ChannelRef("slack", TEAM, CHANNEL)
SETUP = form(
    command="/scale",
    text="admin setup 09:00 UTC",
    team_id=TEAM,
    channel_id=CHANNEL,
    user_id=ADMIN,
    trigger_id="t",
    response_url="http://127.0.0.1:9/never",
)


@pytest.mark.parametrize(
    "headers",
    [
        sign(SETUP, secret="f" * 32),
        sign(SETUP, timestamp=int(time.time()) - 301),
        {},
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
    ],
    ids=["bad-signature", "stale-timestamp", "no-headers", "no-signature"],
)
async def test_unsigned_requests_get_401_and_change_nothing(
    slack: SlackBot, headers: dict[str, str]
) -> None:
    before = len(slack.fake.calls)
    status, _ = await slack.post(
        SETUP, content_type="application/x-www-form-urlencoded", headers=headers
    )
    assert status == 401
    assert slack.fake.calls[before:] == []
    assert await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL) is None


async def test_a_tampered_body_is_refused(slack: SlackBot) -> None:
    headers = sign(SETUP)
    tampered = SETUP.replace(ADMIN, ALICE)
    status, _ = await slack.post(
        tampered, content_type="application/x-www-form-urlencoded", headers=headers
    )
    assert status == 401


@pytest.mark.parametrize(
    "command",
    [
        "admin setup 09:00 UTC",
        "admin pause",
        "admin resume",
        "admin post-now",
        "admin leaderboard all public",
    ],
)
async def test_members_cannot_run_admin_commands(slack: SlackBot, command: str) -> None:
    await slack.enroll()
    posts = len(slack.fake.calls_to("chat.postMessage"))
    await slack.command(command, user=BOB)
    assert slack.last_reply()["text"] == str(ADMIN_ONLY)
    assert len(slack.fake.calls_to("chat.postMessage")) == posts
    info = await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert info.active


async def test_owners_are_admins(slack: SlackBot) -> None:
    slack.fake.add_user("UOWNER", "Olive", is_owner=True)
    await slack.command("admin setup 09:00 UTC", user="UOWNER")
    assert slack.last_reply()["text"].startswith("This channel is enrolled")


async def test_when_users_info_fails_nobody_is_an_admin_by_default(slack: SlackBot) -> None:
    slack.fake.fail("users.info", "user_not_found")
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    assert slack.last_reply()["text"] == str(ADMIN_ONLY)
    assert await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL) is None


@pytest.fixture
async def configured(ctx: AppContext, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """The adapter with Alice listed in SCALEBOT_ADMIN_IDS."""
    config = config_for(fake_slack, admin_ids=frozenset({ALICE}))
    bot = await start_bot(ctx, fake_slack, config)
    try:
        yield bot
    finally:
        await bot.session.close()
        await bot.adapter.stop()


async def test_admin_ids_setting_makes_an_admin(configured: SlackBot) -> None:
    configured.fake.fail("users.info", "user_not_found")
    await configured.command("admin setup 09:00 UTC", user=ALICE)
    assert configured.last_reply()["text"].startswith("This channel is enrolled")
    await configured.command("admin pause", user=BOB)
    assert configured.last_reply()["text"] == str(ADMIN_ONLY)


async def test_admin_status_is_checked_on_every_command(slack: SlackBot) -> None:
    await slack.enroll()
    slack.fake.add_user(ADMIN, "Ada")  # demoted in Slack since the last command
    await slack.command("admin pause", user=ADMIN)
    assert slack.last_reply()["text"] == str(ADMIN_ONLY)
    assert len([c for c in slack.fake.calls_to("users.info") if c.params["user"] == ADMIN]) == 3


async def test_mentions_in_answers_are_escaped_in_feedback(slack: SlackBot) -> None:
    await slack.enroll()
    current = await rounds.current_round(slack.ctx, channel=SLACK_CHANNEL)
    cue = current.question.rubric[0].cues[0]
    await slack.command(f"answer <!channel> <@U999> & <!here> {cue}.")
    reply = slack.last_reply()
    sent = json.dumps(reply)
    assert "&lt;!channel&gt; &lt;@U999&gt; &amp; &lt;!here&gt;" in sent
    assert "<!channel>" not in sent
    assert "<@U999>" not in sent


async def test_mentions_in_names_are_escaped_in_public_posts(slack: SlackBot) -> None:
    slack.fake.add_user(ALICE, "<!here> Alice & <@U999>")
    await slack.enroll()
    await slack.command("answer Shard, cache, queue and monitor.")
    await slack.command("admin leaderboard all public", user=ADMIN)
    board = slack.fake.calls_to("chat.postMessage")[-1]
    sent = json.dumps({"text": board.params["text"], "blocks": board.params["blocks"]})
    assert "&lt;!here&gt; Alice &amp; &lt;@U999&gt;" in sent
    assert "<!here>" not in sent
    assert "<@U999>" not in sent
