"""`admin ping`: each daily post pings one role or user group, set and refused in one line."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Tone
from scalebot.domain.rounds import PostStatus
from scalebot.platforms.text_commands import run_command
from scalebot.services import rounds
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from tests.conftest import ALICE, FakeMessenger
from tests.services.test_standings import MONDAY_9, post, setup_days

ADMIN = Invocation(channel=ChannelRef("test", "W1", "C1"), user=ALICE, is_admin=True, now=MONDAY_9)


async def test_the_post_carries_the_ping_until_it_is_turned_off(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await setup_days(ctx, 0)
    shown = await run_command(ctx, ADMIN, "admin ping")
    assert shown.title == "Daily posts here ping nobody: /scale admin ping @role sets one."
    set_ = await run_command(ctx, ADMIN, "admin ping @reviewers")
    assert set_.title == "Each daily post here now pings the role @reviewers."
    assert (await run_command(ctx, ADMIN, "admin ping")).title == (
        "Daily posts here ping the role @reviewers."
    )
    setup = await run_command(ctx, ADMIN, "admin setup 09:00 UTC daily")
    assert setup.body.endswith("Each post pings the role @reviewers.")
    await post(ctx, channel_id, 0)
    assert messenger.questions[-1][1].ping == "reviewers"
    off = await run_command(ctx, ADMIN, "admin ping off")
    assert off.title == "Daily posts here ping nobody now."
    await post(ctx, channel_id, 1)
    assert messenger.questions[-1][1].ping is None


async def test_a_claim_taken_over_after_an_unknown_outcome_keeps_the_ping(
    ctx: AppContext, messenger: FakeMessenger
) -> None:
    channel_id = await setup_days(ctx, 0)
    await run_command(ctx, ADMIN, "admin ping @oncall")
    messenger.fail_with = ConnectionResetError("no answer")  # the outcome is unknown
    unknown = await rounds.post_round(ctx, channel_id=channel_id, now=MONDAY_9)
    assert unknown.status is PostStatus.PENDING
    messenger.fail_with = None
    later = MONDAY_9 + ctx.delivery.lease + timedelta(seconds=1)
    resolved = await rounds.resolve_round(ctx, round_id=unknown.round_id or 0, now=later)
    assert resolved.status is PostStatus.POSTED
    assert [reply.ping for _channel, reply, _round in messenger.questions] == ["oncall"]


async def test_everyone_members_and_non_roles_are_refused_with_their_own_line(
    ctx: AppContext,
) -> None:
    await setup_days(ctx, 0)
    everyone = await run_command(ctx, ADMIN, "admin ping @everyone")
    assert everyone.tone is Tone.ERROR
    assert everyone.title.startswith("scalebot never pings everyone")
    member = await run_command(ctx, ADMIN, "admin ping <@U-bob>")
    assert member.title.startswith("That is a member, not a role or user group")
    other = await run_command(ctx, ADMIN, "admin ping reviewers")
    assert other.title == "'reviewers' is not a role: write it as @name."
    usage = await run_command(ctx, ADMIN, "admin ping @a @b")
    assert usage.title.startswith("Usage: /scale admin ping @role")
    member_run = await run_command(ctx, replace(ADMIN, is_admin=False), "admin ping @x")
    assert member_run.title.startswith("Only channel admins")
    assert (await run_command(ctx, ADMIN, "admin ping")).title.startswith(
        "Daily posts here ping nobody"
    )
