"""Console mode: a scripted week, as a newcomer would type it."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scalebot.app import run_console
from scalebot.domain.refs import UserRef
from scalebot.platforms.console import CONSOLE_CHANNEL
from scalebot.services import standings
from scalebot.services.context import AppContext

WEDNESDAY_7 = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
STRONG = (
    "/scale answer I would monitor drift and retrain on fresh data because accuracy decays. "
    "Use distributed training with mini-batch SGD and checkpoints to warm start. "
    "Serve behind an API on Kubernetes with autoscaling, and cache predictions to cut latency."
)
SHORT = "/scale answer I would buy bigger GPUs because training is slow."


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each console test in its own folder: the console saves files where it runs."""
    monkeypatch.chdir(tmp_path)


async def transcript(ctx: AppContext, lines: list[str], start: datetime = WEDNESDAY_7) -> str:
    """Run the console on scripted lines and return what it printed."""
    output = io.StringIO()
    await run_console(
        ctx,
        lines=lines,
        output=output,
        user_name="Dana",
        post_time="09:00",
        timezone="Europe/Berlin",
        start=start,
    )
    return output.getvalue()


def saved_paths(out: str) -> list[Path]:
    """The files the console said it saved, in order."""
    return [Path(found) for found in re.findall(r"^Saved (/\S+)$", out, flags=re.MULTILINE)]


async def test_a_round_closes_before_the_next_question_shows(ctx: AppContext) -> None:
    out = await transcript(ctx, ["/advance 1d", "/quit"])
    closed, thursday = out.index("closed:"), out.index("Thu 05 Mar")
    assert closed < thursday  # the new question is the last thing on screen


async def test_scripted_week(ctx: AppContext) -> None:
    script = [
        "/scale today",
        STRONG,
        "/as Sam",
        SHORT,
        "/as Dana",
        "/advance 1d",
        STRONG,
        "/as Sam",
        "/advance 1d",
        SHORT,
        "/scale streak",
        "/as Dana",
        "/scale admin setup 08:30 Europe/Berlin weekdays",
        "/advance 3d",
        STRONG,
        "/scale streak",
        "/scale leaderboard",
        "/scale admin leaderboard week",
        "/quit",
        "/scale help",
    ]
    out = await transcript(ctx, script)
    # Wednesday's first round at once; Thursday, Friday, then Monday (weekdays from Friday on).
    assert out.count("new round") == 4
    assert "Wed 04 Mar: Scale your ML model" in out
    assert "Mon 09 Mar" in out
    assert "Sat 07 Mar" not in out
    assert "Sun 08 Mar" not in out
    assert out.count("closed:") == 3  # each new round closes the one before, with a summary
    assert "Model answer" in out
    assert "You are now Sam (member)." in out
    assert re.search(r"Score \d+/100", out)
    # Sam missed Thursday's round, so his streak restarted on Friday.
    assert "Your streak: 1 (longest 1)" in out
    # Dana answered rounds 1, 2 and 4 (she skipped Friday's): longest streak 2, current 1.
    dana = UserRef("console", "local", "dana", "Dana")
    view = await standings.read_streak(ctx, channel=CONSOLE_CHANNEL, user=dana)
    assert (view.current, view.longest) == (1, 2)
    assert "Leaderboard by streak" in out
    assert "Leaderboard by points (this week)" in out
    assert "enrolled: a question at 08:30 Europe/Berlin, weekdays" in out
    # Nothing after /quit runs.
    assert out.count("scalebot: a daily") == 0


async def test_restart_keeps_state_and_posts_nothing_twice(ctx: AppContext) -> None:
    first = await transcript(ctx, [STRONG])
    assert first.count("new round") == 1
    second = await transcript(ctx, ["/scale streak"])
    assert "new round" not in second
    assert "Wed 04 Mar: Scale your ML model" in second  # shows today's question again
    assert "Your streak: 1" in second


async def test_console_rejects_bad_input_with_one_line(ctx: AppContext) -> None:
    out = await transcript(
        ctx,
        [
            "hello",
            "/advance soon",
            "/advance 999d",
            "/as ",
            "/as <script>",
            "/scale answer",
            "/scale admin setup 09:00 Nowhere/Town",
            "/scale dance",
        ],
    )
    assert "'hello' is not a command" in out
    assert "Usage: /advance 1d" in out
    assert "between 1 minute and 366 days" in out
    assert out.count("Usage: /as NAME") == 2
    assert "Your answer is empty" in out
    assert "'Nowhere/Town' is not a time zone" in out
    assert "Unknown command 'dance'" in out


async def test_member_cannot_run_admin_commands(ctx: AppContext) -> None:
    out = await transcript(ctx, ["/as Sam", "/scale admin post-now"])
    assert "Only channel admins" in out


async def test_markup_in_answers_is_printed_literally(ctx: AppContext) -> None:
    out = await transcript(ctx, ["/scale answer [bold red]drift[/] and retrain because shift"])
    assert "[bold red]drift[/]" in out


async def test_history_in_the_console_names_questions_and_pages(ctx: AppContext) -> None:
    out = await transcript(
        ctx, [SHORT, "/advance 1d", STRONG, "/scale history", "/scale history 2"]
    )
    assert "Your recent answers" in out
    first, second = out.index("Thu 05 Mar 2026 · "), out.index("Wed 04 Mar 2026 · Scale your ML")
    assert first < second  # newest first
    assert "Missed:" in out
    assert "Page 1 of 1 · 2 answers" in out
    assert "Page 2 is empty" in out


async def test_admin_corrects_and_undoes_a_streak_in_the_console(ctx: AppContext) -> None:
    out = await transcript(
        ctx,
        [
            "/as Sam",
            SHORT,
            "/as Dana",
            "/scale admin streak @sam 4 answered in the old bot",
            "/as Sam",
            "/scale streak",
            "/scale export-me",
            "/as Dana",
            "/scale admin undo",
        ],
    )
    assert "Sam's streak is now 4 (was 1)." in out
    assert "Your streak: 4 (longest 4)" in out
    [export] = saved_paths(out)
    [correction] = json.loads(export.read_text(encoding="utf-8"))["streak_corrections"]
    assert correction["reason"] == "answered in the old bot"
    assert "Undid the correction of Sam's streak: it is 1 again." in out


async def test_a_streak_freeze_in_the_console(ctx: AppContext) -> None:
    script = [STRONG]
    for _day in range(6):
        script += ["/advance 1d", STRONG]
    script += ["/scale streak", "/advance 1d", "/advance 1d", "/scale streak"]
    out = await transcript(ctx, script)
    assert "Your streak: 7 (longest 7)" in out
    assert "1 of 2: one more after 7 more rounds in a row." in out
    assert "A streak freeze kept your streak alive. 0 freezes left." in out
    assert out.count("kept your streak alive") == 1


async def test_export_me_saves_a_json_file_and_prints_its_path(
    ctx: AppContext, tmp_path: Path
) -> None:
    out = await transcript(ctx, [STRONG, "/scale export-me"])
    [path] = saved_paths(out)
    assert path == (tmp_path / "scalebot-export-dana.json").resolve()
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported["answers"][0]["text"] == STRONG.removeprefix("/scale answer ")
    assert '"answers"' not in out  # the data is in the file, not in the transcript


async def test_a_file_that_cannot_be_saved_is_one_clear_line(
    ctx: AppContext, tmp_path: Path
) -> None:
    (tmp_path / "scalebot-export-dana.json").mkdir()  # a folder where the file should go
    out = await transcript(ctx, ["/scale export-me"])
    assert "Could not save scalebot-export-dana.json: Is a directory" in out


async def test_practice_in_the_console_serves_grades_and_brings_back_what_is_due(
    ctx: AppContext,
) -> None:
    out = await transcript(
        ctx,
        [
            "/scale practice",
            "/scale practice answer I would shard the data because one node cannot hold it.",
            "/advance 2h",
            "/scale practice",
            "/scale streak",
        ],
    )
    served = re.findall(r"Practice: ([^─\n]+?) ─", out)
    assert len(served) == 2
    assert served[0] == served[1]  # what was missed came back once due
    assert "Score " in out
    assert "This question comes back for review in 1 hour" in out
    assert "Due for review:" in out
    assert "Your streak: 0" in out  # practice counts for no streak


async def test_stats_saves_the_picture_and_prints_its_path(ctx: AppContext, tmp_path: Path) -> None:
    out = await transcript(ctx, [STRONG, "/advance 1d", SHORT, "/scale stats"])
    assert "Your practice so far" in out
    [path] = saved_paths(out)
    assert path == (tmp_path / "scalebot-stats-dana.png").resolve()
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert path.stat().st_size < 200 * 1024


async def test_admin_export_saves_a_csv_and_prints_its_path(ctx: AppContext) -> None:
    out = await transcript(
        ctx, [STRONG, "/as Sam", "/scale admin export", "/as Dana", "/scale admin export"]
    )
    assert "Only channel admins" in out
    [path] = saved_paths(out)
    assert path.name.startswith("scalebot-channel-practice-")
    assert path.suffix == ".csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("round_date,")
    assert ",dana,Dana," in lines[1]


async def test_files_in_chinese_in_the_console(ctx: AppContext, tmp_path: Path) -> None:
    out = await transcript(
        ctx,
        ["/scale language zh", STRONG, "/scale stats", "/scale export-me", "/scale admin export"],
    )
    saved = re.findall(r"^已保存 (/\S+)$", out, flags=re.MULTILINE)
    assert [Path(path).name for path in saved] == [
        "scalebot-stats-dana.png",
        "scalebot-export-dana.json",
        f"scalebot-channel-practice-{WEDNESDAY_7.date().isoformat()}.csv",
    ]
    assert "频道导出：1 条回答" in out


async def test_topics_and_skipped_dates_fit_the_rounds(ctx: AppContext) -> None:
    script = [
        "/scale admin topics hardware",
        "/scale admin skip 2026-03-05",
        "/scale admin skip list",
        "/advance 2d",
        "/quit",
    ]
    out = await transcript(ctx, script)
    assert "Rounds here ask: topics hardware, every difficulty." in out
    assert "1 date skipped" in out
    assert "Thu 05 Mar" not in out  # skipped
    assert "Fri 06 Mar" in out


async def test_the_weekly_digest_shows_before_mondays_question(ctx: AppContext) -> None:
    out = await transcript(ctx, [STRONG, "/advance 5d", "/scale admin digest off", "/quit"])
    digest = out.index("Weekly digest: Mar 2, 2026 to Mar 8, 2026")
    assert out.index("closed:") < digest < out.index("Mon 09 Mar")
    assert "No streak is running." in out  # Dana answered Wednesday only
    assert "The weekly digest is off." in out


async def test_the_post_shows_the_role_it_pings(ctx: AppContext) -> None:
    out = await transcript(ctx, ["/scale admin ping @reviewers", "/advance 1d", "/quit"])
    assert "Each daily post here now pings the role @reviewers." in out
    assert out.index("@reviewers\n", out.index("/advance 1d")) < out.index("Thu 05 Mar")


async def test_a_reminder_shows_before_the_round_closes(ctx: AppContext) -> None:
    three_days = [STRONG, "/advance 1d"] * 3
    out = await transcript(ctx, [*three_days, "/scale remind on", "/advance 1d", "/quit"])
    assert "Reminders are on here." in out
    nudge = out.index("Your streak of 3 rounds ends in 3 hours")
    assert out.index("/scale remind on") < nudge < out.index("Sun 08 Mar")
