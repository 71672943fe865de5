"""Replies become embeds that always fit Discord's limits and never ping anyone."""

from __future__ import annotations

import discord
import pytest

from scalebot.domain.replies import JSON, PNG, Attachment, Field, Reply, Tone
from scalebot.locales import ENGLISH, Language
from scalebot.platforms.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    clip,
    content,
    escape,
    render,
    split_value,
)
from scalebot.platforms.discord.render import TRIMMED as TRIMMED_MESSAGE

TRIMMED = ENGLISH(TRIMMED_MESSAGE)


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts towards the 6,000 limit."""
    return len(embed)


def check_limits(embed: discord.Embed) -> None:
    """Assert every Discord embed limit."""
    assert len(embed.title or "") <= TITLE_LIMIT
    assert len(embed.description or "") <= DESCRIPTION_LIMIT
    assert len(embed.fields) <= FIELD_COUNT_LIMIT
    for item in embed.fields:
        assert len(item.name or "") <= 256
        assert 0 < len(item.value or "") <= FIELD_VALUE_LIMIT
    assert len(embed.footer.text or "") <= 2048
    assert embed_size(embed) <= EMBED_TOTAL_LIMIT


def test_a_short_reply_is_rendered_as_is() -> None:
    reply = Reply("Title", "Body", (Field("Topic", "caching"),), "Footer", Tone.FEEDBACK)
    embed = render(reply).embed
    assert (embed.title, embed.description, embed.footer.text) == ("Title", "Body", "Footer")
    assert [(f.name, f.value) for f in embed.fields] == [("Topic", "caching")]
    assert embed.colour == discord.Colour.green()


def test_a_long_body_is_trimmed_with_a_marker() -> None:
    embed = render(Reply("T", "word " * 2000)).embed
    check_limits(embed)
    assert embed.description is not None
    assert embed.description.endswith(TRIMMED)


def test_a_long_field_continues_in_further_fields() -> None:
    text = "\n".join(f"line {n} " + "x" * 80 for n in range(30))
    embed = render(Reply("T", fields=(Field("Model answer", text),))).embed
    check_limits(embed)
    assert embed.fields[0].name == "Model answer"
    assert embed.fields[1].name == "Model answer (continued)"
    rejoined = "\n".join(f.value or "" for f in embed.fields)
    assert rejoined == escape(text)


def test_too_many_fields_for_one_embed_are_cut_at_6000_with_a_marker() -> None:
    fields = tuple(Field(f"Part {n}", "y " * 500) for n in range(12))
    embed = render(Reply("Title", "Body", fields, "Footer")).embed
    check_limits(embed)
    assert 3 < len(embed.fields) < 12
    assert (embed.fields[-1].value or "").endswith(TRIMMED)


def test_a_huge_body_leaves_no_room_for_fields_and_says_so() -> None:
    fields = (Field("Follow-up", "question"),)
    embed = render(Reply("T" * 300, "b " * 2500, fields, "f" * 3000)).embed
    check_limits(embed)
    assert embed.fields == []
    assert (embed.description or "").endswith(TRIMMED)


def test_a_cut_after_short_fields_still_shows_the_marker() -> None:
    fields = tuple(Field(f"F{n}", "v") for n in range(30))
    embed = render(Reply("T", fields=fields)).embed
    assert embed.fields[-1].value == "v" + TRIMMED


def test_more_than_25_fields_keeps_25_and_marks_the_cut() -> None:
    fields = tuple(Field(f"F{n}", "v") for n in range(40))
    embed = render(Reply("T", fields=fields)).embed
    check_limits(embed)
    assert len(embed.fields) == FIELD_COUNT_LIMIT
    assert (embed.fields[-1].value or "").endswith(TRIMMED)


@pytest.mark.parametrize("size", [0, 1, 999, 1024, 1025, 4095, 4096, 4097, 7000, 20000])
def test_any_size_fits(size: int) -> None:
    reply = Reply("t" * size, "b" * size, (Field("n" * size, "v" * size),) * 3, "f" * size)
    check_limits(render(reply).embed)


def test_markdown_and_mentions_are_shown_literally() -> None:
    reply = Reply(
        "**bold** @everyone",
        "<@123456789012345678> `code` @here",
        (Field("_x_", "<@&123456789012345678>"),),
    )
    embed = render(reply).embed
    assert embed.title == "\\*\\*bold\\*\\* @\u200beveryone"
    assert embed.description == "<@\u200b123456789012345678> \\`code\\` @\u200bhere"
    assert embed.fields[0].name == "\\_x\\_"
    assert embed.fields[0].value == "<@\u200b&123456789012345678>"


@pytest.mark.parametrize("offset", [0, 1])
def test_trimming_never_leaves_a_dangling_escape(offset: int) -> None:
    text = "a" * (TITLE_LIMIT - len(TRIMMED) - 1 - offset) + "*" * 40
    kept = (render(Reply(text)).embed.title or "").removesuffix(TRIMMED)
    backslashes = len(kept) - len(kept.rstrip("\\"))
    assert backslashes % 2 == 0


def test_clip_prefers_a_word_boundary() -> None:
    assert clip("alpha beta gamma delta epsilon", 22) == "alpha beta" + TRIMMED
    assert clip("x" * 50, 20) == "x" * 9 + TRIMMED


def test_split_value_cuts_long_lines_at_spaces() -> None:
    chunks = split_value("word " * 500, 100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert "".join(c + " " for c in chunks).split() == ["word"] * 500


def test_attachments_become_files() -> None:
    rendered = render(Reply("Export", attachments=(Attachment("data.json", JSON, b'{"a": 1}'),)))
    files = rendered.send_kwargs()["files"]
    assert [f.filename for f in files] == ["data.json"]
    assert files[0].fp.read() == b'{"a": 1}'
    assert rendered.embed.image.url is None


def test_a_picture_shows_inside_the_embed() -> None:
    picture = Attachment("stats.png", PNG, b"\x89PNG")
    rendered = render(Reply("Stats", attachments=(picture,)))
    assert rendered.embed.image.url == "attachment://stats.png"
    assert [f.filename for f in rendered.files()] == ["stats.png"]


def test_content_is_escaped_and_within_2000() -> None:
    assert content("@everyone " + "z" * 3000).startswith("@\u200beveryone")
    assert len(content("z" * 3000)) == CONTENT_LIMIT


def test_a_chinese_reply_is_trimmed_and_continued_in_chinese() -> None:
    text = "\n".join(f"第 {n} 行" + "扩展" * 60 for n in range(40))
    fields = (Field("参考答案", text), *(Field(f"字段 {n}", "值" * 900) for n in range(8)))
    reply = Reply("标题", "正文" * 3000, fields, language=Language.ZH)
    embed = render(reply).embed
    check_limits(embed)
    shown = [embed.description or ""] + [f"{f.name} {f.value}" for f in embed.fields]
    assert (embed.description or "").endswith("……（已截断）")
    assert embed.fields[1].name == "参考答案（续）"
    assert not any("trimmed" in part or "continued" in part for part in shown)


def test_an_english_reply_keeps_english_markers() -> None:
    text = "\n".join(f"line {n} " + "x" * 80 for n in range(30))
    embed = render(Reply("T", "word " * 2000, (Field("Model answer", text),))).embed
    assert (embed.description or "").endswith("… (trimmed)")
    assert embed.fields[1].name == "Model answer (continued)"
