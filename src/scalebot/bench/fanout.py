"""`scalebot bench fanout`: every channel's round due at once, through the real client code.

The rounds go through the scheduler's job body, the services and the platform's messenger
(discord.py's HTTP layer, slack_sdk's AsyncWebClient) to a local fake that answers 429 when
a documented limit is exceeded. `noop` measures the bot's own cost per channel.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from datetime import time as clock_time
from typing import Any, Protocol

from sqlalchemy import select

from scalebot.bank.loader import load_bank
from scalebot.bench.databases import scratch_database
from scalebot.db.models import Channel, Round, Workspace
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply
from scalebot.domain.rounds import ChannelState, RoundStatus
from scalebot.domain.schedule import Days
from scalebot.grading.rubric import RubricGrader
from scalebot.scheduling.scheduler import RoundScheduler
from scalebot.services.budgets import SharedBudgets
from scalebot.services.context import AppContext, Messenger
from scalebot.services.questions import sync_questions

PLATFORMS = ("discord", "slack", "noop")
MISSES_SHOWN = 20
MONDAY_9AM = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FanoutResult:
    """What one fan-out took, against what the limits allow."""

    platform: str
    channels: int
    seconds: float
    ideal_seconds: float
    ratio: float | None
    duplicates: int
    missed: int
    ms_per_channel: float
    requests: int
    refused: int
    # Each channel missed or posted twice: its id, what its job returned, its round's stored
    # status and how many posts the platform holds (a miss is a bug to explain, not noise).
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The JSON line's fields."""
        return asdict(self)


class Harness(Protocol):
    """One platform's side of the bench: its fake, its messenger, and what the fake saw."""

    platform: str

    async def start(self, budgets: SharedBudgets) -> Messenger:
        """Serve the fake; return the platform's messenger, pacing from `budgets`."""
        ...

    def refs(self, count: int) -> list[ChannelRef]:
        """The channels to enroll."""
        ...

    def posts(self) -> Counter[ChannelRef]:
        """Question posts the platform accepted, per channel."""
        ...

    def ideal_seconds(self) -> float:
        """The shortest time the platform's limits allow for what was sent."""
        ...

    def counts(self) -> tuple[int, int]:
        """Requests the platform accepted during the fan-out, and 429s it answered."""
        ...

    def mark(self) -> None:
        """Note that the fan-out starts now."""
        ...

    async def close(self) -> None:
        """Stop the client and the fake."""
        ...


class NoopMessenger:
    """A platform that accepts every post at once: what is left is the bot's own cost."""

    def __init__(self) -> None:
        """Count posts per channel."""
        self.posted: Counter[ChannelRef] = Counter()

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str:
        """Accept the post."""
        self.posted[channel] += 1
        return f"message:{round_id}"

    async def find_question(
        self, channel: ChannelRef, round_id: int, since: datetime
    ) -> str | None:
        """Every accepted post is visible at once."""
        return f"message:{round_id}" if self.posted[channel] else None

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Accept the post."""

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Accept the notice."""

    async def send_private(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        """Accept the message."""


class NoopHarness:
    """The no-op platform."""

    platform = "noop"

    def __init__(self) -> None:
        """Nothing to serve."""
        self.messenger = NoopMessenger()

    async def start(self, budgets: SharedBudgets) -> Messenger:
        """The no-op messenger (it paces nothing)."""
        return self.messenger

    def refs(self, count: int) -> list[ChannelRef]:
        """Channels in one workspace."""
        return [ChannelRef("noop", "W1", f"C{n:06d}") for n in range(count)]

    def posts(self) -> Counter[ChannelRef]:
        """What the messenger accepted."""
        return self.messenger.posted

    def ideal_seconds(self) -> float:
        """No limits: zero."""
        return 0.0

    def counts(self) -> tuple[int, int]:
        """One post per accepted question, never a 429."""
        return sum(self.messenger.posted.values()), 0

    def mark(self) -> None:
        """Nothing to note."""

    async def close(self) -> None:
        """Nothing to stop."""


async def _enroll(ctx: AppContext, refs: list[ChannelRef]) -> list[int]:
    """Enroll every channel at 09:00 UTC daily, in one transaction (setup, not measured)."""
    async with ctx.writing() as repo:
        workspaces = {}
        for external in sorted({ref.workspace_id for ref in refs}):
            workspaces[external] = Workspace(
                platform=refs[0].platform, external_id=external, created_at=MONDAY_9AM
            )
        repo.session.add_all(workspaces.values())
        await repo.session.flush()
        rows = [
            Channel(
                workspace_id=workspaces[ref.workspace_id].id,
                external_id=ref.channel_id,
                post_time=clock_time(9, 0),
                days=Days.DAILY.value,
                timezone="UTC",
                state=ChannelState.ACTIVE,
                round_count=0,
                enrolled_at=MONDAY_9AM,
                updated_at=MONDAY_9AM,
            )
            for ref in refs
        ]
        repo.session.add_all(rows)
        await repo.session.flush()
        return [row.id for row in rows]


async def _round_statuses(ctx: AppContext) -> dict[str, str]:
    """Each channel's stored round status, by the channel's platform id."""
    async with ctx.reading() as repo:
        rows = await repo.session.execute(
            select(Channel.external_id, Round.status).join(Round, Round.channel_id == Channel.id)
        )
        return {channel: status for channel, status in rows}  # noqa: C416


def harness_for(platform: str, *, workspaces: int) -> Harness:
    """The harness of a platform name."""
    if platform == "noop":
        return NoopHarness()
    if platform == "discord":
        from scalebot.bench.platforms import DiscordHarness

        return DiscordHarness()
    if platform == "slack":
        from scalebot.bench.platforms import SlackHarness

        return SlackHarness(workspaces=workspaces)
    raise ValueError(f"unknown platform {platform!r}: choose one of {', '.join(PLATFORMS)}")


async def run_fanout(
    platform: str, *, channels: int, database_url: str | None, workspaces: int = 1
) -> FanoutResult:
    """Fire every channel's round job at once and measure the fan-out."""
    harness = harness_for(platform, workspaces=workspaces)
    async with scratch_database(database_url) as database:
        messenger = await harness.start(SharedBudgets(database))
        try:
            ctx = AppContext(database, load_bank(), RubricGrader(), {harness.platform: messenger})
            await sync_questions(ctx, now=MONDAY_9AM)
            refs = harness.refs(channels)
            ids = await _enroll(ctx, refs)
            scheduler = RoundScheduler(ctx, lambda: MONDAY_9AM)
            harness.mark()
            started = time.perf_counter()
            outcomes = await asyncio.gather(*(scheduler.fire(channel_id) for channel_id in ids))
            seconds = time.perf_counter() - started
            statuses = await _round_statuses(ctx)
        finally:
            await harness.close()
    jobs = {
        ref.channel_id: str(outcome.status) for ref, outcome in zip(refs, outcomes, strict=True)
    }
    return _result(harness, refs, seconds, (jobs, statuses))


def _result(
    harness: Harness,
    refs: list[ChannelRef],
    seconds: float,
    seen: tuple[dict[str, str], dict[str, str]],
) -> FanoutResult:
    """Compare what the platform accepted with what was due (and the rounds' stored states)."""
    jobs, statuses = seen
    posts = harness.posts()
    duplicates = sum(count - 1 for count in posts.values() if count > 1)
    posted = sum(1 for status in statuses.values() if status == RoundStatus.POSTED)
    missed = max(sum(1 for ref in refs if posts[ref] == 0), len(refs) - posted)
    misses = [
        {
            "channel": ref.channel_id,
            "job": jobs.get(ref.channel_id),
            "round": statuses.get(ref.channel_id),
            "platform_posts": posts[ref],
        }
        for ref in refs
        if posts[ref] != 1 or statuses.get(ref.channel_id) != RoundStatus.POSTED
    ]
    ideal = harness.ideal_seconds()
    requests, refused = harness.counts()
    return FanoutResult(
        platform=harness.platform,
        channels=len(refs),
        seconds=round(seconds, 3),
        ideal_seconds=round(ideal, 3),
        ratio=round(seconds / ideal, 3) if ideal > 0 else None,
        duplicates=duplicates,
        missed=missed,
        ms_per_channel=round(seconds * 1000 / max(1, len(refs)), 3),
        requests=requests,
        refused=refused,
        misses=misses[:MISSES_SHOWN],
    )
