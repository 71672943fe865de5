"""No @everyone, role or user ping can be injected through an answer or a name."""

from __future__ import annotations

import json
from datetime import timedelta

from scalebot.domain.refs import UserRef
from scalebot.services import answers
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.fake_discord import GUILD_ID, Recorded
from tests.platforms.discord.payloads import ADMIN_PERMISSIONS, form, interaction, slash

PINGS = "@everyone @here <@&123456789012345678> <@234567890123456789>"
INJECTED = (
    f"{PINGS} We shard the database by user id and put a cache in front of it; "
    f"{PINGS} replicas take the reads."
)


def no_pings(request: Recorded) -> None:
    """Assert a message can ping nobody: mentions disabled and none left intact in the text."""
    assert request.body["allowed_mentions"] == {"parse": []}
    text = json.dumps(request.body, ensure_ascii=False)
    for ping in ("@everyone", "@here", "<@&123456789012345678>", "<@234567890123456789>"):
        assert ping not in text


def sent_messages(bot: Bot) -> list[Recorded]:
    """Every message the bot sent (channel posts and interaction follow-ups)."""
    return bot.fake.find("POST", r"^/channels/\d+/messages$") + bot.fake.find(
        "POST", r"^/webhooks/"
    )


async def test_pings_in_an_answer_do_not_reach_the_feedback(bot: Bot) -> None:
    await bot.enroll()
    sent = await bot.interact(interaction(5, form("scalebot:answer-form:0", INJECTED)))
    no_pings(sent[0])
    assert "@\u200beveryone" in json.dumps(sent[0].body, ensure_ascii=False)


async def test_a_member_named_everyone_on_the_public_leaderboard_pings_nobody(bot: Bot) -> None:
    await bot.enroll()
    troll = UserRef("discord", str(GUILD_ID), "600000000000000009", "@everyone")
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=troll, text=INJECTED, now=bot.clock()
    )
    payload = interaction(
        2, slash("admin", "leaderboard", public=True), permissions=ADMIN_PERMISSIONS
    )
    sent = await bot.interact(payload, followups=2)
    no_pings(sent[1])
    # The name is neutralised before Discord escaping: a full-width ＠ reads the same.
    assert sent[1].embeds[0]["description"].startswith("1. ＠everyone")


async def test_every_message_of_a_round_disables_mentions(bot: Bot) -> None:
    await bot.enroll()
    await bot.interact(interaction(5, form("scalebot:answer-form:0", INJECTED)))
    bot.clock.now += timedelta(days=1)
    await bot.post_today()
    messages = sent_messages(bot)
    assert len(messages) >= 4  # two posts, a summary, the feedback
    for message in messages:
        assert message.body["allowed_mentions"] == {"parse": []}
