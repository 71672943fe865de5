"""The neutral rendering model: platforms turn a Reply into Block Kit, embeds or rich text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from scalebot.locales import Language

JSON = "application/json"
CSV = "text/csv"
PNG = "image/png"
_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+")


class Tone(StrEnum):
    """What kind of message a reply is; renderers may colour by it."""

    INFO = "info"
    ERROR = "error"
    QUESTION = "question"
    FEEDBACK = "feedback"
    SUMMARY = "summary"


@dataclass(frozen=True)
class Field:
    """A titled block of text inside a reply."""

    name: str
    value: str


@dataclass(frozen=True)
class Attachment:
    """A file delivered with a reply: its file name, media type and bytes."""

    name: str
    media_type: str
    data: bytes

    @property
    def is_image(self) -> bool:
        """Tell whether clients can show the file inline as a picture."""
        return self.media_type.startswith("image/")


def file_name(*parts: str, suffix: str) -> str:
    """A portable file name from parts such as a member id: no separators, spaces or dots first."""
    cleaned = (_UNSAFE_IN_NAME.sub("-", part).strip("-.") for part in parts)
    return "-".join(part for part in cleaned if part) + suffix


@dataclass(frozen=True)
class Action:
    """A button under a reply that runs a `/scale` command for whoever presses it.

    Platforms without buttons (the console) show the command to type instead.
    """

    label: str
    command: str  # the text after /scale, e.g. "forget-me confirm"
    danger: bool = False


@dataclass(frozen=True)
class Reply:
    """A message to show: plain text only, never platform markup (renderers escape it)."""

    title: str
    body: str = ""
    fields: tuple[Field, ...] = ()
    footer: str = ""
    tone: Tone = Tone.INFO
    private: bool = True
    # The language its text is in (None: not stated, read as English); renderers write their
    # own words (buttons, markers) in it.
    language: Language | None = None
    # Files to deliver with the message (platforms upload or attach them; the console saves them).
    attachments: tuple[Attachment, ...] = ()
    # Buttons (the console shows the commands they run instead).
    actions: tuple[Action, ...] = ()
    # A role or user group (its platform id) the message pings; renderers write the mention and
    # allow only it (a channel's daily post, when an admin set one).
    ping: str | None = None

    def plain_text(self) -> str:
        """Render everything as plain text, as a notification fallback or a log line."""
        parts = [self.title]
        if self.body:
            parts.append(self.body)
        parts.extend(f"{item.name}\n{item.value}" for item in self.fields)
        if self.footer:
            parts.append(self.footer)
        return "\n\n".join(parts)


def error(message: str) -> Reply:
    """A one-line message that says what went wrong and what to do instead."""
    return Reply(title=message, tone=Tone.ERROR)


def info(title: str, body: str = "") -> Reply:
    """A short private notice."""
    return Reply(title=title, body=body)
