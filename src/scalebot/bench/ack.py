"""`scalebot bench ack`: slash commands acknowledged while a deliberately slow grader works.

The real Slack adapter (slack-bolt in HTTP mode) serves on 127.0.0.1 and gets signed
`/scale answer` commands, all at once; the grader waits `grader_seconds` per answer. Slack
gives up on a command that is not acknowledged within 3 s, so the ack must not wait for it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp

from scalebot.bank.loader import load_bank
from scalebot.bench.databases import scratch_database
from scalebot.bench.fakes import FakeSlackApi, slack_token
from scalebot.bench.timing import percentile
from scalebot.domain.questions import Question
from scalebot.domain.refs import ChannelRef
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.grading.feedback import Feedback
from scalebot.grading.rubric import RubricGrader
from scalebot.platforms.slack.adapter import SlackAdapter
from scalebot.platforms.slack.config import SlackConfig
from scalebot.platforms.slack.handlers import SOMETHING_WENT_WRONG
from scalebot.platforms.slack.pacing import POSTS_PER_MINUTE
from scalebot.services import channels, rounds
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext
from scalebot.services.questions import sync_questions

TEAM = "T000"
CHANNEL = "C0000001"
SECRET = "bench-signing-secret-not-a-secret"
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ANSWER = "Shard by user id, cache hot reads, queue writes, autoscale workers, watch p99 latency."
FEEDBACK_GRACE = 60.0


class SlowGrader:
    """The rubric grader behind a fixed wait, like a slow model server."""

    def __init__(self, seconds: float) -> None:
        """Wait `seconds` before each answer's feedback."""
        self.seconds = seconds
        self.inner = RubricGrader()
        self.version = f"slow-{self.inner.version}"

    def grade(self, question: Question, text: str) -> Feedback:
        """Grade without the wait (never called by the services: they await grade_async)."""
        return self.inner.grade(question, text)

    async def grade_async(self, question: Question, text: str) -> Feedback:
        """Wait, then grade."""
        await asyncio.sleep(self.seconds)
        return self.inner.grade(question, text)


def signed(body: str) -> dict[str, str]:
    """Slack's request signature headers for a body."""
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def _command(
    session: aiohttp.ClientSession, url: str, fake: FakeSlackApi, number: int
) -> float:
    """Send one `/scale answer` as member `number`; return the ms until Slack's ack."""
    user = f"U{number:06d}"
    body = urlencode(
        {
            "command": "/scale",
            "text": f"answer {ANSWER} ({number})",
            "team_id": TEAM,
            "channel_id": CHANNEL,
            "user_id": user,
            "user_name": user.lower(),
            "trigger_id": f"trigger-{number}",
            "response_url": fake.response_url(user),
            "api_app_id": "A1",
        }
    )
    started = time.perf_counter()
    async with session.post(url, data=body, headers=signed(body)) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"the bot answered {response.status} to a slash command")
    return (time.perf_counter() - started) * 1000


def _graded(fake: FakeSlackApi) -> int:
    """Members whose private reply is feedback (not an apology)."""
    return sum(
        1
        for replies in fake.responses.values()
        if any(str(SOMETHING_WENT_WRONG) not in json.dumps(reply) for reply in replies)
    )


async def _answered(fake: FakeSlackApi, count: int, seconds: float) -> int:
    """Wait until every member got private feedback (or the time is up); return how many."""
    await fake.wait_for_responders(count, seconds)
    return _graded(fake)


async def _open_round(ctx: AppContext) -> None:
    """Enroll the channel and post its round."""
    schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
    info = await channels.enroll_channel(
        ctx, channel=ChannelRef("slack", TEAM, CHANNEL), schedule=schedule, now=NOW
    )
    outcome = await rounds.post_round(ctx, channel_id=info.id, now=NOW)
    if outcome.round_id is None:
        raise RuntimeError(f"the bench round was not posted: {outcome.status}")


def _config(fake: FakeSlackApi) -> SlackConfig:
    return SlackConfig(
        api_url=fake.api_url,
        http=True,
        host="127.0.0.1",
        port=0,
        thread_answers=False,
        admin_ids=frozenset(),
        bot_token=slack_token(TEAM),
        signing_secret=SECRET,
        response_hosts=frozenset({"127.0.0.1"}),  # the fake's response URLs
    )


async def run_ack(
    *, concurrency: int, grader_seconds: float, database_url: str | None
) -> dict[str, Any]:
    """Send `concurrency` answers at once; return ack percentiles and how many got feedback."""
    fake = FakeSlackApi(per_workspace=POSTS_PER_MINUTE // 60)
    await fake.start()
    try:
        async with scratch_database(database_url) as database:
            adapter = SlackAdapter(_config(fake), SharedBudgets(database), clock=lambda: NOW)
            messengers = {adapter.name: adapter.messenger}
            ctx = AppContext(database, load_bank(), SlowGrader(grader_seconds), messengers)
            await sync_questions(ctx, now=NOW)
            adapter.bind(ctx)
            await adapter.start()
            try:
                await _open_round(ctx)
                assert adapter.address is not None
                url = "http://{}:{}/slack/events".format(*adapter.address)
                async with aiohttp.ClientSession() as session:
                    acks = await asyncio.gather(
                        *(_command(session, url, fake, n) for n in range(concurrency))
                    )
                answered = await _answered(fake, concurrency, grader_seconds + FEEDBACK_GRACE)
            finally:
                await adapter.stop()
    finally:
        await fake.close()
    return {
        "concurrency": concurrency,
        "p50_ms": round(percentile(list(acks), 0.5), 1),
        "p99_ms": round(percentile(list(acks), 0.99), 1),
        "answered": answered,
    }
