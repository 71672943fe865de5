"""APScheduler 3.x jobs that post each channel's round at its local time."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from scalebot.domain.schedule import Days, Schedule
from scalebot.services import channels, events, rounds
from scalebot.services.context import AppContext

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


def trigger_for(schedule: Schedule) -> CronTrigger:
    """Cron trigger for a schedule, in the channel's own zone (DST handled by APScheduler)."""
    day_of_week = "mon-fri" if schedule.days is Days.WEEKDAYS else "*"
    return CronTrigger(
        day_of_week=day_of_week,
        hour=schedule.post_time.hour,
        minute=schedule.post_time.minute,
        timezone=schedule.zone,
    )


def fire_times(schedule: Schedule, after: datetime, until: datetime) -> Iterator[datetime]:
    """Yield each post instant in (after, until], as the scheduler would fire them."""
    trigger = trigger_for(schedule)
    moment = trigger.get_next_fire_time(None, after.astimezone(UTC) + _STEP)
    while moment is not None and moment <= until:
        yield moment
        moment = _next_after(trigger, moment)


_STEP = timedelta(microseconds=1)


def _next_after(trigger: CronTrigger, moment: datetime) -> datetime | None:
    """The trigger's next fire strictly after `moment`, compared in UTC.

    Local wall times compare without `fold`, so on a fall-back night the trigger can hand
    back the instant it just fired; stepping the cursor in UTC gets past it.
    """
    previous = moment.astimezone(UTC)
    cursor = previous + _STEP
    following: datetime | None = trigger.get_next_fire_time(moment, cursor)
    while following is not None and following.astimezone(UTC) <= previous:
        cursor += timedelta(hours=1)
        following = trigger.get_next_fire_time(moment, cursor)
    return following


def job_id(channel_id: int) -> str:
    """Stable job id for a channel's round job."""
    return f"round:{channel_id}"


class RoundScheduler:
    """Keeps one job per active channel; idempotency lives in the round claim, not here."""

    def __init__(self, ctx: AppContext, clock: Clock = utc_now) -> None:
        """Create a stopped scheduler."""
        self.ctx = ctx
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        ctx.channel_listeners.append(self.refresh)

    async def start(self) -> list[rounds.PostOutcome]:
        """Build jobs from the database, start, and post rounds missed while down."""
        for info in await channels.list_channels(self.ctx):
            self._apply(info)
        self.scheduler.add_job(
            self.prune_events, "interval", hours=6, id="prune-events", replace_existing=True
        )
        self.scheduler.start()
        return await rounds.post_due_rounds(self.ctx, now=self.clock())

    def shutdown(self) -> None:
        """Stop without waiting for running jobs."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def refresh(self, channel_id: int) -> None:
        """Re-read one channel and add, replace or remove its job."""
        for info in await channels.list_channels(self.ctx):
            if info.id == channel_id:
                self._apply(info)

    def _apply(self, info: channels.ChannelInfo) -> None:
        """Add or replace the channel's job, or drop it when the channel is paused."""
        if not info.active:
            if self.scheduler.get_job(job_id(info.id)):
                self.scheduler.remove_job(job_id(info.id))
            return
        self.scheduler.add_job(
            self.fire,
            trigger_for(info.schedule),
            args=[info.id],
            id=job_id(info.id),
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=300,
        )

    async def fire(self, channel_id: int) -> rounds.PostOutcome:
        """The job body: post the channel's round now (a no-op when already posted)."""
        outcome = await rounds.post_round(self.ctx, channel_id=channel_id, now=self.clock())
        log.info("round job for channel %s: %s", channel_id, outcome.status)
        return outcome

    async def prune_events(self) -> None:
        """Forget old processed-event ids."""
        await events.prune_events(self.ctx, now=self.clock())

    def job_ids(self) -> list[str]:
        """Ids of the scheduled jobs."""
        return sorted(job.id for job in self.scheduler.get_jobs())
