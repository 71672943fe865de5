"""One channel, two languages: each member's feedback in their own (Slack locale or choice)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.platforms.slack.conftest import ADMIN, ALICE, BOB, SlackBot
from tests.platforms.slack.test_modal import click_answer, opened_view, posted_round_id, submit
from tests.platforms.slack.test_threads import question_ts, reply_event

ANSWER = "Shard by user id, cache hot reads, queue writes, autoscale workers, monitor p99 latency."
CHINESE_ANSWER = "我会按用户分片，缓存热点读请求，因为这样能控制延迟；写入走消息队列。"


async def test_a_chinese_and_an_english_member_each_read_their_own_language(
    slack: SlackBot,
) -> None:
    slack.fake.users[ALICE]["locale"] = "zh-CN"
    slack.fake.users[BOB]["locale"] = "en-US"
    await slack.enroll()
    await slack.command(f"answer {ANSWER}", user=ALICE)
    alice = slack.last_reply()
    await slack.command(f"answer {CHINESE_ANSWER}", user=BOB)
    bob = slack.last_reply()
    # Feedback follows the reader, whatever language the answer is written in.
    assert alice["text"].startswith("得分 ")
    assert "覆盖" in alice["text"]
    assert bob["text"].startswith("Score ")
    assert "criteria covered" in bob["text"]
    # users.info was asked for the locale.
    asked = slack.fake.calls_to("users.info")
    assert asked
    assert all(str(call.params.get("include_locale")).lower() in ("1", "true") for call in asked)


async def test_a_members_choice_beats_their_slack_locale(slack: SlackBot) -> None:
    slack.fake.users[ALICE]["locale"] = "en-US"
    await slack.enroll()
    await slack.command("language zh", user=ALICE)
    assert slack.last_reply()["text"].startswith("今后给你的私信回复将使用中文")
    await slack.command("streak", user=ALICE)
    assert slack.last_reply()["text"].startswith("你的连续轮数")


async def test_an_unsupported_locale_reads_the_channels_language(slack: SlackBot) -> None:
    slack.fake.users[ALICE]["locale"] = "fr-FR"
    await slack.enroll()
    await slack.command("admin language zh", user=ADMIN)
    await slack.command("streak", user=ALICE)
    assert slack.last_reply()["text"].startswith("你的连续轮数")


async def test_a_thread_answer_gets_feedback_in_the_authors_language(slack: SlackBot) -> None:
    slack.fake.users[ALICE]["locale"] = "zh-TW"
    await slack.enroll()
    await slack.event(reply_event(question_ts(slack), ANSWER), event_id="Ev-zh")
    (feedback,) = slack.fake.calls_to("chat.postEphemeral")
    assert feedback.params["text"].startswith("得分 ")


async def test_the_daily_post_speaks_the_channels_language(slack: SlackBot) -> None:
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin language zh", user=ADMIN)
    await slack.command("admin post-now", user=ADMIN)
    post = slack.fake.calls_to("chat.postMessage")[-1]
    blocks = str(post.params["blocks"])
    assert "主题" in blocks
    assert "作答" in blocks  # the Answer button
    assert "用 /scale answer 私下作答" in blocks


async def test_a_lower_form_answer_is_told_in_chinese_that_the_best_one_counts(
    slack: SlackBot,
) -> None:
    slack.fake.users[ALICE]["locale"] = "zh-CN"
    await slack.enroll()
    round_id = posted_round_id(slack)
    for text in (ANSWER, "缓存。"):
        await slack.interaction(click_answer(slack, round_id))
        await slack.interaction(submit(opened_view(slack), text))
    kept = slack.last_reply()
    footer = kept["blocks"][-1]["elements"][0]["text"]
    assert footer.startswith("你之前的回答得了 ")
    assert "仍然有效" in footer
    assert "earlier" not in str(kept)


def button_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """The labels of every button in a message's blocks."""
    return [
        element["text"]["text"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_a_chinese_channel_and_member_see_chinese_buttons_summaries_and_notices(
    slack: SlackBot,
) -> None:
    slack.fake.users[ALICE]["locale"] = "zh-CN"
    await slack.command("admin setup 09:00 UTC", user=ADMIN)
    await slack.command("admin language zh", user=ADMIN)
    await slack.command("admin post-now", user=ADMIN)
    posted = slack.fake.calls_to("chat.postMessage")[-1].params
    assert button_texts(posted["blocks"]) == ["作答"]
    for day in range(7):
        if day:
            slack.clock.now += timedelta(days=1)
            await slack.command("admin post-now", user=ADMIN)
        await slack.command(f"answer {ANSWER}", user=ALICE)
    for _missed_and_closed in range(2):
        slack.clock.now += timedelta(days=1)
        await slack.command("admin post-now", user=ADMIN)
    summaries = [c for c in slack.fake.calls_to("chat.postMessage") if "thread_ts" in c.params]
    assert summaries[0].params["text"].startswith("第 1 轮结束")
    assert "参考答案" in summaries[0].params["text"]
    await slack.command("streak", user=ALICE)
    assert "一张冻结卡保住了你的连续轮数" in slack.last_reply()["text"]
    await slack.command("practice", user=ALICE)
    assert button_texts(slack.last_reply()["blocks"]) == ["作答"]
    await slack.command("forget-me", user=ALICE)
    asked = slack.last_reply()
    assert asked["text"].startswith("要删除 scalebot")
    assert button_texts(asked["blocks"]) == ["删除我的数据"]
