"""Turn a neutral Reply into a Discord embed that always fits Discord's limits."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import discord
from discord.utils import escape_markdown, escape_mentions

from scalebot.domain.replies import Attachment, Reply, Tone
from scalebot.domain.text import boundary_before
from scalebot.locales import ENGLISH, Translator, _, translator
from scalebot.platforms.chunks import pack_lines

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
FIELD_COUNT_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000
# The markers readers see where text was cut or continues, written in the reply's language.
TRIMMED = _("… (trimmed)")
ZERO_WIDTH = "\u200b"
MIN_FIELD_ROOM = 40
_COLOURS = {
    Tone.INFO: discord.Colour.blurple(),
    Tone.ERROR: discord.Colour.red(),
    Tone.QUESTION: discord.Colour.purple(),
    Tone.FEEDBACK: discord.Colour.green(),
    Tone.SUMMARY: discord.Colour.blue(),
}


def escape(text: str) -> str:
    """Show text literally: no markdown, and no mention that could ping."""
    return escape_mentions(escape_markdown(text))


def clip(text: str, limit: int, *, t: Translator = ENGLISH, force: bool = False) -> str:
    """Cut text to `limit` characters, ending with a clear marker (in `t`'s language) when
    anything was cut."""
    marker = t(TRIMMED)
    if len(text) <= limit and not force:
        return text
    if force and text.endswith(marker):
        return text[:limit] if len(text) <= limit else clip(text, limit, t=t)
    room = max(limit - len(marker), 0)
    cut = text[: boundary_before(text, room)]  # never inside a character
    space = cut.rfind(" ", max(room - 40, 0))
    if space > 0 and room < len(text):
        cut = cut[:space]
    return (_drop_dangling_escape(cut.rstrip()) + marker)[:limit]


def _drop_dangling_escape(text: str) -> str:
    """Remove a trailing backslash that would escape the character after it."""
    trailing = len(text) - len(text.rstrip("\\"))
    return text[:-1] if trailing % 2 else text


def split_value(text: str, limit: int = FIELD_VALUE_LIMIT) -> list[str]:
    """Split a field value into chunks of at most `limit`, at line breaks where possible."""
    return pack_lines(text.split("\n"), limit, _split_line) or [ZERO_WIDTH]


def _split_line(line: str, limit: int) -> Iterator[str]:
    """Cut one long line at spaces where possible (Chinese has none: between characters, never
    inside one), never after an escaping backslash."""
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else boundary_before(line, limit) or limit
        head = _drop_dangling_escape(line[:cut])
        yield head
        line = line[len(head) :].lstrip(" ")
    if line:
        yield line


@dataclass
class RenderedReply:
    """An embed plus any files, ready to pass to send()."""

    embed: discord.Embed
    attachments: tuple[Attachment, ...] = ()

    def files(self) -> list[discord.File]:
        """Fresh file objects (a File can be sent only once)."""
        return [
            discord.File(io.BytesIO(attachment.data), filename=attachment.name)
            for attachment in self.attachments
        ]

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for Messageable.send or a follow-up."""
        kwargs: dict[str, Any] = {"embed": self.embed}
        files = self.files()
        if files:
            kwargs["files"] = files
        return kwargs


@dataclass(frozen=True)
class _Field:
    name: str
    value: str


def _fields(reply: Reply, t: Translator) -> list[_Field]:
    """Escape fields and split long ones into continuation fields."""
    fields = []
    room = FIELD_NAME_LIMIT - len(continued("", t))
    for item in reply.fields:
        name = clip(escape(item.name), room, t=t) or ZERO_WIDTH
        for index, chunk in enumerate(split_value(escape(item.value))):
            fields.append(_Field(name if index == 0 else continued(name, t), chunk))
    return fields


def continued(name: str, t: Translator = ENGLISH) -> str:
    """The name of a field that goes on from the one before, in `t`'s language."""
    return t(_("{name} (continued)", name=name))


def render(reply: Reply) -> RenderedReply:
    """Render a reply as one embed within every Discord limit; cut text ends with a marker
    in the reply's language."""
    t = translator(reply.language)
    left = EMBED_TOTAL_LIMIT
    title = clip(escape(reply.title), TITLE_LIMIT, t=t)
    footer = clip(reply.footer, FOOTER_LIMIT, t=t)
    left -= len(title) + len(footer)
    description = clip(escape(reply.body), min(DESCRIPTION_LIMIT, left), t=t)
    left -= len(description)
    kept, cut, left = _fit_fields(_fields(reply, t), left, t)
    if cut and not kept and description:
        description = mark(description, min(DESCRIPTION_LIMIT, len(description) + left), t=t)
    embed = discord.Embed(title=title, description=description or None, colour=_COLOURS[reply.tone])
    for item in kept:
        embed.add_field(name=item.name, value=item.value, inline=False)
    if footer:
        embed.set_footer(text=footer)
    picture = next((a for a in reply.attachments if a.is_image), None)
    if picture is not None:  # shown inside the embed instead of as a separate file
        embed.set_image(url=f"attachment://{picture.name}")
    return RenderedReply(embed, reply.attachments)


def mark(text: str, room: int, *, t: Translator = ENGLISH) -> str:
    """End text with the trimmed marker (in `t`'s language), within `room` characters."""
    marker = t(TRIMMED)
    if text.endswith(marker):
        return text
    if len(text) + len(marker) <= room:
        return text + marker
    return clip(text, min(room, len(text)), t=t, force=True)


def _fit_fields(fields: list[_Field], left: int, t: Translator) -> tuple[list[_Field], bool, int]:
    """Keep fields in order while they fit; the last kept one is marked when some were cut."""
    kept: list[_Field] = []
    for position, item in enumerate(fields):
        room = min(FIELD_VALUE_LIMIT, left - len(item.name))
        if position == FIELD_COUNT_LIMIT or room < MIN_FIELD_ROOM:
            break
        value = clip(item.value, room, t=t)
        kept.append(_Field(item.name, value))
        left -= len(item.name) + len(value)
        if value != item.value:
            return kept, True, left
    cut = len(kept) < len(fields)
    if cut and kept:
        last = kept[-1]
        value = mark(last.value, min(FIELD_VALUE_LIMIT, len(last.value) + left), t=t)
        left -= len(value) - len(last.value)
        kept[-1] = _Field(last.name, value)
    return kept, cut, left


def content(text: str, t: Translator = ENGLISH) -> str:
    """A plain message content line: escaped and within 2,000 characters."""
    return clip(escape(text), CONTENT_LIMIT, t=t)
