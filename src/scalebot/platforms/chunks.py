"""The one line chunker: pack lines into pieces of at most `limit` characters."""

from __future__ import annotations

from collections.abc import Callable, Iterable

# Cuts one line longer than the limit into pieces of at most the limit (each platform knows
# where a cut is safe: never inside an HTML entity, never after an escaping backslash).
SplitLine = Callable[[str, int], Iterable[str]]


def pack_lines(lines: Iterable[str], limit: int, split_line: SplitLine) -> list[str]:
    """Join lines with newlines into as few pieces of at most `limit` as fit, in order."""
    pieces: list[str] = []
    current = ""
    for line in lines:
        for part in [line] if len(line) <= limit else split_line(line, limit):
            candidate = f"{current}\n{part}" if current else part
            if len(candidate) <= limit:
                current = candidate
                continue
            if current:
                pieces.append(current)
            current = part
    if current:
        pieces.append(current)
    return pieces
