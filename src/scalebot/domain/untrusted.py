"""Text and ids from members and payloads, made safe to store and to show in public."""

from __future__ import annotations

import re
import unicodedata

# The largest id a BIGINT column (and SQLite's INTEGER) holds.
MAX_ID = 2**63 - 1
NAMELESS = "member"
NAME_CHARS = 80
# Bidi embeddings, overrides and isolates, marks, and zero-width characters: they reorder or
# hide text, so a name could fake a leaderboard line or look empty.
_INVISIBLE = re.compile(
    "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\ufeff\u180e]"
)
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_SPACES = re.compile(r"\s+")
# A bare @here, @channel or @everyone pings on some clients; a full-width ＠ reads the same.
_BROADCAST = re.compile(r"@(?=(here|channel|everyone)\b)", re.IGNORECASE)


def _control(char: str) -> bool:
    """Tell whether a character is a C0/C1 control other than tab and newline."""
    return char not in "\t\n" and unicodedata.category(char) == "Cc"


def clean_text(text: str) -> str:
    """Text without NUL and other control characters; line breaks become newlines."""
    text = _LINE_BREAKS.sub("\n", text)
    return "".join(char for char in text if not _control(char))


def public_name(name: str) -> str:
    """A display name fit for a public post: one line, visible, unable to ping."""
    flat = _SPACES.sub(" ", _INVISIBLE.sub("", clean_text(name))).strip()
    flat = _BROADCAST.sub("＠", flat)
    if len(flat) > NAME_CHARS:
        flat = flat[: NAME_CHARS - 1].rstrip() + "…"
    return flat or NAMELESS


def parse_id(text: object) -> int | None:
    """A positive database id from payload text, or None when it is not one."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    elif isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 19:
        value = int(text)
    else:
        return None
    return value if 0 < value <= MAX_ID else None
