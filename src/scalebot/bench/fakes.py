"""Minimal local Discord and Slack Web APIs that enforce the documented rate limits.

They serve what a fan-out and a slash-command ack need, nothing more, and ship in the package
so `scalebot bench` runs from an installed wheel; the richer fakes of the test suite stay in
tests/platforms.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections import Counter, defaultdict
from typing import Any

from aiohttp import web

from scalebot.bench.limits import SlidingWindow, admit_all

DISCORD_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.bench-token.not-a-secret"
DISCORD_APP_ID = 300000000000000001
DISCORD_GLOBAL_LIMIT = 50  # requests per second per bot token
SLACK_CHANNEL_LIMIT = 1  # chat.postMessage per second per channel
JSON = "application/json"  # discord.py compares the content type exactly (no charset)


class _Served:
    """An aiohttp app on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        """Not serving until start()."""
        self._runner: web.AppRunner | None = None
        self.url = ""

    def routes(self, app: web.Application) -> None:
        """Add the fake's routes."""
        raise NotImplementedError

    async def start(self) -> None:
        """Listen on a free port."""
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()


def _discord_user(user_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
    }


class FakeDiscordApi(_Served):
    """Discord's REST API for login, channel messages and threads, at 50 requests/s."""

    def __init__(self, limit: int = DISCORD_GLOBAL_LIMIT) -> None:
        """Enforce `limit` requests in any second (interaction endpoints are exempt, as there)."""
        super().__init__()
        self.window = SlidingWindow(limit)
        self.accepted: list[float] = []
        self.messages: Counter[str] = Counter()
        self.threads: Counter[str] = Counter()
        self._by_nonce: dict[tuple[str, str], dict[str, Any]] = {}
        self._ids = itertools.count(900000000000000001)

    @property
    def api_url(self) -> str:
        """The REST base for discord.py."""
        return self.url + "api/v10"

    def routes(self, app: web.Application) -> None:
        """Serve /api/v10/…."""
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        wait = self.window.admit()
        if wait > 0:
            body = {"message": "You are being rate limited.", "retry_after": wait, "global": True}
            headers = {"Via": "1.1 google", "X-RateLimit-Global": "true"}
            headers["Retry-After"] = str(math.ceil(wait))
            return _json(body, status=429, headers=headers)
        self.accepted.append(time.perf_counter())
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return _json({**_discord_user(DISCORD_APP_ID, "scalebot"), "bot": True})
        if path == "/oauth2/applications/@me":
            return _json(_application())
        if request.method == "POST" and len(parts) == 3 and parts[0] == "channels":
            return _json(self._message(parts[1], body))
        if request.method == "POST" and len(parts) == 5 and parts[4] == "threads":
            self.threads[parts[1]] += 1
            return _json(_thread(next(self._ids), parts[1], str(body.get("name", ""))), status=201)
        return _json({"message": f"Unknown route {request.method} {path}", "code": 0}, status=404)

    def _message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Store a message; a repeated enforced nonce returns the first one, as Discord does."""
        nonce = str(body.get("nonce") or "")
        if nonce and body.get("enforce_nonce") and (channel_id, nonce) in self._by_nonce:
            return self._by_nonce[(channel_id, nonce)]
        self.messages[channel_id] += 1
        author = {**_discord_user(DISCORD_APP_ID, "scalebot"), "bot": True}
        data = discord_message(next(self._ids), channel_id, body, author)
        if nonce:
            data["nonce"] = nonce
            self._by_nonce[(channel_id, nonce)] = data
        return data


def discord_message(
    message_id: int, channel_id: int | str, body: dict[str, Any], author: dict[str, Any]
) -> dict[str, Any]:
    """A message as Discord echoes a created one: the sent content, embeds and components
    (shared by the suite's richer fake)."""
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "content": body.get("content") or "",
        "author": author,
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": "2026-01-05T09:00:00+00:00",
        "edited_timestamp": None,
        "flags": body.get("flags") or 0,
        "components": body.get("components") or [],
    }


def _application() -> dict[str, Any]:
    return {
        "id": str(DISCORD_APP_ID),
        "name": "scalebot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": _discord_user(400000000000000001, "owner"),
        "verify_key": "0" * 64,
        "flags": 0,
    }


def _thread(thread_id: int, parent_id: str, name: str) -> dict[str, Any]:
    return {
        "id": str(thread_id),
        "type": 11,
        "parent_id": parent_id,
        "owner_id": str(DISCORD_APP_ID),
        "name": name,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-01-05T09:00:00+00:00",
            "locked": False,
        },
    }


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": JSON, **(headers or {})},
    )


def slack_token(team: str) -> str:
    """The bench's bot token of a workspace."""
    return f"xoxb-bench-{team}"


class FakeSlackApi(_Served):
    """Slack's Web API for posting and slash commands; chat.postMessage limited like Slack's."""

    def __init__(self, *, per_workspace: int, per_channel: int = SLACK_CHANNEL_LIMIT) -> None:
        """Allow `per_workspace` posts a second per workspace and `per_channel` per channel."""
        super().__init__()
        self.per_workspace = per_workspace
        self.per_channel = per_channel
        self._workspaces: dict[str, SlidingWindow] = {}
        self._channels: dict[tuple[str, str], SlidingWindow] = {}
        self.posts: Counter[tuple[str, str]] = Counter()
        self.refused = 0
        self.responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._responded = asyncio.Condition()
        self._ts = itertools.count(1_700_000_000)

    @property
    def api_url(self) -> str:
        """The Web API base for slack_sdk (trailing slash included)."""
        return self.url + "api/"

    def response_url(self, name: str) -> str:
        """A response_url whose messages land in `responses[name]`."""
        return f"{self.url}respond/{name}"

    def routes(self, app: web.Application) -> None:
        """Serve /api/{method} and response URLs."""
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == JSON:
            params.update(await request.json())
        elif request.method == "POST":
            params.update(await request.post())
        team = request.headers.get("Authorization", "").removeprefix("Bearer xoxb-bench-")
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": team, "team": team}
            )
        if method == "users.info":
            user = str(params.get("user"))
            return web.json_response({"ok": True, "user": {"id": user, "name": user.lower()}})
        if method == "chat.postMessage":
            return self._post(team, str(params.get("channel")))
        return web.json_response({"ok": False, "error": "unknown_method"})

    def _post(self, team: str, channel: str) -> web.Response:
        workspace = self._workspaces.setdefault(team, SlidingWindow(self.per_workspace))
        in_channel = self._channels.setdefault((team, channel), SlidingWindow(self.per_channel))
        wait = admit_all(in_channel, workspace)
        if wait > 0:
            self.refused += 1
            retry = {"Retry-After": str(math.ceil(wait))}
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers=retry
            )
        self.posts[(team, channel)] += 1
        return web.json_response({"ok": True, "channel": channel, "ts": f"{next(self._ts)}.000100"})

    async def _respond(self, request: web.Request) -> web.Response:
        message = await request.json()
        async with self._responded:
            self.responses[request.match_info["name"]].append(message)
            self._responded.notify_all()
        return web.Response(text="ok")

    async def wait_for_responders(self, count: int, seconds: float) -> None:
        """Wait until `count` response URLs got a message, or `seconds` passed."""
        async with self._responded:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._responded.wait_for(lambda: len(self.responses) >= count), seconds
                )
