"""/scale admin topics | difficulty | skip | unskip as real interactions through discord.py."""

from __future__ import annotations

from typing import Any

from scalebot.domain.rounds import PostStatus
from scalebot.platforms.discord.channel_commands import topic_suggestions
from scalebot.services import rounds
from tests.platforms.discord.conftest import Bot
from tests.platforms.discord.payloads import (
    ADMIN_ID,
    ADMIN_PERMISSIONS,
    COMMAND_ID,
    interaction,
    slash,
)


def as_admin(data: dict[str, Any], kind: int = 2) -> dict[str, Any]:
    """An interaction from a member with Manage Server."""
    return interaction(kind, data, user_id=ADMIN_ID, name="Ada", permissions=ADMIN_PERMISSIONS)


def typing_topics(typed: str) -> dict[str, Any]:
    """Autocomplete data for the topics option of /scale admin topics."""
    leaf = {"name": "topics", "type": 3, "value": typed, "focused": True}
    topics = {"name": "topics", "type": 1, "options": [leaf]}
    admin = {"name": "admin", "type": 2, "options": [topics]}
    return {"id": str(COMMAND_ID), "name": "scale", "type": 1, "options": [admin]}


async def test_admin_topics_sets_the_channel_filter(bot: Bot) -> None:
    await bot.enroll(post=False)
    sent = await bot.interact(as_admin(slash("admin", "topics", topics="deployment,monitoring")))
    embed = sent[0].embeds[0]
    assert sent[0].body["flags"] == 64
    assert embed["title"] == "Rounds here ask: topics deployment, monitoring, every difficulty."
    round_id = await bot.post_today()
    post = bot.fake.find("POST", r"^/channels/\d+/messages$")[0].embeds[0]
    topic = next(f["value"] for f in post["fields"] if f["name"] == "Topic")
    assert topic in ("Deployment", "Monitoring")  # the topic's title, as members read it
    assert round_id


async def test_admin_difficulty_refuses_an_unknown_level_in_one_line(bot: Bot) -> None:
    await bot.enroll(post=False)
    sent = await bot.interact(as_admin(slash("admin", "difficulty", levels="brutal")))
    title = sent[0].embeds[0]["title"]
    assert title == "Unknown difficulty 'brutal': use easy, medium, hard, or all."


async def test_admin_topics_without_options_shows_the_filter(bot: Bot) -> None:
    await bot.enroll(post=False)
    sent = await bot.interact(as_admin(slash("admin", "topics")))
    assert sent[0].embeds[0]["title"] == "Rounds here ask: every topic and difficulty."


async def test_admin_skip_keeps_the_date_free_and_unskip_brings_it_back(bot: Bot) -> None:
    channel_id = await bot.enroll(post=False)
    day = bot.clock().date().isoformat()
    sent = await bot.interact(as_admin(slash("admin", "skip", date=day)))
    assert sent[0].embeds[0]["title"].startswith("No round on ")
    listed = await bot.interact(as_admin(slash("admin", "skip", date="list")))
    assert listed[0].embeds[0]["title"] == "1 date skipped"
    skipped = await rounds.post_round(bot.ctx, channel_id=channel_id, now=bot.clock())
    assert skipped.status is PostStatus.SKIPPED
    assert bot.fake.find("POST", r"^/channels/\d+/messages$") == []
    back = await bot.interact(as_admin(slash("admin", "unskip", date=day)))
    assert back[0].embeds[0]["title"].endswith("gets its round again.")
    posted = await rounds.post_round(bot.ctx, channel_id=channel_id, now=bot.clock())
    assert posted.status is PostStatus.POSTED


async def test_topics_autocomplete_completes_the_last_topic(bot: Bot) -> None:
    response = await bot.respond(as_admin(typing_topics("deployment,mon"), kind=4))
    assert response.body["type"] == 8
    choices = [choice["value"] for choice in response.body["data"]["choices"]]
    assert choices == ["deployment,monitoring"]


def test_topic_suggestions_leave_out_chosen_ones_and_put_prefixes_first() -> None:
    topics = ["cost", "data-volume", "deployment", "monitoring"]
    assert topic_suggestions("", topics) == topics
    assert topic_suggestions("de", topics) == ["deployment"]
    assert topic_suggestions("deployment,", topics) == [
        "deployment,cost",
        "deployment,data-volume",
        "deployment,monitoring",
    ]
    assert topic_suggestions("o", topics)[0] == "cost"  # substring matches only: alphabetical
