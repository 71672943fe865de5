"""Render neutral replies as Slack Block Kit, escaped and within Slack's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from scalebot.domain.replies import Action, Field, Reply, Tone
from scalebot.domain.text import boundary_before
from scalebot.domain.untrusted import parse_id
from scalebot.locales import Language, Translator, _, parse_language, translator
from scalebot.platforms.chunks import pack_lines

Block = dict[str, Any]

MAX_BLOCKS = 50
SECTION_CHARS = 3000
FIELD_CHARS = 2000
FIELDS_PER_SECTION = 10
SHORT_FIELD = 60
FALLBACK_CHARS = 3000
TRIMMED = _("… (trimmed: Slack shows at most 50 blocks per message)")
ANSWER_ACTION = "scalebot_answer"
# Buttons that run a /scale command; action ids must be unique within a message.
COMMAND_ACTION = "scalebot_command"
COMMAND_ACTION_ID = re.compile(rf"^{COMMAND_ACTION}_[0-9]+$")
COMMAND_BLOCK = "scalebot_commands"
BUTTON_LABEL_CHARS = 75
ANSWER_MODAL = "scalebot_answer_modal"
ANSWER_BLOCK = "answer"
ANSWER_INPUT = "text"
THREAD_HINT = _(
    "Or reply in this thread: it is graded the same way and the feedback stays private."
)
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_TONE_MARKS = {Tone.ERROR: ":warning: ", Tone.QUESTION: ":thinking_face: "}


# A Slack user group id, as domain.pings accepts it (checked again before it is written raw).
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,30}$")


def escape(text: str) -> str:
    """Escape the three characters Slack parses as markup (mentions, links)."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def chunks(text: str, limit: int) -> list[str]:
    """Escape text and cut it into pieces of at most `limit` characters, at line ends."""
    return pack_lines((escape(line) for line in text.split("\n")), limit, _hard_split)


def _hard_split(escaped: str, limit: int) -> Iterator[str]:
    """Split one escaped line into pieces of at most `limit`, never inside an entity or a
    character (a combining accent, an emoji sequence)."""
    while len(escaped) > limit:
        cut = boundary_before(escaped, limit) or limit
        amp = escaped.rfind("&", cut - 5, cut)
        if amp != -1 and ";" not in escaped[amp:cut]:
            cut = amp
        yield escaped[:cut]
        escaped = escaped[cut:]
    yield escaped


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _title_blocks(reply: Reply) -> list[Block]:
    mark = _TONE_MARKS.get(reply.tone, "")
    pieces = chunks(reply.title, SECTION_CHARS - len(mark) - 2)
    return [
        _section(f"{mark}*{piece}*" if i == 0 else f"*{piece}*") for i, piece in enumerate(pieces)
    ]


def _is_short(item: Field) -> bool:
    return len(item.name) + len(item.value) <= SHORT_FIELD and "\n" not in item.value


def _field_blocks(fields: Sequence[Field]) -> list[Block]:
    """Short fields side by side (ten per section), long ones as their own sections."""
    blocks: list[Block] = []
    short: list[Block] = []
    for item in fields:
        if _is_short(item):
            short.append({"type": "mrkdwn", "text": f"*{escape(item.name)}*\n{escape(item.value)}"})
            continue
        name = f"*{escape(item.name)}*\n"
        pieces = chunks(item.value, SECTION_CHARS - len(name)) or [""]
        blocks.append(_section(name + pieces[0]))
        blocks.extend(_section(piece) for piece in pieces[1:])
    groups = [short[i : i + FIELDS_PER_SECTION] for i in range(0, len(short), FIELDS_PER_SECTION)]
    return [{"type": "section", "fields": group} for group in groups] + blocks


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def reply_blocks(reply: Reply, *, extra: Sequence[Block] = ()) -> list[Block]:
    """The reply as Block Kit blocks; `extra` (buttons) always survive trimming."""
    blocks = _title_blocks(reply)
    blocks.extend(_section(piece) for piece in chunks(reply.body, SECTION_CHARS))
    blocks.extend(_field_blocks(reply.fields))
    blocks.extend(_context(piece) for piece in chunks(reply.footer, SECTION_CHARS))
    room = MAX_BLOCKS - len(extra)
    if len(blocks) > room:
        blocks = [*blocks[: room - 1], _context(translator(reply.language)(TRIMMED))]
    return [*blocks, *extra]


def fallback_text(reply: Reply) -> str:
    """The plain-text fallback Slack shows in notifications, escaped and short."""
    text = escape(reply.plain_text())
    if len(text) <= FALLBACK_CHARS:
        return text
    cut = boundary_before(text, FALLBACK_CHARS - 1)
    amp = text.rfind("&", cut - 5, cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    return text[:cut] + "…"


@dataclass(frozen=True)
class Message:
    """What chat.postMessage, chat.postEphemeral and response URLs take."""

    text: str
    blocks: list[Block]

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the Web API."""
        return {"text": self.text, "blocks": self.blocks}


def message(reply: Reply, *, extra: Sequence[Block] = ()) -> Message:
    """A reply as a Slack message with blocks and a text fallback (its buttons included)."""
    buttons = [action_buttons(reply.actions)] if reply.actions else []
    return Message(fallback_text(reply), reply_blocks(reply, extra=[*buttons, *extra]))


def action_buttons(actions: Sequence[Action]) -> Block:
    """An actions block: one button per action, its value the command it runs."""
    return {
        "type": "actions",
        "block_id": COMMAND_BLOCK,
        "elements": [
            {
                "type": "button",
                "action_id": f"{COMMAND_ACTION}_{index}",
                "text": {"type": "plain_text", "text": action.label[:BUTTON_LABEL_CHARS]},
                "value": action.command,
                **({"style": "danger"} if action.danger else {}),
            }
            for index, action in enumerate(actions)
        ],
    }


def answer_button(round_id: int, t: Translator) -> Block:
    """The actions block under the daily post: an Answer button that opens the modal."""
    return {
        "type": "actions",
        "block_id": f"scalebot_round_{round_id}",
        "elements": [
            {
                "type": "button",
                "action_id": ANSWER_ACTION,
                "text": {"type": "plain_text", "text": t(_("Answer"))},
                "style": "primary",
                "value": str(round_id),
            }
        ],
    }


def question_message(reply: Reply, round_id: int, *, thread_answers: bool) -> Message:
    """The daily post: question, topic, difficulty, how to answer, and the Answer button."""
    t = translator(reply.language)  # the channel's, as the post is
    extra = [answer_button(round_id, t)]
    if thread_answers:
        extra.append(_context(t(THREAD_HINT)))
    posted = message(reply, extra=extra)
    if reply.ping is None or not _GROUP_ID.match(reply.ping):
        return posted
    mention = f"<!subteam^{reply.ping}>"  # the one mention we write unescaped: an admin's group
    ping_block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": mention}}
    return Message(f"{mention} {posted.text}", [ping_block, *posted.blocks])


@dataclass(frozen=True)
class ModalTarget:
    """Where a modal's answer goes; carried through Slack in the view's private metadata."""

    channel_id: str
    round_id: int | None
    response_url: str | None
    # The reader's language when the form opened: the form's own refusals are in it.
    language: Language | None = None

    def dump(self) -> str:
        """Serialise for `private_metadata` (3,000 characters at most)."""
        data = {"c": self.channel_id, "r": self.round_id, "u": self.response_url}
        return json.dumps(data | ({"l": self.language.value} if self.language else {}))

    @classmethod
    def load(cls, raw: str) -> ModalTarget:
        """Read what dump() wrote; raise ValueError on anything else."""
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            raise ValueError("not scalebot modal metadata")
        raw_round = data.get("r")
        round_id = None if raw_round is None else parse_id(raw_round)
        if raw_round is not None and (round_id is None or not isinstance(raw_round, int)):
            raise ValueError("not a round id")
        url = data.get("u")
        language = parse_language(str(data.get("l") or ""))
        return cls(data["c"], round_id, url if isinstance(url, str) else None, language)


class ModalMetadata(Protocol):
    """What a form carries through Slack in its private metadata."""

    def dump(self) -> str:
        """Serialise for `private_metadata` (3,000 characters at most)."""
        ...


def answer_modal(
    target: ModalMetadata,
    *,
    question: Reply | None,
    max_chars: int,
    t: Translator,
    callback_id: str = ANSWER_MODAL,
) -> Block:
    """The answer form: the question (when known) and one multi-line input."""
    blocks: list[Block] = []
    if question is not None:
        blocks.extend(_section(piece) for piece in chunks(question.title, SECTION_CHARS)[:1])
        blocks.extend(_section(piece) for piece in chunks(question.body, SECTION_CHARS)[:20])
    blocks.append(
        {
            "type": "input",
            "block_id": ANSWER_BLOCK,
            "label": {"type": "plain_text", "text": t(_("How would you scale it?"))},
            "element": {
                "type": "plain_text_input",
                "action_id": ANSWER_INPUT,
                "multiline": True,
                "max_length": max_chars,
            },
        }
    )
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": t(_("Your answer"))},
        "submit": {"type": "plain_text", "text": t(_("Get feedback"))},
        "close": {"type": "plain_text", "text": t(_("Cancel"))},
        "private_metadata": target.dump(),
        "blocks": blocks,
    }
