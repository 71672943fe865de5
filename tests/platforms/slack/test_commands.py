"""Every /scale subcommand through real HTTP: signed POSTs in, Web API calls out."""

from __future__ import annotations

import json

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.services import channels, members
from tests.mentions import member_id, mentions
from tests.platforms.slack.conftest import ADMIN, ALICE, CHANNEL, SlackBot
from tests.platforms.slack.fake_slack import TEAM

ANSWER = "Shard by user id, cache hot reads, queue writes, autoscale workers, monitor p99 latency."
SLACK_CHANNEL = ChannelRef("slack", TEAM, CHANNEL)


async def test_help_is_private_and_shows_admin_commands_to_admins_only(slack: SlackBot) -> None:
    status, _ = await slack.command("help")
    member_help = slack.last_reply()
    await slack.command("help", user=ADMIN)
    admin_help = slack.last_reply()
    assert status == 200
    assert member_help["response_type"] == "ephemeral"
    assert "/scale today" in member_help["text"]
    assert "admin setup" not in member_help["text"]
    assert "admin setup" in admin_help["text"]


async def test_empty_command_shows_help(slack: SlackBot) -> None:
    await slack.command("")
    assert "/scale today" in slack.last_reply()["text"]


async def test_setup_enrolls_the_channel(slack: SlackBot) -> None:
    await slack.command("admin setup 09:30 Europe/Berlin weekdays", user=ADMIN)
    assert "This channel is enrolled" in slack.last_reply()["text"]
    info = await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert (info.schedule.timezone, info.schedule.days.value) == ("Europe/Berlin", "weekdays")


async def test_bad_setup_gets_one_line_and_stores_nothing(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 Mars/Olympus", user=ADMIN)
    reply = slack.last_reply()
    assert "is not a time zone" in reply["text"]
    assert "\n" not in reply["text"]
    assert await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL) is None


async def test_post_now_posts_the_question_with_an_answer_button(slack: SlackBot) -> None:
    await slack.enroll()
    assert slack.last_reply()["text"] == "Posted today's round."
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["channel"] == CHANNEL
    buttons = [b for b in post.params["blocks"] if b["type"] == "actions"]
    assert buttons[0]["elements"][0]["action_id"] == "scalebot_answer"
    assert buttons[0]["elements"][0]["value"].isdigit()


async def test_today_shows_the_open_question(slack: SlackBot) -> None:
    await slack.enroll()
    posted = slack.fake.calls_to("chat.postMessage")[0].params["text"]
    await slack.command("today")
    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].splitlines()[0] == posted.splitlines()[0]
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_answer_with_text_grades_privately_and_counts(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Score ")
    assert "Streak: 1 round" in reply["text"]
    await slack.command("streak")
    assert slack.last_reply()["text"].startswith("Your streak: 1 (longest 1)")


async def test_answer_text_is_unescaped_before_it_is_stored(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("answer p99 &lt; 200ms &amp;&amp; cache hit rate &gt; 90%")
    await slack.command("export-me")
    exported = json.loads(slack.fake.uploads[-1])
    assert exported["answers"][0]["text"] == "p99 < 200ms && cache hit rate > 90%"


async def test_leaderboard_and_stats(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("leaderboard")
    assert "Alice (you)" in slack.last_reply()["text"]
    await slack.command("stats")
    assert slack.last_reply()["text"].startswith("Your practice so far")


async def test_export_me_sends_a_file_by_direct_message(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("export-me")
    (opened,) = slack.fake.calls_to("conversations.open")
    assert opened.params["users"] == ALICE
    (asked,) = slack.fake.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == f"scalebot-export-{ALICE}.json"
    (completed,) = slack.fake.calls_to("files.completeUploadExternal")
    assert completed.params["channel_id"] == "D" + ALICE
    assert json.loads(slack.fake.uploads[-1])["answers"][0]["text"] == ANSWER
    assert "direct message" in slack.last_reply()["text"]


async def test_forget_me_asks_then_its_button_deletes_everything(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    alice = UserRef("slack", TEAM, ALICE, "Alice")
    her = await member_id(slack.ctx.db, alice)
    await slack.command("forget-me")
    asked = slack.last_reply()
    assert asked["text"].startswith("Delete everything scalebot stores about you here?")
    stored = await mentions(slack.ctx.db, alice, her)
    assert {"users", "answers", "streaks", "point_totals"} <= set(stored)
    pressed = slack.fake.press(asked, "Delete my data", user=ALICE, channel=CHANNEL)
    status, _ = await slack.interaction(pressed)  # signed, over HTTP, as Slack sends it
    assert status == 200
    done = slack.last_reply()
    assert done["url_name"].startswith("pressed-")
    assert done["replace_original"] is True  # the button is gone with the question
    assert done["text"].startswith("Deleted: scalebot no longer stores anything about you here.")
    assert "actions" not in [block["type"] for block in done["blocks"]]
    assert await mentions(slack.ctx.db, alice, her) == {}


async def test_a_button_naming_another_command_runs_nothing(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("forget-me")
    pressed = slack.fake.press(slack.last_reply(), "Delete my data", user=ADMIN, channel=CHANNEL)
    pressed["actions"][0]["value"] = "admin pause"
    await slack.interaction(pressed)
    assert slack.last_reply()["text"].startswith("This button is out of date")
    info = await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert info.active


async def test_pause_and_resume(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("admin pause", user=ADMIN)
    assert slack.last_reply()["text"].startswith("Paused")
    info = await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert not info.active
    await slack.command("admin resume", user=ADMIN)
    assert slack.last_reply()["text"].startswith("Resumed")
    info = await channels.get_channel(slack.ctx, channel=SLACK_CHANNEL)
    assert info is not None
    assert info.active


async def test_admin_leaderboard_privately_or_in_the_channel(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("admin leaderboard week", user=ADMIN)
    assert slack.last_reply()["text"].startswith("Leaderboard by points (this week)")
    posts_before = len(slack.fake.calls_to("chat.postMessage"))
    responses_before = len(slack.replies())
    await slack.command("admin leaderboard all public", user=ADMIN)
    public = slack.fake.calls_to("chat.postMessage")[posts_before:]
    assert [call.params["channel"] for call in public] == [CHANNEL]
    assert public[0].params["text"].startswith("Leaderboard by points (all time)")
    assert "Alice" in public[0].params["text"]
    assert len(slack.replies()) == responses_before


async def test_public_reply_in_a_channel_the_bot_cannot_post_to(slack: SlackBot) -> None:
    await slack.enroll()
    slack.fake.fail("chat.postMessage", "not_in_channel")
    await slack.command("admin leaderboard all public", user=ADMIN)
    assert "invite me with /invite" in slack.last_reply()["text"]


async def test_unknown_subcommand_gets_one_line(slack: SlackBot) -> None:
    await slack.command("frobnicate")
    reply = slack.last_reply()
    assert reply["text"] == "Unknown command 'frobnicate': try /scale help."
    assert reply["response_type"] == "ephemeral"


async def test_answer_in_a_channel_that_is_not_enrolled_stores_nothing(slack: SlackBot) -> None:
    await slack.command(f"answer {ANSWER}")
    assert "not enrolled" in slack.last_reply()["text"]
    exported = await members.export_user(slack.ctx, user=UserRef("slack", TEAM, ALICE, "Alice"))
    assert exported["answers"] == []


async def test_an_unexpected_failure_gets_a_private_apology(slack: SlackBot) -> None:
    """A broken database (here: a dropped table) must not leave the member without a reply."""
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin post-now", user=ADMIN)
    async with slack.ctx.db.engine.begin() as connection:
        await connection.exec_driver_sql("DROP TABLE streaks")
    before = len(slack.replies())
    await slack.command("answer I would shard the data because one box is slow")
    assert len(slack.replies()) == before + 1
    assert "something went wrong" in json.dumps(slack.last_reply())
