"""The answer form: block_actions or /scale answer → views.open → view_submission → feedback."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from scalebot.domain.refs import UserRef
from scalebot.services import members
from scalebot.services.context import MAX_ANSWER_CHARS
from tests.platforms.slack.conftest import ALICE, CHANNEL, SlackBot
from tests.platforms.slack.fake_slack import TEAM

ANSWER = "Partition the feature store by entity id, cache online reads, backfill offline in batch."


def posted_round_id(slack: SlackBot, index: int = -1) -> int:
    """The round id carried by the Answer button of a daily post."""
    post = [c for c in slack.fake.calls_to("chat.postMessage") if "thread_ts" not in c.params]
    actions = next(b for b in post[index].params["blocks"] if b["type"] == "actions")
    return int(actions["elements"][0]["value"])


def click_answer(slack: SlackBot, round_id: int, *, user: str = ALICE) -> dict[str, Any]:
    """The block_actions payload Slack sends when the Answer button is clicked."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "team"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": "trigger-button",
        "channel": {"id": CHANNEL, "name": "practice"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": CHANNEL},
        "response_url": slack.fake.response_url("button"),
        "actions": [
            {
                "type": "button",
                "action_id": "scalebot_answer",
                "block_id": f"scalebot_round_{round_id}",
                "value": str(round_id),
                "action_ts": "1.2",
            }
        ],
    }


def submit(view: dict[str, Any], text: str | None, *, user: str = ALICE) -> dict[str, Any]:
    """The view_submission payload for the opened form with `text` typed in."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "team"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": "trigger-submit",
        "view": {
            **view,
            "id": "V1",
            "state": {"values": {"answer": {"text": {"type": "plain_text_input", "value": text}}}},
        },
    }


def opened_view(slack: SlackBot) -> dict[str, Any]:
    """The view the bot last opened."""
    view = slack.fake.calls_to("views.open")[-1].params["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def stored_answers(slack: SlackBot, user: str = ALICE) -> list[dict[str, Any]]:
    """What is stored for a member."""
    exported = await members.export_user(slack.ctx, user=UserRef("slack", TEAM, user, user))
    answers: list[dict[str, Any]] = exported["answers"]
    return answers


async def test_button_opens_the_form_for_its_round(slack: SlackBot) -> None:
    await slack.enroll()
    round_id = posted_round_id(slack)
    status, _ = await slack.interaction(click_answer(slack, round_id))
    assert status == 200
    (call,) = slack.fake.calls_to("views.open")
    assert call.params["trigger_id"] == "trigger-button"
    view = opened_view(slack)
    assert view["callback_id"] == "scalebot_answer_modal"
    assert json.loads(view["private_metadata"])["r"] == round_id
    element = next(b for b in view["blocks"] if b["type"] == "input")["element"]
    assert element["multiline"] is True
    assert element["max_length"] == MAX_ANSWER_CHARS


async def test_modal_round_trip_grades_and_answers_privately(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.interaction(click_answer(slack, posted_round_id(slack)))
    status, body = await slack.interaction(submit(opened_view(slack), ANSWER))
    assert (status, body) == (200, "")
    feedback = slack.last_reply()
    assert feedback["url_name"] == "button"
    assert feedback["response_type"] == "ephemeral"
    assert feedback["replace_original"] is False
    assert feedback["text"].startswith("Score ")
    assert [a["text"] for a in await stored_answers(slack)] == [ANSWER]


async def test_answer_without_text_opens_the_form_with_the_question(slack: SlackBot) -> None:
    await slack.enroll()
    question = slack.fake.calls_to("chat.postMessage")[0].params["text"].splitlines()[0]
    await slack.command("answer")
    view = opened_view(slack)
    assert json.loads(view["private_metadata"])["r"] is None
    assert question in json.dumps(view["blocks"])
    await slack.interaction(submit(view, ANSWER))
    assert slack.last_reply()["text"].startswith("Score ")
    assert len(await stored_answers(slack)) == 1


async def test_empty_or_long_answers_are_refused_inside_the_form(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("answer")
    view = opened_view(slack)
    responses = len(slack.replies())
    for text in ("   ", None, "x" * (MAX_ANSWER_CHARS + 1)):
        status, body = await slack.interaction(submit(view, text))
        answer = json.loads(body)
        assert status == 200
        assert answer["response_action"] == "errors"
        assert answer["errors"]["answer"]
    assert len(slack.replies()) == responses
    assert await stored_answers(slack) == []


async def test_answer_form_in_a_channel_that_is_not_enrolled(slack: SlackBot) -> None:
    await slack.command("answer")
    assert slack.fake.calls_to("views.open") == []
    assert "not enrolled" in slack.last_reply()["text"]


async def test_button_of_a_closed_round_gives_feedback_only(slack: SlackBot) -> None:
    await slack.enroll()
    first = posted_round_id(slack)
    slack.clock.now += timedelta(days=1)
    await slack.command("admin post-now", user="UADMIN")
    await slack.interaction(click_answer(slack, first))
    await slack.interaction(submit(opened_view(slack), ANSWER))
    assert "This round has closed" in slack.last_reply()["text"]
    assert [a["late"] for a in await stored_answers(slack)] == [True]


async def test_feedback_without_a_response_url_is_posted_ephemerally(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.interaction(click_answer(slack, posted_round_id(slack)))
    view = opened_view(slack)
    metadata = json.loads(view["private_metadata"]) | {"u": None}
    await slack.interaction(submit({**view, "private_metadata": json.dumps(metadata)}, ANSWER))
    (ephemeral,) = slack.fake.calls_to("chat.postEphemeral")
    assert (ephemeral.params["channel"], ephemeral.params["user"]) == (CHANNEL, ALICE)
    assert ephemeral.params["text"].startswith("Score ")
