"""The shared line chunker both renderers use."""

from __future__ import annotations

from collections.abc import Iterator

from scalebot.platforms.chunks import pack_lines


def _cut(line: str, limit: int) -> Iterator[str]:
    """Cut at the limit, like a renderer with no safe-cut rules."""
    for start in range(0, len(line), limit):
        yield line[start : start + limit]


def test_lines_are_packed_into_as_few_pieces_as_fit() -> None:
    assert pack_lines(["ab", "cd", "ef"], 5, _cut) == ["ab\ncd", "ef"]


def test_a_long_line_is_cut_by_the_platform_rule_and_order_is_kept() -> None:
    pieces = pack_lines(["x", "y" * 12, "z"], 5, _cut)
    assert pieces == ["x", "yyyyy", "yyyyy", "yy\nz"]
    assert all(len(piece) <= 5 for piece in pieces)


def test_nothing_to_pack_gives_no_pieces() -> None:
    assert pack_lines([""], 10, _cut) == []
