"""A scripted console run through the habits: freezes, practice, history, stats, forget-me."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scalebot.domain.refs import UserRef
from scalebot.services.context import AppContext
from tests.mentions import member_id, mentions
from tests.platforms.test_console import SHORT, STRONG, saved_paths, transcript


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The console saves files where it runs: here, the test's own folder."""
    monkeypatch.chdir(tmp_path)


async def test_a_scripted_run_through_every_habit(ctx: AppContext, tmp_path: Path) -> None:
    script = [STRONG]
    for _day in range(6):  # seven rounds in a row earn a freeze
        script += ["/advance 1d", STRONG]
    script += ["/advance 1d", "/advance 1d", SHORT]  # one round missed: the freeze is spent
    script += [
        "/scale streak",
        "/scale practice",
        "/scale practice answer I would shard the data because one node cannot hold it.",
        "/scale history",
        "/scale stats",
        "/scale export-me",
    ]
    out = await transcript(ctx, script)

    assert "A streak freeze kept your streak alive. 0 freezes left." in out
    assert "Your streak: 8" in out  # the freeze kept the seven, the new answer made eight
    assert re.search(r"Practice: [^─\n]+ ─", out)
    assert "This question comes back for review in" in out
    assert "Your recent answers" in out
    stats, export = saved_paths(out)
    assert stats == (tmp_path / "scalebot-stats-dana.png").resolve()
    assert stats.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert export == (tmp_path / "scalebot-export-dana.json").resolve()
    exported = json.loads(export.read_text(encoding="utf-8"))
    assert len(exported["answers"]) == 8  # the rounds answered, not the practice answer

    dana = UserRef("console", "local", "dana", "Dana")
    her = await member_id(ctx.db, dana)
    out = await transcript(ctx, ["/scale forget-me", "/scale forget-me confirm"])
    assert "Delete everything scalebot stores about you here?" in out
    assert "Deleted: scalebot no longer stores anything about you here." in out
    assert await mentions(ctx.db, dana, her) == {}
