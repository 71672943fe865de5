"""Enroll channels, pause and resume them, and list them for the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scalebot.db.engine import WriteConflict
from scalebot.db.repository import ChannelRow, Repository, WorkspaceRow
from scalebot.domain.refs import ChannelRef
from scalebot.domain.rounds import ChannelState
from scalebot.domain.schedule import Days, Schedule
from scalebot.locales import _
from scalebot.services.context import AppContext, UserError

NOT_ENROLLED = _(
    "This channel is not enrolled: an admin can enroll it with "
    "/scale admin setup HH:MM ZONE [daily|weekdays]."
)

JUST_ENROLLED = _(
    "This channel is already enrolled: another admin set it up a moment ago. "
    "Run /scale admin setup again to change its schedule."
)


@dataclass(frozen=True)
class ChannelInfo:
    """An enrolled channel as the rest of the app sees it."""

    id: int
    ref: ChannelRef
    schedule: Schedule
    state: str
    state_reason: str | None
    round_count: int
    language: str = "en"  # of its public posts

    @property
    def active(self) -> bool:
        """Tell whether the channel gets scheduled rounds."""
        return self.state == ChannelState.ACTIVE


def channel_info(channel: ChannelRow, workspace: WorkspaceRow) -> ChannelInfo:
    """Describe a stored channel."""
    return ChannelInfo(
        id=channel.id,
        ref=ChannelRef(workspace.platform, workspace.external_id, channel.external_id),
        schedule=Schedule(channel.post_time, Days(channel.days), channel.timezone),
        state=channel.state,
        state_reason=channel.state_reason,
        round_count=channel.round_count,
        language=channel.language,
    )


async def require_channel(repo: Repository, ref: ChannelRef, *, lock: bool = False) -> ChannelRow:
    """Return the enrolled channel or fail with the message that says how to enroll it."""
    channel = await repo.find_channel(ref, lock=lock)
    if channel is None:
        raise UserError(NOT_ENROLLED)
    return channel


async def enroll_channel(
    ctx: AppContext,
    *,
    channel: ChannelRef,
    schedule: Schedule,
    now: datetime,
) -> ChannelInfo:
    """Enroll a channel, or change its schedule and make it active again."""
    try:
        return await _enroll(ctx, channel, schedule, now)
    except WriteConflict:
        # Another process enrolled it between our look and our insert.
        raise UserError(JUST_ENROLLED) from None


async def _enroll(
    ctx: AppContext, channel: ChannelRef, schedule: Schedule, now: datetime
) -> ChannelInfo:
    """Insert or update the channel's row in one write transaction."""
    async with ctx.writing() as repo:
        workspace = await repo.get_or_create_workspace(
            platform=channel.platform, external_id=channel.workspace_id, now=now
        )
        row = await repo.find_channel(channel, lock=True)
        if row is None:
            row = await repo.add_channel(
                workspace_id=workspace.id,
                external_id=channel.channel_id,
                schedule=schedule,
                language=ctx.language.value,
                now=now,
            )
        else:
            row.post_time, row.days, row.timezone = (
                schedule.post_time,
                schedule.days.value,
                schedule.timezone,
            )
            row.state, row.state_reason, row.updated_at = ChannelState.ACTIVE, None, now
        return channel_info(row, workspace)


async def set_channel_state(
    ctx: AppContext, *, channel: ChannelRef, active: bool, now: datetime, reason: str | None = None
) -> ChannelInfo:
    """Pause or resume a channel's scheduled posts."""
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        row.state = ChannelState.ACTIVE if active else ChannelState.PAUSED
        row.state_reason = None if active else reason
        row.updated_at = now
        return channel_info(row, await repo.get_workspace(workspace_id=row.workspace_id))


async def get_channel(ctx: AppContext, *, channel: ChannelRef) -> ChannelInfo | None:
    """Return an enrolled channel, or None."""
    async with ctx.reading() as repo:
        row = await repo.find_channel(channel)
        if row is None:
            return None
        return channel_info(row, await repo.get_workspace(workspace_id=row.workspace_id))


async def channel_by_id(ctx: AppContext, *, channel_id: int) -> ChannelInfo | None:
    """Return a channel by its id, or None."""
    async with ctx.reading() as repo:
        row = await repo.get_channel(channel_id=channel_id)
        if row is None:
            return None
        return channel_info(row, await repo.get_workspace(workspace_id=row.workspace_id))


async def list_channels(ctx: AppContext) -> list[ChannelInfo]:
    """Return every enrolled channel."""
    async with ctx.reading() as repo:
        return [channel_info(c, w) for c, w in await repo.channel_refs()]
