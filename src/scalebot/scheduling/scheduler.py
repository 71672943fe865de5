"""APScheduler 3.x jobs that post each channel's round at its local time."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from scalebot.domain.clock import Clock, utc_now
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import Days, Schedule
from scalebot.services import channels, events, rounds
from scalebot.services.context import AppContext

log = logging.getLogger(__name__)


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
# How often every process rebuilds its jobs from the database.
RESYNC_EVERY = timedelta(minutes=5)
# Waits before retrying a post that failed for a reason other than a refused channel.
RETRY_DELAYS = (
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
)


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


def _why_not(info: channels.ChannelInfo | None) -> PostStatus:
    """The status of a job that found nothing to post."""
    if info is None:
        return PostStatus.MISSING
    return PostStatus.NOT_DUE if info.active else PostStatus.PAUSED


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
        self._failures: dict[int, int] = {}
        ctx.channel_listeners.append(self.refresh)

    async def start(self) -> list[rounds.PostOutcome]:
        """Build jobs from the database, start, and post rounds missed while down."""
        await self.resync()
        self.scheduler.add_job(
            self.prune_events, "interval", hours=6, id="prune-events", replace_existing=True
        )
        self.scheduler.add_job(
            self.resync,
            "interval",
            seconds=RESYNC_EVERY.total_seconds(),
            id="resync-channels",
            replace_existing=True,
        )
        self.scheduler.start()
        return await rounds.post_due_rounds(self.ctx, now=self.clock())

    def shutdown(self) -> None:
        """Stop without waiting for running jobs."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def resync(self) -> None:
        """Rebuild every channel's job from the database: other processes may have changed it."""
        infos = await channels.list_channels(self.ctx)
        for info in infos:
            self._apply(info)
        current = {job_id(info.id) for info in infos}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("round:") and job.id not in current:
                job.remove()

    async def refresh(self, channel_id: int) -> None:
        """Re-read one channel and add, replace or remove its job."""
        info = await channels.channel_by_id(self.ctx, channel_id=channel_id)
        if info is not None:
            self._apply(info)
        elif self.scheduler.get_job(job_id(channel_id)):
            self.scheduler.remove_job(job_id(channel_id))

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
        """The job body: post the channel's round if it is due now (a no-op when posted)."""
        now = self.clock()
        info = await channels.channel_by_id(self.ctx, channel_id=channel_id)
        if info is None or not info.active or not info.schedule.is_due(now):
            # Paused or changed by another process since this job was built, or fired so late
            # that the local day is over: rebuild the job and post nothing.
            await self.refresh(channel_id)
            return rounds.PostOutcome(_why_not(info))
        outcome = await rounds.post_round(self.ctx, channel_id=channel_id, now=now)
        log.info("round job for channel %s: %s", channel_id, outcome.status)
        self._retry_if_failed(channel_id, outcome, now)
        return outcome

    def _retry_if_failed(self, channel_id: int, outcome: rounds.PostOutcome, now: datetime) -> None:
        """After a failed post, try again later the same local day, a few times."""
        if outcome.status is not PostStatus.FAILED:
            self._failures.pop(channel_id, None)
            return
        attempt = self._failures.get(channel_id, 0)
        if attempt >= len(RETRY_DELAYS):
            self._failures.pop(channel_id, None)
            log.error("round for channel %s failed %s times; giving up today", channel_id, attempt)
            return
        self._failures[channel_id] = attempt + 1
        self.scheduler.add_job(
            self.fire,
            "date",
            run_date=now + RETRY_DELAYS[attempt],
            args=[channel_id],
            id=f"retry:{channel_id}",
            replace_existing=True,
            misfire_grace_time=300,
        )

    async def prune_events(self) -> None:
        """Forget old processed-event ids."""
        await events.prune_events(self.ctx, now=self.clock())

    def job_ids(self) -> list[str]:
        """Ids of the scheduled jobs."""
        return sorted(job.id for job in self.scheduler.get_jobs())
