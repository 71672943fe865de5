"""Practice on Discord: /scale practice → Answer button → modal → private feedback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from scalebot.services import members
from tests.platforms.discord.conftest import Bot, logged_in
from tests.platforms.discord.fake_discord import Recorded
from tests.platforms.discord.payloads import click, interaction, slash
from tests.platforms.discord.test_answering import MODAL, form_input, submit
from tests.platforms.discord.test_commands import ALICE_REF, EPHEMERAL, GOOD_ANSWER, title


def button_id(sent: Recorded) -> str:
    """The custom_id of the Answer button under a practice reply."""
    return str(sent.body["components"][0]["components"][0]["custom_id"])


def echoed(bot: Bot, custom_id: str) -> dict[str, Any]:
    """The stored practice reply carrying a button, as Discord attaches it to a click."""
    return next(
        m
        for m in bot.fake.messages.values()
        if m["components"] and m["components"][0]["components"][0]["custom_id"] == custom_id
    )


async def practice_data(bot: Bot) -> dict[str, Any]:
    """What export-me holds of Alice's practice."""
    data: dict[str, Any] = (await members.export_user(bot.ctx, user=ALICE_REF)).get(
        "practice", {"answers": []}
    )
    return data


async def test_practice_round_trip_through_the_button_and_form(bot: Bot) -> None:
    await bot.enroll()
    (shown,) = await bot.interact(interaction(2, slash("practice")))
    assert shown.body["flags"] == EPHEMERAL
    assert title(shown).startswith("Practice: ")
    custom_id = button_id(shown)
    question_id = custom_id.removeprefix("scalebot:practice:")
    assert bot.ctx.bank.get(question_id) is not None
    response = await bot.respond(interaction(3, click(custom_id), message=echoed(bot, custom_id)))
    assert response.body["type"] == MODAL
    assert response.body["data"]["custom_id"] == f"scalebot:practice-form:{question_id}"
    assert form_input(response)["max_length"] == 4000
    feedback = await submit(bot, f"scalebot:practice-form:{question_id}", GOOD_ANSWER)
    assert feedback.body["flags"] == EPHEMERAL
    assert title(feedback).startswith("Score ")
    assert "no streak or points" in feedback.embeds[0]["footer"]["text"]
    data = await practice_data(bot)
    assert [(a["question"], a["text"]) for a in data["answers"]] == [(question_id, GOOD_ANSWER)]
    assert (await members.export_user(bot.ctx, user=ALICE_REF))["answers"] == []


async def test_answer_option_grades_and_the_question_comes_back_when_due(bot: Bot) -> None:
    await bot.enroll()
    (shown,) = await bot.interact(interaction(2, slash("practice")))
    first = button_id(shown)
    (graded,) = await bot.interact(interaction(2, slash("practice", answer=GOOD_ANSWER)))
    assert title(graded).startswith("Score ")
    bot.clock.now += timedelta(hours=2)
    (again,) = await bot.interact(interaction(2, slash("practice")))
    assert button_id(again) == first
    fields = {f["name"]: f["value"] for f in again.embeds[0]["fields"]}
    assert fields["Why this one"].startswith("Due for review")


async def test_a_stale_form_is_refused_and_the_button_works_after_a_restart(bot: Bot) -> None:
    await bot.enroll()
    (shown,) = await bot.interact(interaction(2, slash("practice")))
    (skipped,) = await bot.interact(interaction(2, slash("practice", skip=True)))
    assert button_id(skipped) != button_id(shown)
    old = button_id(shown).removeprefix("scalebot:practice:")
    stale = await submit(bot, f"scalebot:practice-form:{old}", GOOD_ANSWER)
    assert "out of date" in title(stale)
    assert (await practice_data(bot))["answers"] == []
    await bot.adapter.client.close()
    bot.adapter = await logged_in(bot.ctx, bot.fake, bot.clock)  # a new process
    try:
        custom_id = button_id(skipped)
        clicked = interaction(3, click(custom_id), message=echoed(bot, custom_id))
        response = await bot.respond(clicked)
        assert response.body["type"] == MODAL
        current = custom_id.removeprefix("scalebot:practice:")
        feedback = await submit(bot, f"scalebot:practice-form:{current}", GOOD_ANSWER)
        assert title(feedback).startswith("Score ")
    finally:
        await bot.adapter.client.close()


async def test_empty_practice_answers_get_a_clear_message(bot: Bot) -> None:
    await bot.enroll()
    (shown,) = await bot.interact(interaction(2, slash("practice")))
    question_id = button_id(shown).removeprefix("scalebot:practice:")
    feedback = await submit(bot, f"scalebot:practice-form:{question_id}", "   ")
    assert title(feedback).startswith("Your answer is empty")
    assert (await practice_data(bot))["answers"] == []


async def test_a_chinese_client_gets_the_chinese_question_and_button(bot: Bot) -> None:
    await bot.enroll()
    payload = interaction(2, slash("practice"))
    payload["locale"] = "zh-CN"
    (shown,) = await bot.interact(payload)
    question = bot.ctx.bank.get(button_id(shown).removeprefix("scalebot:practice:"))
    assert question is not None
    assert question.zh is not None
    assert title(shown) == f"练习：{question.zh.title}"
    assert shown.body["components"][0]["components"][0]["label"] == "作答"
    clicked = interaction(3, click(button_id(shown)), message=echoed(bot, button_id(shown)))
    clicked["locale"] = "zh-CN"
    response = await bot.respond(clicked)
    assert response.body["data"]["title"] == "练习：你会怎么扩展它？"
