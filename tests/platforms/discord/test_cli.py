"""`scalebot discord sync|invite` and `scalebot run discord`, run as a user would run them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from scalebot.platforms.discord.config import BOT_PERMISSIONS, MISSING_TOKEN
from tests.platforms.discord.fake_discord import APP_ID, GUILD_ID, TOKEN, FakeDiscord


async def scalebot(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """Run the CLI in a clean SCALEBOT_* environment without blocking the fake's loop."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SCALEBOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "scalebot",
        *args,
        env=clean | env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def env_for(fake: FakeDiscord, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Settings that point the CLI at the fake."""
    return {
        "SCALEBOT_DISCORD_TOKEN": TOKEN,
        "SCALEBOT_DISCORD_API_URL": fake.api_url,
        "SCALEBOT_DISCORD_GATEWAY_URL": fake.gateway_url,
        "SCALEBOT_DATA_DIR": str(tmp_path / "data"),
        "SCALEBOT_LOG_LEVEL": "WARNING",
    } | extra


def option(command: dict[str, Any], *path: str) -> dict[str, Any]:
    """A nested option of a synced command, by names."""
    for name in path:
        command = next(o for o in command["options"] if o["name"] == name)
    return command


async def test_sync_registers_one_scale_group_globally(fake: FakeDiscord, tmp_path: Path) -> None:
    code, out, err = await scalebot("discord", "sync", env=env_for(fake, tmp_path), cwd=tmp_path)
    assert (code, err) == (0, "")
    assert out.strip() == "Synced /scale (29 subcommands) globally."
    body = fake.find("PUT", rf"^/applications/{APP_ID}/commands$")[0].body
    assert [c["name"] for c in body] == ["scale"]
    scale = body[0]
    assert scale["contexts"] == [0]  # servers only
    assert scale["integration_types"] == [0]  # installed to servers, not users
    assert scale["dm_permission"] is False
    assert scale["default_member_permissions"] is None
    members = {o["name"] for o in scale["options"]}
    assert members == {
        "help",
        "today",
        "answer",
        "streak",
        "leaderboard",
        "stats",
        "history",
        "practice",
        "forget-me",
        "export-me",
        "language",
        "remind",
        "admin",
    }
    admin = {o["name"] for o in option(scale, "admin")["options"]}
    assert admin == {
        "setup",
        "pause",
        "resume",
        "post-now",
        "leaderboard",
        "streak",
        "undo",
        "freezes",
        "export",
        "topics",
        "difficulty",
        "skip",
        "unskip",
        "language",
        "season",
        "digest",
        "ping",
    }
    assert option(scale, "admin", "topics", "topics")["autocomplete"] is True
    assert not option(scale, "admin", "topics", "topics")["required"]
    assert option(scale, "admin", "skip", "date")["required"]
    freeze_state = option(scale, "admin", "freezes", "state")
    assert [c["value"] for c in freeze_state["choices"]] == ["on", "off"]
    digest_state = option(scale, "admin", "digest", "state")
    assert [c["value"] for c in digest_state["choices"]] == ["on", "off"]
    assert option(scale, "admin", "ping", "role")["type"] == 8
    member = option(scale, "admin", "streak", "member")
    assert (member["type"], member["required"]) == (6, True)
    count = option(scale, "admin", "streak", "count")
    assert (count["type"], count["min_value"], count["max_value"]) == (4, 0, 10_000)
    assert option(scale, "admin", "streak", "reason")["max_length"] == 500
    board_choices = option(scale, "leaderboard", "board")["choices"]
    assert [c["value"] for c in board_choices] == [
        "streak",
        "longest",
        "week",
        "month",
        "all",
        "season",
    ]
    assert [c["value"] for c in option(scale, "leaderboard", "me")["choices"]] == ["hide", "show"]
    assert option(scale, "admin", "setup", "zone")["autocomplete"] is True
    assert not option(scale, "answer", "text")["required"]
    days = option(scale, "admin", "setup", "days")
    assert [c["value"] for c in days["choices"]] == ["daily", "weekdays"]
    assert not days["required"]
    page = option(scale, "history", "page")
    assert (page["type"], page["min_value"], page["max_value"], page["required"]) == (
        4,
        1,
        10_000,
        False,
    )
    board = option(scale, "admin", "leaderboard")
    assert {o["name"] for o in board["options"]} == {"period", "public"}


async def test_sync_uploads_the_chinese_descriptions(fake: FakeDiscord, tmp_path: Path) -> None:
    code, _, err = await scalebot("discord", "sync", env=env_for(fake, tmp_path), cwd=tmp_path)
    assert (code, err) == (0, "")
    [scale] = fake.find("PUT", rf"^/applications/{APP_ID}/commands$")[0].body
    for locale in ("zh-CN", "zh-TW"):
        assert scale["description_localizations"][locale] == "每日“你会怎么扩展它？”练习"
        today = option(scale, "today")
        assert today["description_localizations"][locale] == "再看一遍本轮题目"
        zone = option(scale, "admin", "setup", "zone")
        assert zone["description_localizations"][locale].startswith("IANA 时区")
    # Names are what members type: the same in every language.
    assert scale["name_localizations"] == {}
    assert option(scale, "today")["name_localizations"] == {}
    assert "en-US" not in scale["description_localizations"]
    assert "fr" not in scale["description_localizations"]


def descriptions(command: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every command, subcommand and option of a synced command, named by its path."""
    here = f"{path} {command['name']}".strip()
    found = [(here, command)]
    for child in command.get("options", []):
        found += descriptions(child, here)
    return found


async def test_sync_localises_every_description(fake: FakeDiscord, tmp_path: Path) -> None:
    code, _, err = await scalebot("discord", "sync", env=env_for(fake, tmp_path), cwd=tmp_path)
    assert (code, err) == (0, "")
    [scale] = fake.find("PUT", rf"^/applications/{APP_ID}/commands$")[0].body
    english = [
        path
        for path, item in descriptions(scale)
        if (item.get("description_localizations") or {}).get("zh-CN") in (None, item["description"])
    ]
    assert not english, f"descriptions Chinese clients would read in English: {english}"


async def test_sync_to_one_server(fake: FakeDiscord, tmp_path: Path) -> None:
    code, out, _ = await scalebot(
        "discord", "sync", "--guild", str(GUILD_ID), env=env_for(fake, tmp_path), cwd=tmp_path
    )
    assert code == 0
    assert out.strip() == f"Synced /scale (29 subcommands) in server {GUILD_ID}."
    assert len(fake.find("PUT", rf"^/applications/{APP_ID}/guilds/{GUILD_ID}/commands$")) == 1
    assert fake.find("PUT", rf"^/applications/{APP_ID}/commands$") == []


async def test_sync_refuses_a_bad_server_id(fake: FakeDiscord, tmp_path: Path) -> None:
    code, _, err = await scalebot(
        "discord", "sync", "--guild", "my-server", env=env_for(fake, tmp_path), cwd=tmp_path
    )
    assert code == 2
    assert err.strip() == (
        "error: --guild: 'my-server' is not a server id (Developer Mode → Copy Server ID)"
    )
    assert fake.requests == []


async def test_invite_prints_the_url_with_the_permissions_the_bot_needs(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    code, out, _ = await scalebot("discord", "invite", env=env_for(fake, tmp_path), cwd=tmp_path)
    assert code == 0
    url = urlsplit(out.strip())
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["client_id"] == [str(APP_ID)]
    assert query["permissions"] == [str(BOT_PERMISSIONS.value)]
    assert query["scope"] == ["bot applications.commands"]


@pytest.mark.parametrize(
    "command", [["discord", "sync"], ["discord", "invite"], ["run", "discord"]]
)
async def test_a_missing_token_stops_with_one_line(
    fake: FakeDiscord, tmp_path: Path, command: list[str]
) -> None:
    env = env_for(fake, tmp_path, SCALEBOT_DISCORD_TOKEN="")
    code, _, err = await scalebot(*command, env=env, cwd=tmp_path)
    assert code == 2
    assert err.strip() == f"error: {MISSING_TOKEN}"


async def test_a_malformed_setting_stops_run_with_one_line(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    env = env_for(fake, tmp_path, SCALEBOT_DISCORD_SHARD_COUNT="lots")
    code, _, err = await scalebot("run", "discord", env=env, cwd=tmp_path)
    assert code == 2
    assert err.strip().startswith("error: SCALEBOT_DISCORD_SHARD_COUNT: 'lots' is not a number")


async def test_a_rejected_token_stops_sync_with_one_line(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.fail("GET", r"^/users/@me$", 401, {"message": "401: Unauthorized", "code": 0})
    code, _, err = await scalebot("discord", "sync", env=env_for(fake, tmp_path), cwd=tmp_path)
    assert code == 2
    assert err.strip().startswith("error: SCALEBOT_DISCORD_TOKEN: Discord rejected the token")
