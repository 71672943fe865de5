"""Cutting text for display without breaking a character: the limits count code points.

Slack and Discord count a message's length in characters; a cut must never fall inside what
the reader sees as one character: a surrogate pair, a letter and its combining accents, an
emoji with its variation selector, skin tone or zero-width joiners (Unicode's extended
grapheme clusters, UAX #29, as the `regex` module's `\\X` finds them).
"""

from __future__ import annotations

import regex

_CLUSTER = regex.compile(r"\X")
# How far back a cluster may start: longer ones (a flag family of 30 joined emoji) are rare,
# and segmentation falls back in step within a few characters.
_WINDOW = 64
ELLIPSIS = "…"


def is_boundary(text: str, index: int) -> bool:
    """Tell whether text may be cut before `index` without splitting a character."""
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    if "\ud800" <= before <= "\udbff" and "\udc00" <= after <= "\udfff":
        return False  # a surrogate pair that reached us unjoined
    if before.isascii() and after.isascii():
        return not (before == "\r" and after == "\n")
    for match in _CLUSTER.finditer(text, max(0, index - _WINDOW), min(len(text), index + 1)):
        if match.start() < index < match.end():
            return False
        if match.start() >= index:
            break
    return True


def boundary_before(text: str, index: int) -> int:
    """The nearest place at or before `index` where text may be cut."""
    index = max(0, min(index, len(text)))
    while not is_boundary(text, index):
        index -= 1
    return index


def cut(text: str, limit: int) -> str:
    """The longest start of text within `limit` characters that ends on a character boundary."""
    return text if len(text) <= limit else text[: boundary_before(text, limit)]


def clip(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """Cut text to `limit` characters on a character boundary, marking the cut."""
    if len(text) <= limit:
        return text
    return cut(text, max(limit - len(marker), 0)).rstrip() + marker
