"""Real `scalebot run slack --http` processes against the local fake Slack, for fault tests."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

import aiohttp
from sqlalchemy import text

from scalebot.bank.loader import load_bank
from scalebot.db import migrate
from scalebot.db.engine import Database
from scalebot.domain.refs import ChannelRef
from scalebot.domain.schedule import Days, Schedule
from scalebot.grading.rubric import RubricGrader
from scalebot.services import channels
from scalebot.services.context import AppContext
from scalebot.services.questions import sync_questions
from tests.conftest import postgres_url
from tests.platforms.processes import free_port, wait_healthy
from tests.platforms.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, form, sign

# Short leases and intervals, so a dead process's claims are settled in seconds.
FAST_DELIVERY = {
    "SCALEBOT_DELIVERY_LEASE": "6",
    "SCALEBOT_DELIVERY_POST_TIMEOUT": "2",
    "SCALEBOT_DELIVERY_WATCHDOG_INTERVAL": "1",
    "SCALEBOT_DELIVERY_RETRY_BASE": "1",
    "SCALEBOT_DELIVERY_ROUND_JOBS": "16",
}


def channel_id(index: int) -> str:
    """The Slack id of the index-th test channel."""
    return f"C{index:05d}"


@dataclass
class Bot:
    """One running bot process."""

    process: asyncio.subprocess.Process
    url: str
    stderr: Path

    async def stop(self, sig: signal.Signals = signal.SIGTERM, *, within: float = 30) -> int:
        """Send a signal and wait for the exit code."""
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), within)


@dataclass
class Fleet:
    """Bot processes sharing one database and one fake Slack."""

    fake: FakeSlack
    database_url: str
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    bots: list[Bot] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The environment of a bot process."""
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("SCALEBOT_")},
            "SCALEBOT_DATABASE_URL": self.database_url,
            "SCALEBOT_SLACK_BOT_TOKEN": BOT_TOKEN,
            "SCALEBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SCALEBOT_SLACK_API_URL": self.fake.api_url,
            "SCALEBOT_SLACK_THREAD_ANSWERS": "false",
            # The fake's response URLs live on 127.0.0.1, not on Slack's hosts.
            "SCALEBOT_SLACK_RESPONSE_HOSTS": "127.0.0.1",
            # Posts are paced to Slack's limits; these tests are about faults, not waiting.
            "SCALEBOT_SLACK_POSTS_PER_MINUTE": "60000",
            "SCALEBOT_LOG_LEVEL": "WARNING",
            **FAST_DELIVERY,
            **self.extra_env,
        }

    async def launch(self, *, wait: bool = True) -> Bot:
        """Start one more process (and wait until it answers /healthz)."""
        port = free_port()
        stderr = self.workdir / f"bot-{uuid.uuid4().hex[:6]}.log"
        command = [sys.executable, "-m", "scalebot", "run", "slack", "--http"]
        with stderr.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                *command,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                env=self.env(),
                cwd=self.workdir,
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        bot = Bot(process, f"http://127.0.0.1:{port}", stderr)
        self.bots.append(bot)
        if wait:
            await wait_healthy(f"{bot.url}/healthz", process)
        return bot

    async def close(self) -> None:
        """Kill whatever still runs."""
        for bot in self.bots:
            if bot.process.returncode is None:
                bot.process.kill()
                await bot.process.wait()


async def prepare(database_url: str, count: int, **engine: object) -> None:
    """Migrate, sync the bank and enroll `count` channels due now (00:00 UTC, daily)."""
    database = Database.from_url(database_url, **engine)
    try:
        await migrate.upgrade(database)
        ctx = AppContext(database, load_bank(), RubricGrader())
        now = datetime.now(UTC)
        await sync_questions(ctx, now=now)
        schedule = Schedule(time(0, 0), Days.DAILY, "UTC")
        for index in range(count):
            ref = ChannelRef("slack", TEAM, channel_id(index))
            await channels.enroll_channel(ctx, channel=ref, schedule=schedule, now=now)
    finally:
        await database.dispose()


async def round_states(database_url: str) -> dict[str, list[str]]:
    """Every channel's rounds' states, by Slack channel id."""
    database = Database.from_url(database_url)
    try:
        async with database.session() as session:
            rows = await session.execute(
                text(
                    "SELECT c.external_id, r.status FROM channels c "
                    "LEFT JOIN rounds r ON r.channel_id = c.id ORDER BY c.external_id"
                )
            )
            states: dict[str, list[str]] = {}
            for external, status in rows:
                states.setdefault(external, []).extend([status] if status else [])
            return states
    finally:
        await database.dispose()


async def wait_until_settled(
    fake: FakeSlack, database_url: str, count: int, *, within: float
) -> dict[str, list[str]]:
    """Wait until every channel has exactly one posted round; return the states seen."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        states = await round_states(database_url)
        if all(s == ["posted"] for s in states.values()) and len(states) == count:
            return states
        if asyncio.get_running_loop().time() > deadline:
            return states
        await asyncio.sleep(0.5)


def duplicates(fake: FakeSlack, count: int) -> dict[str, int]:
    """Channels with other than exactly one question post, and how many they got."""
    posts = {channel_id(i): len(fake.posts_in(channel_id(i))) for i in range(count)}
    return {channel: n for channel, n in posts.items() if n != 1}


async def command(
    session: aiohttp.ClientSession, bot: Bot, fake: FakeSlack, channel: str, text_: str, user: str
) -> int:
    """Send a signed /scale command; its private answer lands at the fake's response URL."""
    body = form(
        command="/scale",
        text=text_,
        team_id=TEAM,
        channel_id=channel,
        user_id=user,
        trigger_id="t",
        response_url=fake.response_url(f"{channel}-{user}"),
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    async with session.post(f"{bot.url}/slack/events", data=body, headers=headers) as response:
        return response.status


async def wait_for_responses(fake: FakeSlack, count: int, *, within: float = 90) -> None:
    """Wait until `count` private answers arrived (a loaded machine needs more than seconds)."""
    for _ in range(int(within * 10)):
        if len(fake.responses) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{len(fake.responses)} of {count} answers arrived")


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh database on the test PostgreSQL server (processes cannot share a schema)."""
    base = postgres_url()
    assert base is not None
    name = f"faults_{uuid.uuid4().hex[:10]}"
    admin = Database.from_url(base, isolation_level="AUTOCOMMIT")
    async with admin.engine.connect() as connection:
        await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.engine.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.dispose()


class ThrowawayPostgres:
    """A PostgreSQL server of our own in a temporary folder, to stop and start at will."""

    def __init__(self) -> None:
        """Pick a folder and a port; nothing runs yet."""
        self.folder = Path(tempfile.mkdtemp(prefix="scalebot-pg-"))
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @staticmethod
    def available() -> bool:
        """Tell whether initdb and pg_ctl are installed."""
        return shutil.which("initdb") is not None and shutil.which("pg_ctl") is not None

    @property
    def url(self) -> str:
        """The URL of its `postgres` database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=60)

    def create(self) -> None:
        """initdb with trust auth."""
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.folder / "data"), "-U", "postgres", "-A", "trust")

    def start(self) -> None:
        """Start listening on 127.0.0.1:port (socket in the folder)."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.folder / "data"), "-o", options, "-l", log, "-w", "start"
        )

    def stop(self) -> None:
        """Stop at once, dropping connections."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        """Stop if running and remove the folder."""
        subprocess.run(
            [
                *self.as_postgres,
                "pg_ctl",
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
