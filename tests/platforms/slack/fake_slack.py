"""A local fake of Slack: the Web API, response URLs, file uploads and a Socket Mode websocket."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

BOT_TOKEN = "xoxb-1-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
TEAM = "T1"
BOT_USER = "UBOT"


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    params: dict[str, Any]
    token: str | None
    answer: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    """How to answer the next call of a method instead of succeeding."""

    error: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Flakiness:
    """How chat.postMessage misbehaves: answer late, pace posts, fail a share of them.

    A 429 posts nothing (as on Slack); a 5xx stores the message first in a share of cases
    (`stored_on_error`), as a server that fails after storing it would.
    """

    reply_delay: float = 0.0
    late_share: float = 1.0  # the share of successful posts whose reply is delayed
    pace: float = 0.0
    rate_limited: float = 0.0
    server_errors: float = 0.0
    stored_on_error: float = 0.5
    dropped_after_store: float = 0.0  # the message is stored, then the connection drops
    seed: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        """Seed the dice."""
        self.rng = random.Random(self.seed)


class FakeSlack:
    """Serves `POST|GET /api/{method}` on 127.0.0.1 and records everything it receives.

    Posted messages are kept per channel, so conversations.history returns them newest
    first (with their metadata when asked with include_all_metadata), as Slack does.
    """

    def __init__(self) -> None:
        """Start empty: no calls, no failures, default users."""
        self.calls: list[Call] = []
        self.responses: list[dict[str, Any]] = []
        self.uploads: list[bytes] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.failures: dict[str, list[Failure]] = defaultdict(list)
        self.teams_by_token: dict[str, str] = {BOT_TOKEN: TEAM}
        self.oauth_grants: dict[str, dict[str, Any]] = {}
        self.blocked: dict[str, asyncio.Event] = {}
        self.socket_acks: list[dict[str, Any]] = []
        self._socket: web.WebSocketResponse | None = None
        self._socket_ready = asyncio.Event()
        self._acked = asyncio.Condition()
        self._responded = asyncio.Condition()
        self._called = asyncio.Condition()
        self._ts = 0.0
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.flaky = Flakiness()
        self._pacing = asyncio.Lock()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"

    async def close(self) -> None:
        """Stop listening (held calls are let go, so nothing waits on them)."""
        for held in self.blocked.values():
            held.set()
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """The Web API base to give the bot (trailing slash included)."""
        return self.url + "api/"

    def response_url(self, name: str = "r1") -> str:
        """A response_url that lands in `responses`."""
        return f"{self.url}respond/{name}"

    # --- scripting ---------------------------------------------------------------------------

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer the next calls of a method with ok=false and an error code."""
        self.failures[method].extend(Failure(error) for _ in range(times))

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 0) -> None:
        """Answer the next calls of a method with 429 and Retry-After (0 s unless told)."""
        failure = Failure("ratelimited", 429, {"Retry-After": str(retry_after)})
        self.failures[method].extend(failure for _ in range(times))

    def add_user(self, user_id: str, name: str, **flags: Any) -> None:
        """Make users.info and users.list know a member (flags: is_admin, is_owner, locale …)."""
        self.users[user_id] = {
            "id": user_id,
            "name": name.lower(),
            "real_name": name,
            "profile": {"display_name": name, "real_name": name},
            **flags,
        }

    def block(self, method: str) -> asyncio.Event:
        """Hold calls of a method until the returned event is set."""
        self.blocked[method] = asyncio.Event()
        return self.blocked[method]

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call of one method."""
        return [call for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        """The methods called, in order."""
        return [call.method for call in self.calls]

    # --- the Web API -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        call = Call(method, params, token)
        self.calls.append(call)
        async with self._called:
            self._called.notify_all()
        if method in self.blocked:
            await self.blocked[method].wait()
        if method == "chat.postMessage" and not self.failures[method]:
            return await self._post_message(call, request)
        if self.failures[method]:
            failure = self.failures[method].pop(0)
            call.answer = {"ok": False, "error": failure.error}
            return web.json_response(call.answer, status=failure.status, headers=failure.headers)
        call.answer = {"ok": True, **self._answer(method, params, token)}
        return web.json_response(call.answer)

    async def _post_message(self, call: Call, request: web.Request) -> web.Response:
        """chat.postMessage, paced and flaky as scripted; the reply may come late."""
        flaky = self.flaky
        async with self._pacing:
            if flaky.pace:
                await asyncio.sleep(flaky.pace)
            dice = flaky.rng.random()
            if dice < flaky.rate_limited:
                call.answer = {"ok": False, "error": "ratelimited"}
                return web.json_response(call.answer, status=429, headers={"Retry-After": "0"})
            if dice < flaky.rate_limited + flaky.server_errors:
                if flaky.rng.random() < flaky.stored_on_error:
                    self._store(call.params)
                call.answer = {"ok": False, "error": "internal_error"}
                return web.json_response(call.answer, status=500)
            call.answer = {"ok": True, **self._store(call.params)}
            if flaky.rng.random() < flaky.dropped_after_store:
                assert request.transport is not None
                request.transport.close()
                raise ConnectionResetError("dropped after storing the message")
        if flaky.reply_delay and flaky.rng.random() < flaky.late_share:
            await asyncio.sleep(flaky.reply_delay)  # the message is stored; only the reply is late
        return web.json_response(call.answer)

    def _store(self, params: dict[str, Any]) -> dict[str, Any]:
        """Keep a posted message in its channel's history; return the API's answer."""
        channel = str(params.get("channel"))
        ts = self._next_ts()
        stored: dict[str, Any] = {"type": "message", "ts": ts, "text": params.get("text", "")}
        if isinstance(params.get("metadata"), dict):
            stored["metadata"] = params["metadata"]
        if params.get("thread_ts"):
            stored["thread_ts"] = params["thread_ts"]
        self.history[channel].append(stored)
        return {"channel": channel, "ts": ts}

    def posts_in(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages in a channel, oldest first (thread replies left out)."""
        return [m for m in self.history[channel] if "thread_ts" not in m]

    def _conversation_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, after `oldest`, one page at a time; metadata only when asked."""
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        start = int(params.get("cursor") or 0)
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        found = [
            m
            for m in reversed(self.posts_in(str(params.get("channel"))))
            if float(m["ts"]) > oldest
        ]
        page = found[start : start + limit]
        if not with_metadata:
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(found)
        cursor = str(start + limit) if more else ""
        return {"messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}

    def _next_ts(self) -> str:
        # Real time, as Slack's ts is: a search with `oldest` then works as it would there.
        self._ts = max(time.time(), self._ts + 0.000001)
        return f"{self._ts:.6f}"

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """The successful answer of a method."""
        if method == "auth.test":
            team = self.teams_by_token.get(token or "", TEAM)
            return {"user_id": BOT_USER, "bot_id": "BBOT", "team_id": team, "team": "Team"}
        if method == "chat.postMessage":
            return self._store(params)
        if method == "conversations.history":
            return self._conversation_history(params)
        if method == "chat.postEphemeral":
            return {"message_ts": self._next_ts()}
        if method == "users.info":
            user_id = str(params.get("user"))
            return {"user": _as_listed(self.users.get(user_id, _default_user(user_id)), params)}
        if method == "users.list":
            return {"members": list(self.users.values()), "response_metadata": {"next_cursor": ""}}
        if method == "views.open":
            view = params.get("view") or {}
            return {"view": {"id": "V1", **(json.loads(view) if isinstance(view, str) else view)}}
        if method == "conversations.open":
            return {"channel": {"id": "D" + str(params.get("users"))}}
        if method == "files.getUploadURLExternal":
            return {"upload_url": f"{self.url}upload/F1", "file_id": "F1"}
        if method == "files.completeUploadExternal":
            return {"files": [{"id": "F1", "title": "export"}]}
        if method == "oauth.v2.access":
            return self.oauth_grants[str(params.get("code"))]
        if method == "apps.connections.open":
            return {"url": self.url.replace("http://", "ws://") + "link"}
        return {}

    async def _respond(self, request: web.Request) -> web.Response:
        message = {"url_name": request.match_info["name"], **(await request.json())}
        async with self._responded:
            self.responses.append(message)
            self._responded.notify_all()
        return web.Response(text="ok")

    def press(
        self, message: dict[str, Any], label: str, *, user: str, channel: str
    ) -> dict[str, Any]:
        """The block_actions payload Slack sends when a member presses a button the bot sent."""
        for block in message.get("blocks") or []:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("type") == "button" and element["text"]["text"] == label:
                    return self._pressed(block, element, user=user, channel=channel)
        raise AssertionError(f"no button {label!r} in the message")

    def _pressed(
        self, block: dict[str, Any], button: dict[str, Any], *, user: str, channel: str
    ) -> dict[str, Any]:
        """A block_actions payload for one button of an ephemeral message."""
        ts = self._next_ts()
        return {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "team"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A1",
            "trigger_id": f"trigger-{ts}",
            "channel": {"id": channel, "name": "practice"},
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": True,
            },
            "response_url": self.response_url(f"pressed-{ts}"),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": block.get("block_id", ""),
                    "text": button["text"],
                    "value": button.get("value", ""),
                    "action_ts": ts,
                }
            ],
        }

    async def wait_for_call(self, method: str, *, after: int = 0) -> None:
        """Wait until `method` is among the calls recorded after the first `after`."""
        async with self._called:
            await asyncio.wait_for(
                self._called.wait_for(
                    lambda: any(call.method == method for call in self.calls[after:])
                ),
                timeout=10,
            )

    async def wait_for_responses(self, count: int) -> None:
        """Wait until `count` messages have arrived at response URLs."""
        async with self._responded:
            await asyncio.wait_for(
                self._responded.wait_for(lambda: len(self.responses) >= count), timeout=10
            )

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads.append(await request.read())
        return web.Response(text="OK - 1")

    # --- Socket Mode -------------------------------------------------------------------------

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1})
        self._socket_ready.set()
        async for frame in socket:
            if frame.type == aiohttp.WSMsgType.TEXT:
                async with self._acked:
                    self.socket_acks.append(json.loads(frame.data))
                    self._acked.notify_all()
        return socket

    async def send_envelope(self, kind: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Deliver an envelope over the Socket Mode connection."""
        await asyncio.wait_for(self._socket_ready.wait(), timeout=10)
        assert self._socket is not None
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._socket.send_json(envelope)

    async def wait_for_ack(self, envelope_id: str) -> dict[str, Any]:
        """Wait until the bot acknowledges an envelope; return the ack."""

        def acked() -> bool:
            return any(ack.get("envelope_id") == envelope_id for ack in self.socket_acks)

        async with self._acked:
            await asyncio.wait_for(self._acked.wait_for(acked), timeout=10)
        return next(ack for ack in self.socket_acks if ack.get("envelope_id") == envelope_id)


def _as_listed(user: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """A member as users.info shows them: `locale` only when asked with include_locale."""
    shown = {key: value for key, value in user.items() if key != "locale"}
    if str(params.get("include_locale", "")).lower() in ("1", "true"):
        shown["locale"] = user.get("locale", "en-US")
    return shown


def _default_user(user_id: str) -> dict[str, Any]:
    """A plain member (not an admin) named after the id."""
    return {"id": user_id, "name": user_id.lower(), "profile": {"display_name": user_id}}


async def _params(request: web.Request) -> dict[str, Any]:
    """Query, form or JSON parameters, as slack_sdk sends them."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.content_type == "multipart/form-data":
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    else:
        params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return params


def sign(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack adds: X-Slack-Request-Timestamp and the v0 HMAC-SHA256 signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def form(**fields: str) -> str:
    """A form-encoded body, as Slack sends slash commands and interactions."""
    return urlencode(fields)
