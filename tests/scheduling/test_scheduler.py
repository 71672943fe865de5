"""The round scheduler: jobs per channel in its zone, catch-up at start, no double posts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest

from scalebot.db.engine import Database
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import Days, Schedule
from scalebot.scheduling.scheduler import (
    RoundScheduler,
    fire_times,
    job_id,
    trigger_for,
)
from scalebot.services import channels
from scalebot.services.context import AppContext, PostRefused
from tests.conftest import CHANNEL, FakeMessenger
from tests.platforms.slack.test_modes import closed_port

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_trigger_fires_at_local_time_across_dst() -> None:
    """09:00 Berlin is 08:00 UTC in winter and 07:00 UTC after the March switch."""
    schedule = Schedule(time(9), Days.DAILY, "Europe/Berlin")
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    moments = list(fire_times(schedule, before, before + timedelta(days=2)))
    assert [m.astimezone(UTC).hour for m in moments] == [7, 7]
    assert moments[0].astimezone(BERLIN).date().isoformat() == "2026-03-29"
    winter = datetime(2026, 1, 10, 0, 0, tzinfo=UTC)
    first = trigger_for(schedule).get_next_fire_time(None, winter)
    assert first.astimezone(UTC).hour == 8


def test_weekday_trigger_skips_weekends() -> None:
    schedule = Schedule(time(9), Days.WEEKDAYS, "UTC")
    friday_noon = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    moments = list(fire_times(schedule, friday_noon, friday_noon + timedelta(days=4)))
    assert [m.strftime("%a") for m in moments] == ["Mon", "Tue"]


def test_fire_times_include_the_end_and_exclude_the_start() -> None:
    schedule = Schedule(time(9), Days.DAILY, "UTC")
    nine = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert list(fire_times(schedule, nine, nine + timedelta(days=1))) == [nine + timedelta(days=1)]


def _at(moment: datetime) -> datetime:
    """A clock stopped at one moment (bound with partial)."""
    return moment


async def enroll(ctx: AppContext, ref: ChannelRef, zone: str, days: Days = Days.DAILY) -> int:
    """Enroll a channel at 09:00 local."""
    info = await channels.enroll_channel(
        ctx, channel=ref, schedule=Schedule(time(9), days, zone), now=datetime.now(UTC)
    )
    return info.id


async def test_start_builds_one_job_per_active_channel(ctx: AppContext) -> None:
    tokyo = await enroll(ctx, CHANNEL, "Asia/Tokyo")
    other = ChannelRef("test", "W1", "C-paused")
    paused = await enroll(ctx, other, "UTC")
    await channels.set_channel_state(ctx, channel=other, active=False, now=datetime.now(UTC))
    frozen = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo: due
    scheduler = RoundScheduler(ctx, clock=lambda: frozen)
    try:
        await scheduler.start()
        assert job_id(tokyo) in scheduler.job_ids()
        assert job_id(paused) not in scheduler.job_ids()
        job = scheduler.scheduler.get_job(job_id(tokyo))
        assert str(job.trigger.timezone) == "Asia/Tokyo"
    finally:
        scheduler.shutdown()


async def test_schedule_change_replaces_the_job(ctx: AppContext) -> None:
    channel_id = await enroll(ctx, CHANNEL, "UTC")
    scheduler = RoundScheduler(ctx, clock=lambda: datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    ctx.channel_listeners.append(scheduler.refresh)  # as the composition root wires it
    try:
        await scheduler.start()
        await channels.enroll_channel(
            ctx,
            channel=CHANNEL,
            schedule=Schedule(time(17, 30), Days.WEEKDAYS, "America/New_York"),
            now=datetime.now(UTC),
        )
        await ctx.channel_changed(channel_id)
        job = scheduler.scheduler.get_job(job_id(channel_id))
        assert str(job.trigger.timezone) == "America/New_York"
        assert "hour='17'" in str(job.trigger)
        await channels.set_channel_state(ctx, channel=CHANNEL, active=False, now=datetime.now(UTC))
        await ctx.channel_changed(channel_id)
        assert job_id(channel_id) not in scheduler.job_ids()
    finally:
        scheduler.shutdown()


async def test_ten_restarts_post_nothing_twice(ctx: AppContext, messenger: FakeMessenger) -> None:
    """The bot was down at 09:00; each start catches up once, and only the first posts."""
    await enroll(ctx, CHANNEL, "UTC")
    await enroll(ctx, ChannelRef("test", "W1", "C2"), "Europe/Berlin")
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    for restart in range(10):
        moment = start + timedelta(minutes=restart)
        scheduler = RoundScheduler(ctx, clock=partial(_at, moment))
        try:
            await scheduler.start()
        finally:
            scheduler.shutdown()
    assert len(messenger.questions) == 2
    assert {ref.channel_id for ref, _, _ in messenger.questions} == {"C1", "C2"}


async def test_start_before_post_time_posts_nothing(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await enroll(ctx, CHANNEL, "UTC")
    scheduler = RoundScheduler(ctx, clock=lambda: datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    try:
        assert await scheduler.start() == []
    finally:
        scheduler.shutdown()
    assert messenger.questions == []


async def test_real_scheduler_runs_the_job(ctx: AppContext, messenger: FakeMessenger) -> None:
    """Run the real AsyncIOScheduler once by moving the job's next run to now."""
    channel_id = await enroll(ctx, CHANNEL, "UTC")
    posted = asyncio.Event()
    original = messenger.post_question

    async def post_and_signal(*args: object) -> str:
        result = await original(*args)  # type: ignore[arg-type]
        posted.set()
        return result

    messenger.post_question = post_and_signal  # type: ignore[method-assign, assignment]
    scheduler = RoundScheduler(ctx, clock=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    try:
        scheduler.scheduler.start()
        await scheduler.refresh(channel_id)
        job = scheduler.scheduler.get_job(job_id(channel_id))
        job.modify(next_run_time=datetime.now(UTC))
        scheduler.scheduler.wakeup()
        await asyncio.wait_for(posted.wait(), timeout=10)
    finally:
        scheduler.shutdown()
        await scheduler.drain()
    assert len(messenger.questions) == 1


def test_fire_times_end_on_a_fall_back_night() -> None:
    """The repeated 02:30 of a fall-back night must not make the iteration loop forever."""
    schedule = Schedule(time(2, 30), Days.DAILY, "Europe/Berlin")
    start = datetime(2024, 10, 25, 0, 0, tzinfo=UTC)
    moments = list(fire_times(schedule, start, start + timedelta(days=5)))
    local_days = [m.astimezone(BERLIN).day for m in moments]
    assert sorted(set(local_days)) == [25, 26, 27, 28, 29]
    utc = [m.astimezone(UTC) for m in moments]
    assert utc == sorted(set(utc))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_a_job_left_stale_by_another_process_posts_nothing_and_is_rebuilt(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    """Process B still has the 09:00 job after process A moved the channel to 17:00."""
    channel_id = await enroll(ctx, CHANNEL, "UTC")
    clock = Clock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    process_b = RoundScheduler(ctx, clock=clock)
    process_b.scheduler.start(paused=True)
    await process_b.resync()
    await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(17), Days.DAILY, "UTC"), now=clock.now
    )
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    outcome = await process_b.fire(channel_id)
    assert outcome.status is PostStatus.NOT_DUE
    assert messenger.questions == []
    assert "hour='17'" in str(process_b.scheduler.get_job(job_id(channel_id)).trigger)
    process_b.shutdown()


async def test_a_job_fired_after_midnight_does_not_post_the_next_days_round(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(23, 58), Days.DAILY, "UTC"), now=NOW
    )
    late = RoundScheduler(ctx, clock=lambda: datetime(2026, 3, 3, 0, 1, tzinfo=UTC))
    assert (await late.fire(info.id)).status is PostStatus.NOT_DUE
    assert messenger.questions == []


async def test_a_job_error_is_logged_and_retried_with_backoff(
    ctx: AppContext, messenger: FakeMessenger, caplog: pytest.LogCaptureFixture
) -> None:
    """The database went away under the job: it logs, and fires again later the same day."""
    channel_id = await enroll(ctx, CHANNEL, "UTC")
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    scheduler = RoundScheduler(ctx, clock=clock)
    scheduler.scheduler.start(paused=True)
    real = ctx.db
    ctx.db = Database.from_url(f"postgresql://postgres@127.0.0.1:{closed_port()}/none")
    delays = []
    for _ in range(3):
        assert (await scheduler.fire(channel_id)).status is PostStatus.FAILED
        retry = scheduler.scheduler.get_job(f"retry:{channel_id}")
        assert retry is not None
        delays.append(retry.trigger.run_date - clock.now)
    base = ctx.delivery.retry_base
    assert delays == [base, base * 2, base * 4]
    assert "round job for channel" in caplog.text
    await ctx.db.dispose()
    ctx.db = real
    assert (await scheduler.fire(channel_id)).status is PostStatus.POSTED
    assert len(messenger.questions) == 1
    scheduler.shutdown()


async def test_the_watchdog_retries_a_refused_post_after_its_backoff(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx, CHANNEL, "UTC")
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    scheduler = RoundScheduler(ctx, clock=clock)
    messenger.fail_with = PostRefused("ratelimited")
    assert (await scheduler.fire(channel_id)).status is PostStatus.FAILED
    messenger.fail_with = None
    clock.now += ctx.delivery.retry_base - timedelta(seconds=1)
    assert await scheduler.watchdog() == []  # not yet
    clock.now += timedelta(seconds=1)
    [outcome] = await scheduler.watchdog()
    assert outcome.status is PostStatus.POSTED
    assert len(messenger.questions) == 1


async def test_the_watchdog_settles_a_post_whose_reply_was_lost(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await enroll(ctx, CHANNEL, "UTC")
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    scheduler = RoundScheduler(ctx, clock=clock)
    messenger.lose_replies = 1
    assert (await scheduler.fire(channel_id)).status is PostStatus.PENDING
    clock.now += ctx.delivery.settle + timedelta(seconds=1)
    [outcome] = await scheduler.watchdog()
    assert outcome.status is PostStatus.POSTED
    assert len(messenger.questions) == 1  # found on the platform, not sent again


async def test_the_watchdog_posts_a_due_round_no_job_claimed(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    await enroll(ctx, CHANNEL, "UTC")
    scheduler = RoundScheduler(ctx, clock=lambda: NOW + timedelta(hours=1))
    [outcome] = await scheduler.watchdog()
    assert outcome.status is PostStatus.POSTED
    assert await scheduler.watchdog() == []
    assert len(messenger.questions) == 1


async def test_resync_picks_up_channels_enrolled_by_another_process(ctx: AppContext) -> None:
    scheduler = RoundScheduler(ctx, clock=lambda: NOW)
    scheduler.scheduler.start(paused=True)
    await scheduler.resync()
    assert scheduler.job_ids() == []
    channel_id = await enroll(ctx, CHANNEL, "UTC")  # another process enrolls it
    await scheduler.resync()
    assert scheduler.job_ids() == [job_id(channel_id)]
    await channels.set_channel_state(ctx, channel=CHANNEL, active=False, now=NOW)
    await scheduler.resync()
    assert scheduler.job_ids() == []
    scheduler.shutdown()


async def test_a_job_that_waited_for_a_slot_leases_from_when_it_got_one(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    """A lease computed when the job was queued could be over before it posts: no double."""
    monday_9 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    info = await channels.enroll_channel(
        ctx, channel=CHANNEL, schedule=Schedule(time(9), Days.DAILY, "UTC"), now=monday_9
    )
    wall = [monday_9]
    scheduler = RoundScheduler(ctx, clock=lambda: wall[0])
    gate = asyncio.Event()
    record = messenger.post_question

    async def slow_post(channel: ChannelRef, reply: Reply, round_id: int) -> str:
        await gate.wait()
        return await record(channel, reply, round_id)

    messenger.post_question = slow_post  # type: ignore[method-assign]
    for _ in range(ctx.delivery.round_jobs):  # every slot busy: the 9:00 job waits
        await scheduler._slots.acquire()
    job = asyncio.create_task(scheduler.fire(info.id))
    await asyncio.sleep(0.05)
    wall[0] = monday_9 + ctx.delivery.lease  # a slot frees up one lease later
    for _ in range(ctx.delivery.round_jobs):
        scheduler._slots.release()
    await asyncio.sleep(0.05)  # the job claimed the round and is posting it
    wall[0] += timedelta(seconds=10)
    sweep = asyncio.create_task(scheduler.sweep())  # any process's watchdog, soon after
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(job, sweep)
    assert len(messenger.questions) == 1


async def test_start_adds_the_reminder_job(ctx: AppContext) -> None:
    scheduler = RoundScheduler(ctx, clock=lambda: NOW)
    try:
        await scheduler.start()
        job = scheduler.scheduler.get_job("reminders")
        assert job is not None
        assert job.trigger.interval == ctx.delivery.remind_every
        assert await scheduler.remind() == 0  # nobody asked for reminders
    finally:
        scheduler.shutdown()
