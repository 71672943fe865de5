"""Files on Discord: the stats picture and exports attached to the private reply (multipart)."""

from __future__ import annotations

import io

from PIL import Image

from scalebot.services import answers
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.payloads import ALICE_ID, interaction, slash
from tests.platforms.discord.test_commands import (
    ALICE_REF,
    EPHEMERAL,
    GOOD_ANSWER,
    as_admin,
    title,
)


async def test_stats_attaches_the_picture_inside_the_private_embed(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    sent = await bot.interact(interaction(2, slash("stats")))
    assert sent[0].body["flags"] == EPHEMERAL
    name = f"scalebot-stats-{ALICE_ID}.png"
    png = sent[0].files[name]
    assert len(png) < 200 * 1024
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert sent[0].embeds[0]["image"]["url"] == f"attachment://{name}"
    assert title(sent[0]) == "Your practice so far"


async def test_stats_before_any_answer_attaches_nothing(bot: Bot) -> None:
    await bot.enroll()
    sent = await bot.interact(interaction(2, slash("stats")))
    assert sent[0].files == {}
    assert title(sent[0]) == "No answers yet"


async def test_admin_export_attaches_the_csv_privately(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    sent = await bot.interact(as_admin(slash("admin", "export")))
    assert sent[0].body["flags"] == EPHEMERAL
    [(name, data)] = sent[0].files.items()
    assert name.startswith("scalebot-channel-")
    assert name.endswith(".csv")
    assert GOOD_ANSWER in data.decode("utf-8-sig")
    assert title(sent[0]) == "Channel export: 1 answer"


async def test_a_member_gets_no_channel_export(bot: Bot) -> None:
    await bot.enroll()
    sent = await bot.interact(interaction(2, slash("admin", "export")))
    assert sent[0].files == {}
    assert title(sent[0]).startswith("Only channel admins")
