"""APScheduler 3.x jobs that post each channel's round at its local time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from scalebot.domain.clock import Clock, utc_now
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import Days, Schedule
from scalebot.services import channels, events, reminders, rounds
from scalebot.services.context import AppContext

log = logging.getLogger(__name__)
T = TypeVar("T")


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
PRUNE_EVERY = timedelta(hours=6)


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


# Outcomes of a job that found nothing to post: its job is rebuilt from the database.
_NOT_POSTABLE = (PostStatus.MISSING, PostStatus.PAUSED, PostStatus.NOT_DUE)


def job_id(channel_id: int) -> str:
    """Stable job id for a channel's round job."""
    return f"round:{channel_id}"


class RoundScheduler:
    """Keeps one job per active channel and a watchdog; idempotency lives in the round claim."""

    def __init__(self, ctx: AppContext, clock: Clock = utc_now) -> None:
        """Create a stopped scheduler."""
        self.ctx = ctx
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._failures: dict[int, int] = {}
        # Caps the round posts in flight at once (each holds a connection and a platform slot).
        self._slots = asyncio.Semaphore(ctx.delivery.round_jobs)
        self._running: set[asyncio.Task[object]] = set()

    @staticmethod
    def fire_times(schedule: Schedule, after: datetime, until: datetime) -> Iterator[datetime]:
        """Yield each post instant in (after, until], as the round jobs fire them."""
        return fire_times(schedule, after, until)

    def _every(
        self, job: Callable[[], Coroutine[Any, Any, object]], every: timedelta, name: str
    ) -> None:
        """Run a housekeeping job at a fixed interval, under a stable id."""
        self.scheduler.add_job(
            job, "interval", seconds=every.total_seconds(), id=name, replace_existing=True
        )

    async def start(self) -> list[rounds.PostOutcome]:
        """Build jobs from the database, start, and settle what was left while down."""
        await self.resync()
        # A job that falls behind runs once, not once per missed turn (APScheduler's coalesce).
        self._every(self.prune_events, PRUNE_EVERY, "prune-events")
        self._every(self.resync, RESYNC_EVERY, "resync-channels")
        self._every(self.watchdog, self.ctx.delivery.watchdog_every, "watchdog")
        self._every(self.remind, self.ctx.delivery.remind_every, "reminders")
        self.scheduler.start()
        return await self.sweep()

    async def remind(self) -> int:
        """Send the reminders due now (each once per member and round, in any process)."""
        try:
            return await reminders.send_due_reminders(self.ctx, now=self.clock())
        except Exception:
            log.exception("reminders failed; next try in %s", self.ctx.delivery.remind_every)
            return 0

    async def is_running(self) -> bool:
        """Tell whether the scheduler is running its jobs (for /healthz)."""
        return bool(self.scheduler.running)

    def shutdown(self) -> None:
        """Stop taking new jobs; running ones are awaited with drain()."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def drain(self) -> None:
        """Wait for the round posts in flight."""
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def resync(self) -> None:
        """Rebuild every channel's job from the database: other processes may have changed it."""
        try:
            infos = await channels.list_channels(self.ctx)
        except Exception:
            log.exception("could not read the channels to rebuild jobs; next try in 5 minutes")
            return
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
        try:
            # The due check runs in a slot too: thousands of jobs fire at the same minute.
            outcome = await self._in_slot(lambda at: self._post_if_due(channel_id, at))
        except Exception:
            log.exception("round job for channel %s failed; retrying", channel_id)
            self._retry_later(channel_id, now)
            return rounds.PostOutcome(PostStatus.FAILED)
        self._failures.pop(channel_id, None)
        log.info("round job for channel %s: %s", channel_id, outcome.status)
        return outcome

    async def _post_if_due(self, channel_id: int, now: datetime) -> rounds.PostOutcome:
        """Post the channel's round, unless it is paused, gone or no longer due."""
        # The due check happens in the claim's transaction (one per batch of channels).
        outcome = await rounds.post_round(self.ctx, channel_id=channel_id, now=now, due_only=True)
        if outcome.status in _NOT_POSTABLE:
            # Paused or changed by another process since this job was built, or fired so
            # late that the local day is over: rebuild the job and post nothing.
            await self.refresh(channel_id)
        return outcome

    async def _in_slot(self, work: Callable[[datetime], Coroutine[Any, Any, T]]) -> T:
        """Run one round's work once a slot is free; shutdown waits for it.

        The work gets the time at which its slot came free, not when it was queued: a lease
        computed from a stale time could already have run out, and another process would
        take the round over while this one is still posting it.
        """
        async with self._slots:
            task = asyncio.ensure_future(work(self.clock()))
            self._running.add(task)
            try:
                return await asyncio.shield(task)
            finally:
                self._running.discard(task)

    def _retry_later(self, channel_id: int, now: datetime) -> None:
        """After a job error (the database was down), fire again with backoff; the job
        re-checks that the channel is still due, so retries end with the local day."""
        attempt = self._failures.get(channel_id, 0) + 1
        self._failures[channel_id] = attempt
        self.scheduler.add_job(
            self.fire,
            "date",
            run_date=now + self.ctx.delivery.retry_delay(attempt),
            args=[channel_id],
            id=f"retry:{channel_id}",
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def watchdog(self) -> list[rounds.PostOutcome]:
        """Settle expired claims, retry failed posts, and post due rounds nobody claimed."""
        try:
            return await self.sweep()
        except Exception:
            log.exception(
                "watchdog: the sweep failed; next try in %s", self.ctx.delivery.watchdog_every
            )
            return []

    async def sweep(self) -> list[rounds.PostOutcome]:
        """One pass of the watchdog (also run at start, for what was left while down)."""
        now = self.clock()
        stale = await rounds.rounds_to_resolve(self.ctx, now=now)
        due = await rounds.channels_due(self.ctx, now=now)
        work = [partial(_resolve, self.ctx, round_id) for round_id in stale]
        work += [partial(_post, self.ctx, channel_id) for channel_id in due]
        if work:
            log.info("watchdog: %s rounds to settle, %s due rounds to post", len(stale), len(due))
        results = await asyncio.gather(*(self._in_slot(w) for w in work), return_exceptions=True)
        outcomes = []
        for result in results:
            if isinstance(result, BaseException):
                log.error("watchdog: settling a round failed", exc_info=result)
            else:
                outcomes.append(result)
        return outcomes

    async def prune_events(self) -> None:
        """Forget old processed-event ids."""
        try:
            await events.prune_events(self.ctx, now=self.clock())
        except Exception:
            log.exception("pruning processed events failed; next try in 6 hours")

    def job_ids(self) -> list[str]:
        """Ids of the scheduled jobs."""
        return sorted(job.id for job in self.scheduler.get_jobs())


def _resolve(
    ctx: AppContext, round_id: int, now: datetime
) -> Coroutine[Any, Any, rounds.PostOutcome]:
    """Settle one round whose lease ran out, at `now`."""
    return rounds.resolve_round(ctx, round_id=round_id, now=now)


def _post(
    ctx: AppContext, channel_id: int, now: datetime
) -> Coroutine[Any, Any, rounds.PostOutcome]:
    """Post one channel's due round, at `now`."""
    return rounds.post_round(ctx, channel_id=channel_id, now=now)
