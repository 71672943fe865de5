"""The Slack adapter: a Bolt AsyncApp served over Socket Mode or HTTP, plus the messenger."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncEngine

from scalebot.domain.clock import Clock, utc_now
from scalebot.ops.health import HEALTH_PATH, METRICS_PATH, Health, database_check
from scalebot.platforms.slack.clients import Clients
from scalebot.platforms.slack.config import SlackConfig
from scalebot.platforms.slack.handlers import SlackHandlers
from scalebot.platforms.slack.manifest import EVENTS_PATH
from scalebot.platforms.slack.messenger import SlackMessenger, api_error
from scalebot.platforms.slack.oauth import oauth_settings
from scalebot.platforms.slack.pacing import SlackPacer
from scalebot.platforms.slack.verification import VERIFIED, request_gate, slack_hosted
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext, Messenger
from scalebot.settings import SettingsError

log = logging.getLogger(__name__)
# What a network failure raises on the way to Slack (DNS, refused, reset, timeout).
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError)


class SlackAdapter:
    """Runs the Slack side of the bot; `messenger` is what the services post through."""

    name = "slack"

    def __init__(
        self,
        config: SlackConfig,
        budgets: SharedBudgets,
        *,
        engine: AsyncEngine | None = None,
        process_before_response: bool = False,
        clock: Clock = utc_now,
    ) -> None:
        """Build the Bolt app and the messenger; bind() adds the listeners, start() connects.

        `engine` holds the installations of the multi-workspace install flow (OAuth only).
        """
        self.config = config
        self.clock = clock
        if config.oauth and engine is None:
            raise ValueError("the Slack install flow stores installations: pass the engine")
        oauth = oauth_settings(config, engine) if config.oauth and engine is not None else None
        store = oauth.installation_store if oauth is not None else None
        self.clients = Clients(config.api_url, bot_token=config.bot_token, installation_store=store)
        self.messenger: Messenger = SlackMessenger(
            self.clients,
            admin_ids=config.admin_ids,
            thread_answers=config.thread_answers,
            pacer=SlackPacer(budgets, per_minute=config.posts_per_minute),
        )
        self.app = AsyncApp(
            signing_secret=config.signing_secret,
            client=self.clients.app_client,
            oauth_settings=oauth,
            process_before_response=process_before_response,
            logger=logging.getLogger("scalebot.slack.bolt"),
        )
        self.app.middleware(self._admit)
        self.installed_team: str | None = None
        self._closed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.address: tuple[str, int] | None = None
        # bind() adds the database; the bootstrap replaces this with the whole process's checks.
        self.health = Health({"slack": self.connected})

    def bind(self, ctx: AppContext, scheduler: object = None) -> None:
        """Serve the complete context: register the listeners that call its services.

        The scheduler runs on its own clock: Slack only needs the context.
        """
        SlackHandlers(
            ctx,
            admin_ids=self.config.admin_ids,
            thread_answers=self.config.thread_answers,
            clock=self.clock,
            response_hosts=self.config.response_hosts,
        ).register(self.app)
        self.health = Health({"database": database_check(ctx.db), "slack": self.connected})

    def web_app(self) -> web.Application:
        """Bolt's aiohttp app (events, commands, interactions, OAuth) plus GET /healthz."""
        application = self.app.web_app(path=EVENTS_PATH, port=self.config.port)
        application.middlewares.append(request_gate(self.config.signing_secret, EVENTS_PATH))
        application.router.add_get(HEALTH_PATH, self._healthz)
        application.router.add_get(METRICS_PATH, self._metrics)
        return application

    async def _healthz(self, request: web.Request) -> web.Response:
        """The process's health (the bootstrap may have replaced `health` since start)."""
        return await self.health.healthz(request)

    async def _metrics(self, request: web.Request) -> web.Response:
        """The Prometheus metrics."""
        return await self.health.metrics(request)

    async def _admit(
        self, context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Let a request through only from our workspace and with a response URL on Slack."""
        if self.installed_team is not None and context.team_id != self.installed_team:
            log.warning("refused a request from another workspace (%s)", context.team_id)
            return BoltResponse(status=403, body={"error": "this app serves another workspace"})
        url = body.get("response_url")
        if url is not None and not slack_hosted(url, self.config.response_hosts):
            log.warning("refused a request whose response_url is not on Slack's hosts")
            return BoltResponse(status=400, body={"error": "response_url is not Slack's"})
        context[VERIFIED] = True
        await next()
        return None

    async def connected(self) -> bool:
        """Tell whether the HTTP server is up or the Socket Mode connection is open."""
        if self._runner is not None:
            return True
        return self._socket is not None and bool(await self._socket.client.is_connected())

    async def start(self) -> None:
        """Check the bot token, then serve HTTP or connect over Socket Mode."""
        await self._check_bot_token()
        if self.config.http:
            await self._serve_http()
        else:
            await self._connect_socket()

    async def _check_bot_token(self) -> None:
        """Fail start-up in one line when Slack rejects the bot token."""
        if self.config.bot_token is None:
            return
        try:
            found = await self.clients.app_client.auth_test()
        except UNREACHABLE as exc:
            raise self._unreachable(exc) from None
        except SlackApiError as exc:
            raise SettingsError(
                f"SCALEBOT_SLACK_BOT_TOKEN: Slack rejected the token ({api_error(exc)})"
            ) from None
        self.installed_team = str(found["team_id"])

    async def _serve_http(self) -> None:
        """Serve /slack/events (and the install flow and /healthz) on host:port."""
        runner = web.AppRunner(self.web_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise SettingsError(
                f"SCALEBOT_SLACK_PORT: cannot listen on {self.config.host}:{self.config.port} "
                f"({exc.strerror or exc})"
            ) from None
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.address = (str(host), int(port))
        log.info("Slack HTTP mode: listening on http://%s:%s%s", host, port, EVENTS_PATH)

    async def _connect_socket(self) -> None:
        """Open the Socket Mode connection with the app-level token."""
        assert self.config.app_token is not None
        try:
            opened = await self.clients.app_client.apps_connections_open(
                app_token=self.config.app_token
            )
        except UNREACHABLE as exc:
            raise self._unreachable(exc) from None
        except SlackApiError as exc:
            raise SettingsError(
                f"SCALEBOT_SLACK_APP_TOKEN: Slack refused Socket Mode ({api_error(exc)})"
            ) from None
        handler = AsyncSocketModeHandler(self.app, self.config.app_token)
        handler.client.wss_uri = str(opened["url"])
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]
        except UNREACHABLE as exc:
            await handler.close_async()  # type: ignore[no-untyped-call]
            raise self._unreachable(exc) from None
        self._socket = handler
        log.info("Slack Socket Mode: connected")

    def _unreachable(self, exc: BaseException) -> SettingsError:
        """One line saying Slack cannot be reached, instead of a traceback."""
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return SettingsError(
            f"SCALEBOT_SLACK_API_URL: cannot reach {self.config.api_url} ({reason})"
        )

    async def wait_closed(self) -> None:
        """Return once stop() has run."""
        await self._closed.wait()

    async def stop(self) -> None:
        """Close the socket or the HTTP server."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._closed.set()
