"""The weekly digest and the post's ping on Discord, through discord.py's real REST layer."""

from __future__ import annotations

from datetime import timedelta

from scalebot.services import answers, reminders
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.fake_discord import CHANNEL_ID, GUILD_ID
from tests.platforms.discord.payloads import ALICE_ID, interaction, slash
from tests.platforms.discord.test_commands import ALICE_REF, GOOD_ANSWER, as_admin, title

CHANNEL_POSTS = rf"^/channels/{CHANNEL_ID}/messages$"


async def test_the_weeks_first_round_posts_the_digest_before_the_question(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    bot.clock.now += timedelta(days=7)
    await bot.post_today()
    posts = bot.fake.find("POST", CHANNEL_POSTS)
    titles = [post.embeds[0]["title"] for post in posts]
    assert titles[1] == "Weekly digest: Jan 5, 2026 to Jan 11, 2026"
    assert titles[2].startswith("Mon 12 Jan: ")  # the new question is what people see last
    fields = {field["name"]: field["value"] for field in posts[1].embeds[0]["fields"]}
    assert fields["Top streaks"] == "1. Alice: 1 round"
    assert posts[1].body["allowed_mentions"] == {"parse": []}


async def test_the_digest_slash_command_turns_it_off(bot: Bot) -> None:
    await bot.enroll()
    sent = await bot.interact(as_admin(slash("admin", "digest", state="off")))
    assert title(sent[0]) == "The weekly digest is off."


ROLE_ID = 300000000000000001


def ping(role_id: int, name: str) -> dict[str, object]:
    """/scale admin ping with a role option, resolved as Discord sends it."""
    data = slash("admin", "ping")
    data["options"][0]["options"][0]["options"] = [
        {"name": "role", "type": 8, "value": str(role_id)}
    ]
    role = {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "position": 1 if role_id != GUILD_ID else 0,
        "permissions": "0",
        "managed": False,
        "mentionable": True,
        "flags": 0,
    }
    data["resolved"] = {"roles": {str(role_id): role}}
    return data


async def test_the_post_pings_exactly_the_role_an_admin_set(bot: Bot) -> None:
    await bot.enroll(post=False)
    sent = await bot.interact(as_admin(ping(ROLE_ID, "reviewers")))
    assert title(sent[0]) == f"Each daily post here now pings the role {ROLE_ID}."
    await bot.post_today()
    (post,) = bot.fake.find("POST", CHANNEL_POSTS)
    assert post.body["content"] == f"<@&{ROLE_ID}>"
    assert post.body["allowed_mentions"] == {"parse": [], "roles": [ROLE_ID]}


async def test_the_everyone_role_is_refused_and_off_stops_the_ping(bot: Bot) -> None:
    await bot.enroll(post=False)
    sent = await bot.interact(as_admin(ping(GUILD_ID, "@everyone")))
    assert title(sent[0]).startswith("scalebot never pings everyone")
    await bot.interact(as_admin(ping(ROLE_ID, "reviewers")))
    off = await bot.interact(as_admin(slash("admin", "ping", off=True)))
    assert title(off[0]) == "Daily posts here ping nobody now."
    await bot.post_today()
    (post,) = bot.fake.find("POST", CHANNEL_POSTS)
    assert "content" not in post.body or not post.body["content"]
    assert post.body["allowed_mentions"] == {"parse": []}


async def test_a_reminder_is_a_dm_sent_once_before_the_round_closes(bot: Bot) -> None:
    await bot.enroll()
    for _day in range(3):
        await answers.submit_answer(
            bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
        )
        bot.clock.now += timedelta(days=1)
        await bot.post_today()
    said = await bot.interact(interaction(2, slash("remind", state="on")))
    assert title(said[0]) == "Reminders are on here."
    later = bot.clock() + timedelta(hours=22)
    assert await reminders.send_due_reminders(bot.ctx, now=later) == 1
    assert await reminders.send_due_reminders(bot.ctx, now=later) == 0
    [opened] = bot.fake.find("POST", r"^/users/@me/channels$")
    assert opened.body["recipient_id"] in (ALICE_ID, str(ALICE_ID))
    dm_posts = [
        r
        for r in bot.fake.find("POST", r"^/channels/\d+/messages$")
        if r.embeds and r.embeds[0]["title"].startswith("Your streak")
    ]
    assert [r.embeds[0]["title"] for r in dm_posts] == ["Your streak of 3 rounds ends in 2 hours"]
