"""A console week in Chinese: every word the bot itself says is Chinese.

The transcript may keep, in Latin letters, only what is not UI text: command names and their
arguments, ids (the channel, the zone), product and member names, and the technical terms
the question bank's own Chinese uses (GPU, Kubernetes …). Anything else is an English string
that escaped the catalogs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scalebot.bank.loader import load_bank
from scalebot.domain.refs import UserRef
from scalebot.platforms.console import CONSOLE_CHANNEL
from scalebot.services import commands, rounds
from scalebot.services.context import AppContext
from tests.platforms.test_console import transcript

DANA = UserRef("console", "local", "dana", "Dana")
# Names and ids that are not UI text.
ALLOWED = {
    "scalebot",
    "scale",
    "Dana",
    "Sam",
    "practice",  # the console channel's id (#practice)
    "Europe",
    "Berlin",
    "Asia",
    "Shanghai",
    "UTC",
    "JSON",
    "CSV",
    "PNG",
    "IANA",
    "HH",
    "MM",
    "ZONE",
    "TEXT",
    "PAGE",
    "NAME",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each console test in its own folder: the console saves files where it runs."""
    monkeypatch.chdir(tmp_path)


def command_words() -> set[str]:
    """Every word of the commands' own syntax (/scale leaderboard week, admin setup …)."""
    table = (*commands.COMMANDS, *commands.ADMIN_COMMANDS)
    syntax = [f"{command.written} {form.syntax}" for command in table for form in command.forms]
    syntax += ["/as NAME", "/advance 1d 12h 30m", "/quit", "/scale help"]
    syntax += ["/scale forget-me confirm"]
    return {word for line in syntax for word in _WORD.findall(line)}


def bank_words() -> set[str]:
    """Latin-letter terms the bank's Chinese texts themselves use (GPU, Kubernetes, A/B …)."""
    words: set[str] = set()
    for question in load_bank().questions:
        assert question.zh is not None
        texts = [question.zh.title, question.zh.prompt, question.zh.model_answer]
        texts += list(question.zh.follow_ups)
        for criterion in question.rubric:
            assert criterion.zh is not None
            texts += [criterion.zh.title, criterion.zh.hint, *criterion.zh.cues]
        words.update(word for text in texts for word in _WORD.findall(text))
    return words


def untranslated(out: str, answer_words: set[str]) -> list[str]:
    """Latin-letter words in the transcript that no allowed source explains."""
    allowed = {w.lower() for w in ALLOWED | command_words() | bank_words() | answer_words}
    # Saved files' paths are where the test runs, not UI text.
    text = re.sub(r"(?<!\S)/\S*/\S+", " ", out)
    # Cues the feedback shows are the answer's own words, lower-cased by the grader.
    return sorted({word for word in _WORD.findall(text) if word.lower() not in allowed})


async def test_a_week_in_chinese_says_nothing_in_english(ctx: AppContext) -> None:
    await transcript(ctx, ["/scale admin language zh", "/scale language zh"])
    question = (await rounds.current_round(ctx, channel=CONSOLE_CHANNEL)).question
    answer = " ".join(
        f"我会用{criterion.zh.cues[0]}，因为这样能控制成本和延迟。"
        for criterion in question.rubric
        if criterion.zh
    )
    script = [
        "/scale help",
        "/scale today",
        f"/scale answer {answer}",
        "/scale answer 我会直接加机器。",  # a revision, shorter: notes and hints
        "/as Sam",
        "/scale language zh",
        "/scale answer 多加几台 GPU。",
        "/as Dana",
        "/advance 1d",
        f"/scale answer {answer}",
        "/scale streak",
        "/scale leaderboard",
        "/scale leaderboard week",
        "/scale leaderboard longest",
        "/scale stats",
        "/scale history",
        "/scale history 9",
        "/scale admin leaderboard all",
        "/scale admin freezes off",
        "/scale admin streak @Sam 3 补录故障期间的回答",
        "/scale admin undo",
        "/scale frobnicate",
        "/scale language fr",
        "/advance 2d",
        "hello",
        "/quit",
    ]
    out = await transcript(ctx, script)
    # The week happened: a second round, its summary, feedback, boards, stats, history.
    assert out.count("新一轮") == 3  # the channel speaks Chinese: its posts are Chinese too
    assert "第 1 轮结束" in out
    assert "参考答案" in out
    assert re.search(r"得分 \d+/100 · 覆盖 \d+/\d+ 个要点", out)
    assert "你的连续轮数：2（最长 2）" in out
    assert "排行榜：连续轮数" in out
    assert "排行榜：积分（本周）" in out
    assert "你的练习概况" in out
    assert "你最近的回答" in out
    assert "未知命令“frobnicate”" in out
    assert "不支持的语言“fr”" in out
    assert "“hello”不是命令" in out
    assert question.zh is not None
    assert question.zh.title in out
    answer_words = set(_WORD.findall(answer)) | {"GPU", "frobnicate", "fr", "hello"}
    assert untranslated(out, answer_words) == []


async def test_the_console_starts_in_the_configured_language(ctx: AppContext) -> None:
    from scalebot.locales import Language

    ctx.language = Language.ZH
    out = await transcript(ctx, ["/scale streak"])
    assert "scalebot 终端" in out
    assert "你的连续轮数：0（最长 0）" in out
    assert untranslated(out, set()) == []


# Every member and admin command in zh, with good and bad arguments (the week above covers
# answering, boards and streak corrections). Dates are after the console's Wednesday start.
SWEEP = [
    "/scale help",
    "/scale today",
    "/scale answer 我会按用户分片，缓存热点读请求，写入走消息队列。",
    "/scale leaderboard month",
    "/scale leaderboard all",
    "/scale leaderboard season",
    "/scale leaderboard hide",
    "/scale leaderboard show",
    "/scale leaderboard sideways",
    "/scale history",
    "/scale stats",
    "/scale history x",
    "/scale practice",
    "/scale practice answer 我会先做离线评估，再灰度发布。",
    "/scale practice",
    "/scale practice skip",
    "/scale practice answer",
    "/scale export-me",
    "/scale language",
    "/scale language auto",
    "/scale language zh",
    "/scale remind on",
    "/scale remind sometimes",
    "/scale admin",
    "/scale admin setup 25:00 Asia/Shanghai",
    "/scale admin setup 09:00 Mars/Olympus",
    "/scale admin setup 09:00 Asia/Shanghai weekdays",
    "/scale admin pause",
    "/scale admin post-now",
    "/scale admin resume",
    "/scale admin post-now",
    "/scale admin leaderboard week public",
    "/scale admin leaderboard season",
    "/scale admin streak @Nobody 3 reason",
    "/scale admin streak @Dana x",
    "/scale admin undo",
    "/scale admin freezes on",
    "/scale admin freezes maybe",
    "/scale admin language en",
    "/scale admin language zh",
    "/scale admin language fr",
    "/scale admin export",
    "/scale admin topics",
    "/scale admin topics nonsense",
    "/scale admin topics all",
    "/scale admin difficulty hard",
    "/scale admin difficulty extreme",
    "/scale admin difficulty all",
    "/scale admin skip 2026-03-10",
    "/scale admin skip list",
    "/scale admin skip 2020-01-01",
    "/scale admin skip soon",
    "/scale admin unskip 2026-03-10",
    "/scale admin unskip 2026-03-11",
    "/scale admin season",
    "/scale admin season start 春季赛 Spring",
    "/scale admin season start 春季赛 Again",
    "/scale admin season",
    "/scale admin digest off",
    "/scale admin digest on",
    "/scale admin digest sometimes",
    "/scale admin ping",
    "/scale admin ping @everyone",
    "/scale admin ping @oncall",
    "/scale admin ping",
    "/scale admin ping off",
    "/scale admin frobnicate",
    "/as Sam",
    "/scale language zh",
    "/scale admin pause",
    "/scale forget-me",
    "/scale forget-me confirm",
    "/scale streak",
    "/as Dana",
    "/advance 7d",
    "/scale forget-me",
    "/quit",
]


def test_the_sweep_runs_every_command() -> None:
    table = (*commands.COMMANDS, *commands.ADMIN_COMMANDS)
    swept = " ".join(SWEEP)
    assert [command.written for command in table if command.written not in swept] == []


async def test_every_command_answers_in_chinese(ctx: AppContext) -> None:
    await transcript(ctx, ["/scale admin language zh", "/scale language zh"])
    out = await transcript(ctx, SWEEP)
    assert "删除" in out  # forget-me asked, then deleted
    assert "赛季“春季赛 Spring”" in out
    assert "练习回答" in out  # the last forget-me counts Dana's practice answers
    # Chinese sentences follow each other without a space (rich's borders aside).
    assert not re.findall(r"[。；！？] +[^\s│─]", out)
    answer_words = {
        "sideways",
        "x",
        "Nobody",
        "reason",
        "maybe",
        "fr",
        "nonsense",
        "extreme",
        "soon",
        "sometimes",
        "frobnicate",
        "Mars",
        "Olympus",
        "Spring",
        "Again",
        "en",
        "zh",
        "auto",
        "everyone",
        "oncall",
        # Platform mention words and the example role name in the ping refusal.
        "here",
        "channel",
        "reviewers",
    }
    # Topic ids are what an admin types after /scale admin topics.
    topics = {part for q in load_bank().questions for part in _WORD.findall(q.topic)}
    assert untranslated(out, answer_words | topics) == []
