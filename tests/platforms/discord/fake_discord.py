"""A local stand-in for Discord: the REST API discord.py calls, and a small gateway."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from scalebot.bench.fakes import discord_message
from scalebot.bench.limits import SlidingWindow

GUILD_ID = 100000000000000001
CHANNEL_ID = 200000000000000001
OTHER_CHANNEL_ID = 200000000000000002
APP_ID = 300000000000000001
OWNER_ID = 400000000000000001
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.fake-token.for-tests"
WAIT_SECONDS = 10.0
JSON = "application/json"  # discord.py compares the content type exactly (no charset)


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.perf_counter)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The embeds sent, if any."""
        return list((self.body or {}).get("embeds") or [])


@dataclass
class Failure:
    """A scripted error answer for matching requests."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    times: int
    headers: dict[str, str]


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A Discord user object."""
    return {
        "id": str(user_id),
        "username": name.lower(),
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


BOT_USER = user(APP_ID, "scalebot", bot=True)


class FakeDiscord:
    """Answers the REST calls discord.py makes, records them, and serves a gateway."""

    def __init__(self) -> None:
        """An empty fake; start() serves it on 127.0.0.1."""
        self.requests: list[Recorded] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.nonces: dict[tuple[str, str], int] = {}
        self.failures: list[Failure] = []
        self.identified: list[dict[str, Any]] = []
        self.guilds: list[dict[str, Any]] = []
        self.close_on_identify: int | None = None
        # Discord's global limit, when a test turns it on: 429 once a second has too many.
        self.global_limit: SlidingWindow | None = None
        self._ids = itertools.count(900000000000000001)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._sequence = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- serving ----------------------------------------------------------------------
    async def start(self) -> None:
        """Serve the REST API under /api/v10 and the gateway at /."""
        app = web.Application()
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def close(self) -> None:
        """Stop serving."""
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """The REST base to give discord.py."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway URL to give discord.py."""
        return f"ws://127.0.0.1:{self.port}/"

    # ---- scripting and inspection -----------------------------------------------------
    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        body: dict[str, Any] | None = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` matching requests with an error."""
        default = {"message": {403: "Missing Access", 404: "Unknown Channel"}.get(status, "")}
        self.failures.append(
            Failure(method, re.compile(pattern), status, body or default, times, headers or {})
        )

    def rate_limit(self, method: str, pattern: str, *, retry_after: float = 0.01) -> None:
        """Answer the next matching request with a 429 as Discord does (Via header, JSON)."""
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        self.fail(method, pattern, 429, body, headers={"Via": "1.1 google"})

    def find(self, method: str, pattern: str) -> list[Recorded]:
        """Recorded requests matching a method and a path regex."""
        rx = re.compile(pattern)
        return [r for r in self.requests if r.method == method and rx.search(r.path)]

    async def wait_for(self, method: str, pattern: str, *, count: int = 1) -> list[Recorded]:
        """Wait until `count` matching requests have arrived; return them."""

        def enough() -> bool:
            return len(self.find(method, pattern)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), WAIT_SECONDS)
        return self.find(method, pattern)

    def next_id(self) -> int:
        """A fresh snowflake."""
        return next(self._ids)

    # ---- REST -------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await _read_body(request)
        self.requests.append(Recorded(request.method, path, dict(request.query), body, files))
        async with self._changed:
            self._changed.notify_all()
        limited = self._over_global_limit(path)
        if limited is not None:
            return limited
        failure = self._failure_for(request.method, path)
        if failure is not None:
            return _json(failure.body, status=failure.status, headers=failure.headers)
        status, answer = self._answer(request.method, path, body or {})
        if status == 204:
            return web.Response(status=204)
        return _json(answer, status=status)

    def limit_globally(self, per_second: int) -> SlidingWindow:
        """Enforce Discord's global limit (interaction endpoints are exempt, as there)."""
        self.global_limit = SlidingWindow(per_second)
        return self.global_limit

    def _over_global_limit(self, path: str) -> web.Response | None:
        """A global 429 when the request exceeds the limit, else None."""
        if self.global_limit is None or path.startswith(("/interactions/", "/webhooks/")):
            return None
        wait = self.global_limit.admit()
        if wait <= 0:
            return None
        body = {"message": "You are being rate limited.", "retry_after": wait, "global": True}
        return _json(body, status=429, headers={"Via": "1.1 google", "X-RateLimit-Global": "true"})

    def _failure_for(self, method: str, path: str) -> Failure | None:
        for failure in self.failures:
            if failure.times > 0 and failure.method == method and failure.pattern.search(path):
                failure.times -= 1
                return failure
        return None

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        for route_method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return handler(body, *match.groups())
        return 404, {"message": f"Unknown route {method} {path}", "code": 0}

    def _routes(self) -> list[tuple[str, str, Callable[..., tuple[int, Any]]]]:
        return [
            ("GET", r"/users/@me", lambda b: (200, BOT_USER)),
            ("GET", r"/oauth2/applications/@me", lambda b: (200, application())),
            ("GET", r"/gateway/bot", lambda b: (200, self._gateway_info())),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("GET", r"/channels/(\d+)/messages", self._list_messages),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._get_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._create_thread),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("GET", r"/guilds/(\d+)", lambda b, g: (200, {"id": g, "owner_id": str(OWNER_ID)})),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            ("PUT", r"/applications/(\d+)/commands", self._sync),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync),
        ]

    def message(self, channel_id: int | str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """Store and return a message as Discord would echo it."""
        message_id = self.next_id()
        data = discord_message(message_id, channel_id, body, BOT_USER) | extra
        self.messages[message_id] = data
        return data

    def _create_message(self, body: dict[str, Any], channel_id: str) -> tuple[int, Any]:
        # A repeated nonce with enforce_nonce gets the first message back, as on Discord.
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            key = (channel_id, str(nonce))
            if key in self.nonces:
                return 200, self.messages[self.nonces[key]]
            created = self.message(channel_id, body, nonce=str(nonce))
            self.nonces[key] = int(created["id"])
            return 200, created
        return 200, self.message(channel_id, body)

    def _list_messages(self, body: dict[str, Any], channel_id: str) -> tuple[int, Any]:
        """The channel's newest 100 messages, newest first (nonces are not returned)."""
        found = [m for m in self.messages.values() if m["channel_id"] == channel_id]
        newest = sorted(found, key=lambda m: int(m["id"]), reverse=True)[:100]
        return 200, [{k: v for k, v in m.items() if k != "nonce"} for m in newest]

    def posts_in(self, channel_id: int | str) -> list[dict[str, Any]]:
        """Messages in a channel, oldest first."""
        found = [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]
        return sorted(found, key=lambda m: int(m["id"]))

    def _get_message(
        self, body: dict[str, Any], channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        found = self.messages.get(int(message_id))
        if found is None or found["channel_id"] != channel_id:
            return 404, {"message": "Unknown Message", "code": 10008}
        return 200, found

    def _create_thread(
        self, body: dict[str, Any], channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        opened = thread(int(message_id), int(channel_id), body.get("name", "thread"))
        if int(message_id) in self.messages:
            self.messages[int(message_id)]["thread"] = opened
        return 201, opened

    def _open_dm(self, body: dict[str, Any]) -> tuple[int, Any]:
        recipient = str(body["recipient_id"])
        dm_id = self.next_id()
        return 200, {"id": str(dm_id), "type": 1, "recipients": [user(int(recipient), "member")]}

    def _callback(self, body: dict[str, Any], interaction_id: str, token: str) -> tuple[int, Any]:
        flags = (body.get("data") or {}).get("flags") or 0
        return 200, {
            "interaction": {
                "id": interaction_id,
                "type": body.get("type"),
                "response_message_loading": body.get("type") == 5,
                "response_message_ephemeral": bool(flags & 64),
            }
        }

    def _followup(self, body: dict[str, Any], app_id: str, token: str) -> tuple[int, Any]:
        return 200, self.message(CHANNEL_ID, body, webhook_id=app_id)

    def _edit_original(self, body: dict[str, Any], app_id: str, token: str) -> tuple[int, Any]:
        return 200, self.message(CHANNEL_ID, body, webhook_id=app_id)

    def _sync(self, body: Any, app_id: str, guild_id: str | None = None) -> tuple[int, Any]:
        synced = []
        for command in body:
            synced.append(
                {
                    **command,
                    "id": str(self.next_id()),
                    "application_id": app_id,
                    "version": "1",
                    **({"guild_id": guild_id} if guild_id else {}),
                }
            )
        return 200, synced

    def _gateway_info(self) -> dict[str, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    # ---- gateway ----------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                break
            payload = json.loads(frame.data)
            if payload["op"] == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif payload["op"] == 2:
                await self._identify(socket, payload["d"])
        self._sockets.remove(socket)
        return socket

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identified.append(data)
        async with self._changed:
            self._changed.notify_all()
        if self.close_on_identify is not None:
            await socket.close(code=self.close_on_identify)
            return
        shard = data.get("shard", [0, 1])
        ready = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": g["id"], "unavailable": True} for g in self.guilds],
            "session_id": f"session-{shard[0]}",
            "resume_gateway_url": self.gateway_url,
            "shard": shard,
            "application": {"id": str(APP_ID), "flags": 0},
        }
        await self._send(socket, "READY", ready)
        for guild in self.guilds:
            await self._send(socket, "GUILD_CREATE", guild)

    async def _send(self, socket: web.WebSocketResponse, event: str, data: Any) -> None:
        frame = {"op": 0, "t": event, "s": next(self._sequence), "d": data}
        await socket.send_str(json.dumps(frame))

    async def dispatch(self, event: str, data: Any) -> None:
        """Send a gateway event to every connected shard."""
        for socket in list(self._sockets):
            await self._send(socket, event, data)

    async def wait_identified(self, count: int = 1) -> None:
        """Wait until `count` shards have identified."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.identified) >= count), WAIT_SECONDS
            )


def application() -> dict[str, Any]:
    """The application object login() reads."""
    return {
        "id": str(APP_ID),
        "name": "scalebot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(OWNER_ID, "owner"),
        "verify_key": "0" * 64,
        "flags": 0,
    }


def thread(thread_id: int, parent_id: int, name: str) -> dict[str, Any]:
    """A public thread started from a message."""
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(parent_id),
        "owner_id": str(APP_ID),
        "name": name,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-01-05T09:00:00+00:00",
            "locked": False,
        },
    }


async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    """JSON bodies as data; multipart bodies as payload_json plus files."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: dict[str, bytes] = {}
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                files[part.filename or part.name or ""] = bytes(await part.read())  # type: ignore[union-attr]
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), {}


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": JSON, **(headers or {})},
    )


@asynccontextmanager
async def serving() -> AsyncIterator[FakeDiscord]:
    """A started fake, closed afterwards."""
    fake = FakeDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@contextmanager
def serving_in_thread() -> Iterator[FakeDiscord]:
    """A fake served from its own event loop in a thread (for code that calls asyncio.run)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: list[FakeDiscord] = []

    async def main() -> None:
        holder.append(FakeDiscord())
        await holder[0].start()
        started.set()

    thread_ = threading.Thread(target=loop.run_forever, daemon=True)
    thread_.start()
    asyncio.run_coroutine_threadsafe(main(), loop).result(10)
    started.wait(10)
    try:
        yield holder[0]
    finally:
        asyncio.run_coroutine_threadsafe(holder[0].close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread_.join(10)
        loop.close()
