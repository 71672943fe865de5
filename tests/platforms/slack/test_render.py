"""Block Kit rendering: escaping, Slack's size limits, the daily post and the answer form."""

from __future__ import annotations

import json

import pytest

from scalebot.domain.replies import Action, Field, Reply, Tone
from scalebot.locales import ENGLISH
from scalebot.platforms.slack.render import (
    FALLBACK_CHARS,
    MAX_BLOCKS,
    SECTION_CHARS,
    ModalTarget,
    answer_modal,
    chunks,
    escape,
    message,
    question_message,
)


def texts(blocks: list[dict[str, object]]) -> list[str]:
    """Every mrkdwn text in a list of blocks."""
    found: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            found.append(text["text"])
        for item in block.get("fields", []) or block.get("elements", []):  # type: ignore[attr-defined]
            if isinstance(item, dict) and item.get("type") == "mrkdwn":
                found.append(item["text"])
    return found


def test_escape_neutralises_mentions_and_links() -> None:
    assert escape("<!channel> & <@U1> <https://x|y>") == (
        "&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://x|y&gt;"
    )


def test_every_part_of_a_reply_is_escaped() -> None:
    evil = "<!here> & <@U1>"
    reply = Reply(
        title=evil,
        body=evil,
        fields=(Field(evil, evil), Field("Long " + evil, evil + "\n" + evil)),
        footer=evil,
    )
    rendered = message(reply)
    everything = json.dumps(rendered.blocks) + rendered.text
    assert "<!here>" not in everything
    assert "<@U1>" not in everything
    assert all("&lt;!here&gt; &amp; &lt;@U1&gt;" in text for text in texts(rendered.blocks))


def test_chunks_respect_the_limit_and_never_split_an_entity() -> None:
    text = ("a" * 7 + "&") * 1000 + "\n" + "<" * 5000
    pieces = chunks(text, SECTION_CHARS)
    assert all(len(piece) <= SECTION_CHARS for piece in pieces)
    joined = "".join(pieces).replace("\n", "")
    assert joined == escape(text).replace("\n", "")
    for piece in pieces:
        assert piece.count("&") == piece.count(";")


def test_long_replies_stay_within_fifty_blocks_and_3000_characters() -> None:
    reply = Reply(
        title="Everything",
        body="line\n" * 20_000,
        fields=tuple(Field(f"Field {i}", "value " * 800) for i in range(60)),
        footer="end",
    )
    rendered = question_message(reply, 7, thread_answers=True)
    assert len(rendered.blocks) <= MAX_BLOCKS
    assert all(len(text) <= SECTION_CHARS for text in texts(rendered.blocks))
    assert "trimmed" in rendered.blocks[-3]["elements"][0]["text"]
    assert rendered.blocks[-2]["type"] == "actions"
    assert len(rendered.text) <= FALLBACK_CHARS


def test_short_fields_sit_side_by_side_ten_per_section() -> None:
    reply = Reply(title="t", fields=tuple(Field(f"F{i}", str(i)) for i in range(12)))
    sections = [b for b in message(reply).blocks if "fields" in b]
    assert [len(b["fields"]) for b in sections] == [10, 2]


def test_errors_are_marked() -> None:
    first = message(Reply(title="Nope", tone=Tone.ERROR)).blocks[0]
    assert first["text"]["text"] == ":warning: *Nope*"


def test_question_post_has_the_answer_button_and_thread_hint() -> None:
    reply = Reply(title="Mon: Scale it", body="How?", tone=Tone.QUESTION, private=False)
    with_threads = question_message(reply, 42, thread_answers=True).blocks
    without = question_message(reply, 42, thread_answers=False).blocks
    button = with_threads[-2]["elements"][0]
    assert (button["action_id"], button["value"]) == ("scalebot_answer", "42")
    assert "reply in this thread" in json.dumps(with_threads[-1])
    assert without[-1]["type"] == "actions"


@pytest.mark.parametrize("round_id", [None, 9])
def test_modal_metadata_round_trips(round_id: int | None) -> None:
    target = ModalTarget("C1", round_id, "https://hooks.slack.com/x")
    view = answer_modal(target, question=None, max_chars=4000, t=ENGLISH)
    assert ModalTarget.load(view["private_metadata"]) == target
    assert len(view["private_metadata"]) <= 3000
    assert len(view["title"]["text"]) <= 24


def test_foreign_modal_metadata_is_refused() -> None:
    with pytest.raises(ValueError, match="not scalebot modal metadata"):
        ModalTarget.load('{"something": "else"}')


def test_a_replys_actions_become_buttons_that_carry_their_command() -> None:
    reply = Reply(
        title="Delete?",
        actions=(Action("Delete my data", "forget-me confirm", danger=True), Action("Keep", "x")),
    )
    blocks = message(reply).blocks
    [buttons] = [block for block in blocks if block["type"] == "actions"]
    first, second = buttons["elements"]
    assert (first["value"], first["style"], first["text"]["text"]) == (
        "forget-me confirm",
        "danger",
        "Delete my data",
    )
    assert "style" not in second
    assert first["action_id"] != second["action_id"]  # unique within a message, as Slack requires
    assert blocks[-1] is buttons
