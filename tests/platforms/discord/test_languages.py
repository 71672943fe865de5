"""One channel, two languages: each member reads their own (Discord locale or choice)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from scalebot.services import languages
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.fake_discord import CHANNEL_ID, Recorded
from tests.platforms.discord.payloads import BOB_ID, form, interaction, slash
from tests.platforms.discord.test_commands import GOOD_ANSWER, as_admin, title

CHINESE_ANSWER = (
    "我会按用户分片，缓存热点读请求，因为这样能控制延迟；写入走消息队列，自动扩容工作节点。"
)


def from_locale(payload: dict[str, Any], locale: str) -> dict[str, Any]:
    """The same interaction from a client set to another language."""
    return payload | {"locale": locale}


async def test_a_chinese_and_an_english_member_each_get_feedback_in_their_own_language(
    bot: Bot,
) -> None:
    await bot.enroll()
    alice = interaction(2, slash("answer", text=GOOD_ANSWER))
    (chinese,) = await bot.interact(from_locale(alice, "zh-CN"))
    bob = interaction(2, slash("answer", text=CHINESE_ANSWER), user_id=BOB_ID, name="Bob")
    (english,) = await bot.interact(from_locale(bob, "en-GB"))
    # Feedback follows the reader, whatever language the answer is written in.
    assert title(chinese).startswith("得分 ")
    assert "覆盖" in title(chinese)
    assert title(english).startswith("Score ")
    assert "criteria covered" in title(english)


async def test_the_answer_form_reads_in_the_clients_language(bot: Bot) -> None:
    await bot.enroll()
    opened = await bot.respond(from_locale(interaction(2, slash("answer")), "zh-TW"))
    assert opened.body["data"]["title"] == "你会怎么扩展它？"
    submitted = interaction(5, form("scalebot:answer-form:0", GOOD_ANSWER))
    (feedback,) = await bot.interact(from_locale(submitted, "zh-TW"))
    assert title(feedback).startswith("得分 ")


async def test_a_choice_beats_the_locale_and_an_unknown_locale_reads_the_channel(
    bot: Bot,
) -> None:
    await bot.enroll()
    chose: list[Recorded] = await bot.interact(
        from_locale(interaction(2, slash("language", code="zh")), "en-US")
    )
    assert title(chose[0]) == "今后给你的私信回复将使用中文。"
    (streak,) = await bot.interact(from_locale(interaction(2, slash("streak")), "en-US"))
    assert title(streak).startswith("你的连续轮数")
    await bot.interact(as_admin(slash("admin", "language", code="zh")))
    bob = interaction(2, slash("streak"), user_id=BOB_ID, name="Bob")
    (unknown,) = await bot.interact(from_locale(bob, "pt-BR"))
    assert title(unknown).startswith("你的连续轮数")


async def test_a_lower_form_answer_is_told_in_chinese_that_the_best_one_counts(bot: Bot) -> None:
    round_id = await bot.enroll()
    replies = []
    for text in (GOOD_ANSWER, "缓存。"):
        submitted = interaction(5, form(f"scalebot:answer-form:{round_id}", text))
        replies.extend(await bot.interact(from_locale(submitted, "zh-CN")))
    footer = str(replies[-1].embeds[0]["footer"]["text"])
    assert footer.startswith("你之前的回答得了 ")
    assert "仍然有效" in footer
    assert "earlier" not in str(replies[-1].embeds)


def button_labels(sent: Recorded) -> list[str]:
    """The labels of every button on a message."""
    rows = sent.body.get("components") or []
    return [str(item["label"]) for row in rows for item in row.get("components") or []]


async def test_a_chinese_channel_and_member_see_chinese_buttons_summaries_and_notices(
    bot: Bot,
) -> None:
    await bot.enroll(post=False)
    await languages.set_channel_language(
        bot.ctx, channel=DISCORD_CHANNEL, code="zh", now=bot.clock()
    )
    for day in range(9):
        if day:
            bot.clock.now += timedelta(days=1)
        await bot.post_today()
        if day < 7:
            await bot.interact(
                from_locale(interaction(2, slash("answer", text=GOOD_ANSWER)), "zh-CN")
            )
    posts = bot.fake.find("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    assert button_labels(posts[0]) == ["作答"]
    summaries = [p for p in bot.fake.find("POST", r"^/channels/\d+/messages$") if p not in posts]
    assert str(summaries[0].embeds[0]["title"]).startswith("第 1 轮结束")
    (streak,) = await bot.interact(from_locale(interaction(2, slash("streak")), "zh-CN"))
    assert "一张冻结卡保住了你的连续轮数" in str(streak.embeds)
    (practice,) = await bot.interact(from_locale(interaction(2, slash("practice")), "zh-CN"))
    assert button_labels(practice) == ["作答"]
    (asked,) = await bot.interact(from_locale(interaction(2, slash("forget-me")), "zh-CN"))
    assert title(asked).startswith("要删除 scalebot")
    assert button_labels(asked) == ["删除我的数据"]
