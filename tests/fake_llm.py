"""A local fake of an OpenAI-compatible chat-completions server, served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Judgements = list[dict[str, Any]]


def completion(content: str) -> dict[str, Any]:
    """A chat-completions reply whose assistant message is `content`."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
    }


def judged(*items: tuple[str, bool, str]) -> dict[str, Any]:
    """A reply judging criteria as (id, met, evidence)."""
    criteria = [{"id": i, "met": met, "evidence": evidence} for i, met, evidence in items]
    return completion(json.dumps({"criteria": criteria}))


@dataclass
class FakeLLM:
    """Records requests; answers with `reply`, after `delay` seconds or once `gate` opens."""

    url: str = ""
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    reply: Callable[[dict[str, Any]], web.Response] = lambda _: web.json_response(judged())
    delay: float = 0.0
    gate: asyncio.Event | None = None

    def answer_json(self, payload: dict[str, Any]) -> None:
        """Answer every request with this JSON body."""
        self.reply = lambda _: web.json_response(payload)

    def answer_status(self, status: int, body: str = "oops") -> None:
        """Answer every request with this HTTP status."""
        self.reply = lambda _: web.Response(status=status, text=body)

    async def handle(self, request: web.Request) -> web.Response:
        """Record the request, wait as told, then answer."""
        body = await request.json()
        self.requests.append((dict(request.headers), body))
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.reply(body)

    def user_message(self, index: int = -1) -> str:
        """The user prompt of a recorded request."""
        messages = self.requests[index][1]["messages"]
        return str(messages[-1]["content"])


@asynccontextmanager
async def serve_fake_llm(path: str = "/v1/chat/completions") -> AsyncIterator[FakeLLM]:
    """Serve a FakeLLM on a free port of 127.0.0.1; its url is the /v1 base."""
    fake = FakeLLM()
    app = web.Application()
    app.router.add_post(path, fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"http://127.0.0.1:{port}{path.removesuffix('/chat/completions')}"
    try:
        yield fake
    finally:
        if fake.gate is not None:
            fake.gate.set()
        await runner.cleanup()
