"""The answer form: opened by /scale answer or the post's button, submitted, graded privately."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from scalebot.platforms.discord.client import OOPS
from scalebot.services import members
from tests.platforms.discord.conftest import Bot, logged_in
from tests.platforms.discord.fake_discord import CHANNEL_ID, Recorded
from tests.platforms.discord.payloads import ALICE_ID, click, form, interaction, slash
from tests.platforms.discord.test_commands import ALICE_REF, EPHEMERAL, GOOD_ANSWER, title

MODAL = 9
DEFERRED = 5


def form_input(response: Recorded) -> dict[str, Any]:
    """The text input of a modal response."""
    rows = response.body["data"]["components"]
    return dict(rows[0]["components"][0])


def question_post(bot: Bot) -> dict[str, Any]:
    """The stored question message, as Discord would attach it to a button click."""
    posts = bot.fake.find("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    assert posts, "the question was posted"
    return next(m for m in bot.fake.messages.values() if m["components"])


async def submit(bot: Bot, custom_id: str, text: str, **who: Any) -> Recorded:
    """Submit the answer form; return the private feedback message."""
    sent = await bot.interact(interaction(5, form(custom_id, text), **who))
    return sent[0]


async def test_answer_command_opens_a_4000_character_paragraph_form(bot: Bot) -> None:
    await bot.enroll()
    response = await bot.respond(interaction(2, slash("answer")))
    assert response.body["type"] == MODAL
    assert response.body["data"]["custom_id"] == "scalebot:answer-form:0"
    field = form_input(response)
    assert field["style"] == 2
    assert field["max_length"] == 4000
    assert field["custom_id"] == "answer"


async def test_answer_with_text_is_graded_at_once(bot: Bot) -> None:
    await bot.enroll()
    sent = await bot.interact(interaction(2, slash("answer", text=GOOD_ANSWER)))
    assert sent[0].body["flags"] == EPHEMERAL
    assert title(sent[0]).startswith("Score ")
    exported = await members.export_user(bot.ctx, user=ALICE_REF)
    assert exported["answers"][0]["text"] == GOOD_ANSWER


async def test_modal_round_trip_defers_privately_then_sends_feedback(bot: Bot) -> None:
    await bot.enroll()
    response = await bot.respond(interaction(2, slash("answer")))
    payload = interaction(5, form(response.body["data"]["custom_id"], GOOD_ANSWER))
    sent = await bot.interact(payload)
    callback = bot.fake.find("POST", rf"/interactions/{payload['id']}/.+/callback")[0]
    assert callback.body == {"type": DEFERRED, "data": {"flags": EPHEMERAL}}
    feedback = sent[0]
    assert feedback.body["flags"] == EPHEMERAL
    assert title(feedback).startswith("Score ")
    names = [f["name"] for f in feedback.embeds[0]["fields"]]
    assert "Follow-up" in names
    assert ("Covered" in names) or ("Missed" in names)
    assert feedback.embeds[0]["footer"]["text"] == "Streak: 1 round"
    exported = await members.export_user(bot.ctx, user=ALICE_REF)
    assert exported["answers"][0]["text"] == GOOD_ANSWER


async def test_answering_again_replaces_the_answer(bot: Bot) -> None:
    await bot.enroll()
    await submit(bot, "scalebot:answer-form:0", GOOD_ANSWER)
    again = await submit(bot, "scalebot:answer-form:0", GOOD_ANSWER + " Also add a queue.")
    assert "revision 2" in again.embeds[0]["footer"]["text"]
    exported = await members.export_user(bot.ctx, user=ALICE_REF)
    assert len(exported["answers"]) == 1


async def test_empty_answer_gets_a_clear_message_and_stores_nothing(bot: Bot) -> None:
    await bot.enroll()
    feedback = await submit(bot, "scalebot:answer-form:0", "   ")
    assert title(feedback).startswith("Your answer is empty")
    assert (await members.export_user(bot.ctx, user=ALICE_REF))["answers"] == []


async def test_over_long_answer_is_refused_and_stores_nothing(bot: Bot) -> None:
    await bot.enroll()
    feedback = await submit(bot, "scalebot:answer-form:0", "x " * 2001)
    assert title(feedback).startswith("Your answer is 4,002 characters; the limit is 4,000")
    assert (await members.export_user(bot.ctx, user=ALICE_REF))["answers"] == []


async def test_answer_in_a_channel_that_is_not_enrolled(bot: Bot) -> None:
    feedback = await submit(bot, "scalebot:answer-form:0", GOOD_ANSWER)
    assert "not enrolled" in title(feedback)


async def test_button_on_the_daily_post_opens_the_form_for_that_round(bot: Bot) -> None:
    round_id = await bot.enroll()
    post = question_post(bot)
    custom_id = post["components"][0]["components"][0]["custom_id"]
    assert custom_id == f"scalebot:answer:{round_id}"
    response = await bot.respond(interaction(3, click(custom_id), message=post))
    assert response.body["type"] == MODAL
    assert response.body["data"]["custom_id"] == f"scalebot:answer-form:{round_id}"
    feedback = await submit(bot, f"scalebot:answer-form:{round_id}", GOOD_ANSWER)
    assert title(feedback).startswith("Score ")


async def test_button_keeps_working_after_a_restart(bot: Bot) -> None:
    round_id = await bot.enroll()
    post = question_post(bot)
    await bot.adapter.client.close()
    bot.adapter = await logged_in(bot.ctx, bot.fake, bot.clock)  # a new process
    try:
        custom_id = f"scalebot:answer:{round_id}"
        response = await bot.respond(interaction(3, click(custom_id), message=post))
        assert response.body["type"] == MODAL
        feedback = await submit(bot, f"scalebot:answer-form:{round_id}", GOOD_ANSWER)
        assert title(feedback).startswith("Score ")
    finally:
        await bot.adapter.client.close()


async def test_form_opened_before_a_restart_is_accepted_after_it(bot: Bot) -> None:
    await bot.enroll()
    response = await bot.respond(interaction(2, slash("answer")))
    await bot.adapter.client.close()
    bot.adapter = await logged_in(bot.ctx, bot.fake, bot.clock)
    try:
        feedback = await submit(bot, response.body["data"]["custom_id"], GOOD_ANSWER)
        assert title(feedback).startswith("Score ")
    finally:
        await bot.adapter.client.close()


async def test_answer_to_a_closed_round_gets_feedback_but_no_streak(bot: Bot) -> None:
    first = await bot.enroll()
    bot.clock.now += timedelta(days=1)
    await bot.post_today()  # closes the first round
    feedback = await submit(bot, f"scalebot:answer-form:{first}", GOOD_ANSWER)
    assert title(feedback).startswith("Score ")
    assert "closed" in feedback.embeds[0]["footer"]["text"]


async def test_a_round_of_another_channel_cannot_be_answered_here(bot: Bot) -> None:
    round_id = await bot.enroll()
    other_channel = CHANNEL_ID + 1
    feedback = await submit(
        bot, f"scalebot:answer-form:{round_id}", GOOD_ANSWER, channel_id=other_channel
    )
    assert "not enrolled" in title(feedback)


async def test_two_members_answer_independently(bot: Bot) -> None:
    await bot.enroll()
    await submit(bot, "scalebot:answer-form:0", GOOD_ANSWER)
    bob = await submit(bot, "scalebot:answer-form:0", GOOD_ANSWER, user_id=ALICE_ID + 1, name="Bob")
    assert bob.embeds[0]["footer"]["text"] == "Streak: 1 round"


class BrokenGrader:
    """A grader whose backend fails outright (not a user error)."""

    version = "broken"

    def grade(self, question: object, text: str) -> object:
        """Fail like a crashed dependency."""
        raise RuntimeError("grader backend down")


async def test_an_unexpected_failure_in_the_form_gets_a_private_apology(bot: Bot) -> None:
    await bot.enroll()
    bot.ctx.grader = BrokenGrader()  # type: ignore[assignment]
    feedback = await submit(bot, "scalebot:answer-form:0", GOOD_ANSWER)
    assert feedback.body["flags"] == EPHEMERAL
    assert title(feedback) == str(OOPS)


async def test_an_unexpected_failure_in_a_command_gets_a_private_apology(bot: Bot) -> None:
    await bot.enroll()
    bot.ctx.grader = BrokenGrader()  # type: ignore[assignment]
    sent = await bot.interact(interaction(2, slash("answer", text=GOOD_ANSWER)))
    assert sent[0].body["flags"] == EPHEMERAL
    assert title(sent[0]) == str(OOPS)
