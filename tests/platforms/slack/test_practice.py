"""Practice on Slack: /scale practice → Answer button → views.open → view_submission → feedback."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from scalebot.domain.refs import UserRef
from scalebot.services import members
from tests.platforms.slack.conftest import ALICE, CHANNEL, SlackBot
from tests.platforms.slack.fake_slack import TEAM
from tests.platforms.slack.test_modal import opened_view, submit

ANSWER = "Shard by user id because one node cannot hold it; cache hot reads to cut latency."


def practice_button(reply: dict[str, Any]) -> dict[str, Any]:
    """The Answer button of a practice question reply."""
    actions = next(b for b in reply["blocks"] if b["type"] == "actions")
    button: dict[str, Any] = actions["elements"][0]
    return button


def click_practice(slack: SlackBot, question_id: str, *, user: str = ALICE) -> dict[str, Any]:
    """The block_actions payload of a click on a practice question's Answer button."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "team"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": "trigger-practice",
        "channel": {"id": CHANNEL, "name": "practice"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": CHANNEL},
        "response_url": slack.fake.response_url("practice-button"),
        "actions": [
            {
                "type": "button",
                "action_id": "scalebot_practice",
                "block_id": "scalebot_practice",
                "value": question_id,
                "action_ts": "1.2",
            }
        ],
    }


async def practice_data(slack: SlackBot, user: str = ALICE) -> dict[str, Any]:
    """What export-me holds of a member's practice."""
    exported = await members.export_user(slack.ctx, user=UserRef("slack", TEAM, user, user))
    data: dict[str, Any] = exported.get("practice", {"answers": [], "cards": []})
    return data


async def test_practice_round_trip_through_the_button_and_form(slack: SlackBot) -> None:
    await slack.enroll()
    status, _ = await slack.command("practice")
    assert status == 200
    shown = slack.last_reply()
    assert shown["response_type"] == "ephemeral"
    assert shown["text"].startswith("Practice: ")
    button = practice_button(shown)
    assert button["action_id"] == "scalebot_practice"
    await slack.interaction(click_practice(slack, button["value"]))
    view = opened_view(slack)
    assert view["callback_id"] == "scalebot_practice_modal"
    assert json.loads(view["private_metadata"])["q"] == button["value"]
    assert shown["text"].splitlines()[0] in json.dumps(view["blocks"], ensure_ascii=False)
    status, body = await slack.interaction(submit(view, ANSWER))
    assert (status, body) == (200, "")
    feedback = slack.last_reply()
    assert feedback["url_name"] == "practice-button"
    assert feedback["response_type"] == "ephemeral"
    assert feedback["text"].startswith("Score ")
    assert "no streak or points" in feedback["text"]
    data = await practice_data(slack)
    assert [a["text"] for a in data["answers"]] == [ANSWER]
    assert [a["question"] for a in data["answers"]] == [button["value"]]
    # The practice answer is not a round answer.
    assert (await members.export_user(slack.ctx, user=UserRef("slack", TEAM, ALICE, "")))[
        "answers"
    ] == []


async def test_text_answers_work_too_and_the_missed_question_comes_back(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("practice")
    first = practice_button(slack.last_reply())["value"]
    await slack.command(f"practice answer {ANSWER}")
    assert slack.last_reply()["text"].startswith("Score ")
    slack.clock.now += timedelta(hours=2)
    await slack.command("practice")
    again = slack.last_reply()
    assert practice_button(again)["value"] == first
    assert "Due for review" in again["text"]


async def test_a_stale_button_or_form_is_refused_and_stores_nothing(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("practice")
    first = practice_button(slack.last_reply())["value"]
    await slack.interaction(click_practice(slack, first))
    old_form = opened_view(slack)
    await slack.command("practice skip")
    second = practice_button(slack.last_reply())["value"]
    assert second != first
    await slack.interaction(click_practice(slack, first))
    assert "out of date" in slack.last_reply()["text"]
    assert len(slack.fake.calls_to("views.open")) == 1
    await slack.interaction(submit(old_form, ANSWER))
    assert "out of date" in slack.last_reply()["text"]
    assert (await practice_data(slack))["answers"] == []


async def test_empty_practice_answers_are_refused_inside_the_form(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("practice")
    await slack.interaction(click_practice(slack, practice_button(slack.last_reply())["value"]))
    view = opened_view(slack)
    status, body = await slack.interaction(submit(view, "   "))
    assert status == 200
    assert json.loads(body)["response_action"] == "errors"
    bad = {**view, "private_metadata": "{}"}
    status, body = await slack.interaction(submit(bad, ANSWER))
    assert "out of date" in json.loads(body)["errors"]["answer"]
    assert (await practice_data(slack))["answers"] == []


async def test_a_member_who_chose_chinese_gets_the_chinese_question(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("language zh")
    await slack.command("practice")
    shown = slack.last_reply()
    question = slack.ctx.bank.get(practice_button(shown)["value"])
    assert question is not None
    assert question.zh is not None
    assert shown["text"].startswith(f"练习：{question.zh.title}")
    assert practice_button(shown)["text"]["text"] == "作答"
    await slack.command("practice frobnicate")
    assert slack.last_reply()["text"].startswith("用法：/scale practice")


async def test_the_form_refuses_in_the_language_it_was_opened_in(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("language zh")
    await slack.command("practice")
    await slack.interaction(click_practice(slack, practice_button(slack.last_reply())["value"]))
    view = opened_view(slack)
    assert json.loads(view["private_metadata"])["l"] == "zh"
    status, body = await slack.interaction(submit(view, "   "))
    assert status == 200
    assert json.loads(body)["errors"]["answer"].startswith("回答是空的")
