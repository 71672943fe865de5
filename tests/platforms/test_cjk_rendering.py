"""Chinese and emoji on every platform: limits in characters, no cut inside a character,
and console panels aligned for double-width characters."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from scalebot.domain.replies import Field, Reply
from scalebot.domain.text import is_boundary
from scalebot.platforms.console import render as console_render
from scalebot.platforms.discord.render import clip as discord_clip
from scalebot.platforms.discord.render import render as discord_render
from scalebot.platforms.discord.render import split_value
from scalebot.platforms.slack.render import chunks

# Every piece is a single character on screen: Chinese, an accent, emoji sequences.
TEXT = "扩展模型👩‍💻需要é\u0301考虑❄️成本👍🏽与延迟🇨🇳" * 200


def test_slack_chunks_count_characters_and_never_split_one() -> None:
    pieces = chunks(TEXT, 3000)
    assert len(pieces) > 1
    assert all(len(piece) <= 3000 for piece in pieces)
    assert "".join(pieces) == TEXT
    position = 0
    for piece in pieces:
        assert is_boundary(TEXT, position)
        position += len(piece)


def test_discord_fields_and_clips_never_split_a_character() -> None:
    pieces = split_value(TEXT, 1024)
    assert all(len(piece) <= 1024 for piece in pieces)
    assert "".join(pieces) == TEXT
    position = 0
    for piece in pieces:
        assert is_boundary(TEXT, position)
        position += len(piece)
    for limit in (50, 97, 256, 1000):
        clipped = discord_clip(TEXT, limit)
        assert len(clipped) <= limit
        kept = clipped.removesuffix("… (trimmed)")
        assert is_boundary(TEXT, len(kept))


def test_a_chinese_embed_stays_within_discord_limits() -> None:
    reply = Reply(title=TEXT[:300], body=TEXT, fields=(Field("反馈", TEXT),), footer=TEXT)
    embed = discord_render(reply).embed
    assert len(embed) <= 6000
    assert embed.title is not None
    assert len(embed.title) <= 256
    assert embed.description is not None
    assert len(embed.description) <= 4096


def test_console_panels_align_double_width_characters() -> None:
    reply = Reply(
        title="得分 86/100 · 覆盖 7/7 个要点",
        body="你会如何扩展（scale）你的机器学习模型？" * 5,
        fields=(
            Field("主题", "机器学习扩展"),
            Field("追问", "现在推理成本已经是训练成本的十倍。" * 3),
        ),
    )
    output = io.StringIO()
    Console(file=output, width=80, color_system=None).print(console_render(reply))
    lines = output.getvalue().rstrip("\n").split("\n")
    # Every line of the box is exactly as wide on screen, Chinese counted as two cells.
    assert {cell_len(line) for line in lines} == {80}
    assert lines[0].startswith("╭")
    assert lines[-1].startswith("╰")
    assert all(line.endswith("│") for line in lines[1:-1])
