"""Every /scale subcommand, fed as a real interaction through discord.py's parser and tree."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scalebot.domain.refs import UserRef
from scalebot.services import answers, channels
from scalebot.services.commands import ADMIN_ONLY
from tests.mentions import member_id, mentions
from tests.platforms.discord.conftest import DISCORD_CHANNEL, Bot
from tests.platforms.discord.fake_discord import APP_ID, CHANNEL_ID, GUILD_ID, Recorded, thread
from tests.platforms.discord.payloads import (
    ADMIN_ID,
    ADMIN_PERMISSIONS,
    ALICE_ID,
    autocomplete,
    click,
    interaction,
    slash,
)

EPHEMERAL = 64
DANGER = 4
DEFERRED_UPDATE = 6
ALICE_REF = UserRef("discord", str(GUILD_ID), str(ALICE_ID), "Alice")
GOOD_ANSWER = (
    "Shard the data by user id, add a read-through cache in front of the database, "
    "replicate for availability, and load test to find the bottleneck before scaling out."
)


def as_admin(data: dict[str, object], kind: int = 2) -> dict[str, object]:
    """An interaction from a member with Manage Server (a command unless told otherwise)."""
    return interaction(kind, data, user_id=ADMIN_ID, name="Ada", permissions=ADMIN_PERMISSIONS)


def title(sent: Recorded) -> str:
    """The title of the first embed of a message."""
    return str(sent.embeds[0]["title"])


def deferred_first(bot: Bot, payload: dict[str, object]) -> bool:
    """Tell whether the interaction was deferred privately before any follow-up was sent."""
    token = str(payload["token"])
    paths = [r.path for r in bot.fake.requests if token in r.path]
    callback = bot.fake.find("POST", rf"/interactions/\d+/{token}/callback")
    return (
        bool(paths)
        and paths[0].endswith("/callback")
        and callback[0].body == {"type": 5, "data": {"flags": EPHEMERAL}}
    )


async def test_help_is_private_and_deferred_first(bot: Bot) -> None:
    payload = interaction(2, slash("help"))
    sent = await bot.interact(payload)
    assert sent[0].body["flags"] == EPHEMERAL
    assert "How would you scale it" in title(sent[0])
    assert [f["name"] for f in sent[0].embeds[0]["fields"]] == ["Commands"]
    assert deferred_first(bot, payload)


async def test_help_shows_admin_commands_to_admins(bot: Bot) -> None:
    sent = await bot.interact(as_admin(slash("help")))
    fields = sent[0].embeds[0]["fields"]
    # A section longer than a field's 1,024 characters goes on in continuation fields.
    sections = [f["name"].removesuffix(" (continued)") for f in fields]
    assert list(dict.fromkeys(sections)) == ["Commands", "Admin"]
    admin_text = "\n".join(f["value"] for f in fields if f["name"].startswith("Admin"))
    assert "admin setup" in admin_text
    assert "admin season" in admin_text  # the last admin lines are not cut off


async def test_today_before_enrolment_says_how_to_enroll(bot: Bot) -> None:
    sent = await bot.interact(interaction(2, slash("today")))
    assert "not enrolled" in title(sent[0])


async def test_today_shows_the_question_privately_with_its_answer_button(bot: Bot) -> None:
    round_id = await bot.enroll()
    sent = await bot.interact(interaction(2, slash("today")))
    assert sent[0].body["flags"] == EPHEMERAL
    button = sent[0].body["components"][0]["components"][0]
    assert button["custom_id"] == f"scalebot:answer:{round_id}"
    assert sent[0].embeds[0]["description"]


async def test_streak_counts_an_answer(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    sent = await bot.interact(interaction(2, slash("streak")))
    assert title(sent[0]).startswith("Your streak: 1")


async def test_leaderboard_ranks_members(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    sent = await bot.interact(interaction(2, slash("leaderboard")))
    assert sent[0].body["flags"] == EPHEMERAL
    assert sent[0].embeds[0]["description"].startswith("1. Alice (you)")


async def test_stats_summarise_answers(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    sent = await bot.interact(interaction(2, slash("stats")))
    fields = {f["name"]: f["value"] for f in sent[0].embeds[0]["fields"]}
    assert fields["Answers"] == "1"


async def test_forget_me_asks_then_its_button_deletes_everything(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    her = await member_id(bot.ctx.db, ALICE_REF)
    (asked,) = await bot.interact(interaction(2, slash("forget-me")))
    assert asked.body["flags"] == EPHEMERAL
    assert title(asked) == "Delete everything scalebot stores about you here?"
    [[button]] = [row["components"] for row in asked.body["components"]]
    assert (button["label"], button["style"]) == ("Delete my data", DANGER)
    assert {"users", "answers", "streaks"} <= set(await mentions(bot.ctx.db, ALICE_REF, her))
    edited = await press(bot, button["custom_id"])
    assert title(edited).startswith("Deleted: scalebot no longer stores anything about you here")
    assert edited.body["components"] == []  # the button is gone
    assert await mentions(bot.ctx.db, ALICE_REF, her) == {}


async def test_a_button_naming_another_command_runs_nothing(bot: Bot) -> None:
    await bot.enroll()
    await bot.interact(interaction(2, slash("forget-me")))
    # A message whose button names a command buttons may not run (an old or altered message).
    forged = "scalebot:run:admin pause"
    button = {"type": 2, "style": 4, "label": "Pause", "custom_id": forged}
    shown = ephemeral_replies(bot)[-1] | {"components": [{"type": 1, "components": [button]}]}
    edited = await press(bot, forged, shown, as_admin=True)
    assert title(edited).startswith("This button is out of date")
    found = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert found is not None
    assert found.active


def ephemeral_replies(bot: Bot) -> list[dict[str, Any]]:
    """The private replies the bot sent, oldest first."""
    return [m for m in bot.fake.messages.values() if m["flags"] & EPHEMERAL]


async def press(
    bot: Bot, custom_id: str, shown: dict[str, Any] | None = None, *, as_admin: bool = False
) -> Recorded:
    """Click a button of a message (the newest private reply); return the edit replacing it."""
    data, message = click(custom_id), shown or ephemeral_replies(bot)[-1]
    clicked = (
        interaction(3, data, message=message, user_id=ADMIN_ID, permissions=ADMIN_PERMISSIONS)
        if as_admin
        else interaction(3, data, message=message)
    )
    bot.client._connection.parse_interaction_create(clicked)  # type: ignore[arg-type]
    token = clicked["token"]
    [callback] = await bot.fake.wait_for(
        "POST", rf"^/interactions/{clicked['id']}/{token}/callback$"
    )
    assert callback.body["type"] == DEFERRED_UPDATE
    original = rf"^/webhooks/{APP_ID}/{token}/messages/@original$"
    return (await bot.fake.wait_for("PATCH", original))[0]


async def test_export_me_sends_a_private_json_file(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    sent = await bot.interact(interaction(2, slash("export-me")))
    assert sent[0].body["flags"] == EPHEMERAL
    exported = json.loads(sent[0].files[f"scalebot-export-{ALICE_REF.user_id}.json"])
    assert exported["answers"][0]["text"] == GOOD_ANSWER


async def test_admin_setup_enrolls_the_channel(bot: Bot) -> None:
    data = slash("admin", "setup", time="07:30", zone="Europe/Berlin", days="weekdays")
    sent = await bot.interact(as_admin(data))
    assert title(sent[0]).startswith("This channel is enrolled")
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    assert str(info.schedule.describe()) == "07:30 Europe/Berlin, weekdays"


async def test_admin_setup_defaults_to_daily(bot: Bot) -> None:
    await bot.interact(as_admin(slash("admin", "setup", time="09:00", zone="UTC")))
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    assert str(info.schedule.describe()) == "09:00 UTC, daily"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"time": "9am", "zone": "UTC"}, "'9am' is not a time"),
        ({"time": "09:00", "zone": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone"),
        ({"time": "09:00 extra", "zone": "UTC"}, "'09:00 extra' is not a time"),
    ],
)
async def test_admin_setup_rejects_bad_input_and_stores_nothing(
    bot: Bot, options: dict[str, str], message: str
) -> None:
    sent = await bot.interact(as_admin(slash("admin", "setup", **options)))
    assert title(sent[0]).startswith(message)
    assert await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL) is None


@pytest.mark.parametrize(
    "path",
    [("setup",), ("pause",), ("resume",), ("post-now",), ("leaderboard",)],
)
async def test_members_calling_admin_commands_directly_are_refused(
    bot: Bot, path: tuple[str, ...]
) -> None:
    await bot.enroll(post=False)
    options = {"time": "10:00", "zone": "UTC"} if path == ("setup",) else {}
    sent = await bot.interact(interaction(2, slash("admin", *path, **options)))
    assert title(sent[0]) == str(ADMIN_ONLY)
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    assert str(info.schedule.describe()) == "09:00 UTC, daily"
    assert info.active
    assert bot.fake.find("POST", rf"/channels/{CHANNEL_ID}/messages") == []


async def test_admin_ids_setting_grants_admin_without_manage_server(bot: Bot) -> None:
    await bot.adapter.client.close()
    from tests.platforms.discord.conftest import logged_in

    adapter = await logged_in(bot.ctx, bot.fake, bot.clock, admin_ids=frozenset({str(ALICE_ID)}))
    try:
        bot.adapter = adapter
        sent = await bot.interact(interaction(2, slash("admin", "setup", time="08:00", zone="UTC")))
        assert title(sent[0]).startswith("This channel is enrolled")
    finally:
        await adapter.client.close()


async def test_admin_pause_and_resume(bot: Bot) -> None:
    await bot.enroll(post=False)
    paused = await bot.interact(as_admin(slash("admin", "pause")))
    assert title(paused[0]).startswith("Paused")
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    assert not info.active
    resumed = await bot.interact(as_admin(slash("admin", "resume")))
    assert title(resumed[0]).startswith("Resumed")
    info = await channels.get_channel(bot.ctx, channel=DISCORD_CHANNEL)
    assert info is not None
    assert info.active


async def test_admin_post_now_posts_the_question_with_a_thread(bot: Bot) -> None:
    await bot.enroll(post=False)
    sent = await bot.interact(as_admin(slash("admin", "post-now")))
    assert title(sent[0]) == "Posted today's round."
    posts = bot.fake.find("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    assert len(posts) == 1
    assert posts[0].body["components"][0]["components"][0]["label"] == "Answer"
    assert len(bot.fake.find("POST", rf"^/channels/{CHANNEL_ID}/messages/\d+/threads$")) == 1


async def test_admin_post_now_twice_posts_once(bot: Bot) -> None:
    await bot.enroll(post=False)
    await bot.interact(as_admin(slash("admin", "post-now")))
    again = await bot.interact(as_admin(slash("admin", "post-now")))
    assert "already posted" in title(again[0])
    assert len(bot.fake.find("POST", rf"^/channels/{CHANNEL_ID}/messages$")) == 1


async def test_admin_leaderboard_privately(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    sent = await bot.interact(as_admin(slash("admin", "leaderboard", period="week")))
    assert sent[0].body["flags"] == EPHEMERAL
    assert title(sent[0]) == "Leaderboard by points (this week)"
    assert sent[0].embeds[0]["description"].startswith("1. Alice")


async def test_admin_leaderboard_public_is_posted_for_everyone(bot: Bot) -> None:
    await bot.enroll()
    await answers.submit_answer(
        bot.ctx, channel=DISCORD_CHANNEL, user=ALICE_REF, text=GOOD_ANSWER, now=bot.clock()
    )
    payload = as_admin(slash("admin", "leaderboard", period="all", public=True))
    sent = await bot.interact(payload, followups=2)
    assert sent[0].body["flags"] == EPHEMERAL
    assert title(sent[0]) == "Posted to the channel."
    assert not sent[1].body.get("flags", 0) & EPHEMERAL
    assert title(sent[1]) == "Leaderboard by points (all time)"


async def test_zone_autocomplete_offers_matching_iana_zones(bot: Bot) -> None:
    response = await bot.respond(as_admin(autocomplete("berl"), kind=4))
    assert response.body["type"] == 8
    choices = [choice["value"] for choice in response.body["data"]["choices"]]
    assert choices[0] == "Europe/Berlin"
    assert len(choices) <= 25


async def test_zone_autocomplete_suggests_common_zones_when_empty(bot: Bot) -> None:
    response = await bot.respond(as_admin(autocomplete(""), kind=4))
    choices = [choice["value"] for choice in response.body["data"]["choices"]]
    assert "UTC" in choices
    assert "Europe/Berlin" in choices


async def test_commands_in_direct_messages_explain_they_need_a_server(bot: Bot) -> None:
    sent = await bot.interact(interaction(2, slash("streak"), guild=False))
    assert "server channel" in title(sent[0])


async def test_a_command_inside_the_question_thread_counts_for_its_channel(bot: Bot) -> None:
    await bot.enroll()
    thread_id = int(bot.fake.find("POST", r"/threads$")[0].path.split("/")[4])
    inside = thread(thread_id, CHANNEL_ID, "Discuss")
    sent = await bot.interact(
        interaction(2, slash("today"), channel_id=thread_id, channel_data=inside)
    )
    assert title(sent[0]) == bot.fake.messages[thread_id]["embeds"][0]["title"]
