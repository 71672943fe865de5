"""The weekly digest: top streaks, most improved and the hardest question of last week.

The first round a channel claims in a local week (Monday-based, as the week board counts)
claims that week's digest row in the claim's own transaction: the row's key makes it once per
channel per week across restarts and processes. The digest is posted as its own message after
the closed round's summary and before the new question, so the question stays last.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from scalebot.db.repository import Repository
from scalebot.domain.digest import (
    MIN_IMPROVED_ANSWERS,
    TOP_STREAKS,
    DigestWeeks,
    Improvement,
    most_improved,
    week_start,
)
from scalebot.domain.replies import Field, Reply, Tone, info
from scalebot.domain.untrusted import public_name
from scalebot.locales import Translator, _, n_
from scalebot.services import languages
from scalebot.services.channels import channel_info, require_channel
from scalebot.services.context import AppContext
from scalebot.services.questions import question_of

if TYPE_CHECKING:
    from scalebot.domain.refs import ChannelRef

log = logging.getLogger(__name__)
DIGEST_USAGE = _("Usage: /scale admin digest on|off")


@dataclass(frozen=True)
class DigestClaim:
    """A new round's claim of its week's digest (see claim_digests)."""

    channel_id: int
    enabled: bool
    rounds_so_far: int
    round_id: int
    round_date: date
    now: datetime


async def claim_digests(repo: Repository, claims: Sequence[DigestClaim]) -> dict[int, date | None]:
    """In new rounds' claims (one per channel), by round id: the Monday of the week whose
    digest the round posts, or None; one statement for them all.

    None when digests are off, when an earlier round of the same week claimed the digest, or
    when this is the channel's first round (it claims its week, with nothing to look back on).
    """
    wanted = [
        (c.channel_id, week_start(c.round_date), c.round_id, c.now) for c in claims if c.enabled
    ]
    won = await repo.digests.claim_many(wanted)
    weeks: dict[int, date | None] = {}
    for claim in claims:
        week = week_start(claim.round_date)
        posts = claim.enabled and (claim.channel_id, week) in won and claim.rounds_so_far > 0
        weeks[claim.round_id] = week if posts else None
    return weeks


@dataclass(frozen=True)
class Digest:
    """What a week's digest says; empty parts are left out."""

    weeks: DigestWeeks
    streaks: list[tuple[str, int]]
    improved: Improvement | None
    hardest: tuple[str, int, float] | None  # question title, answers, average score


async def post_digest(ctx: AppContext, *, channel_id: int, week: date) -> Reply | None:
    """Post the digest of the week before `week` in the channel; None when there was nothing."""
    async with ctx.reading() as repo:
        channel = await repo.get_channel(channel_id=channel_id)
        if channel is None:
            return None
        ref = channel_info(channel, await repo.get_workspace(workspace_id=channel.workspace_id)).ref
        t = languages.channel_reader(ctx, channel.language)  # a public post
        digest = await _gather(
            ctx,
            repo,
            (channel.id, channel.round_count, channel.freezes_enabled),
            DigestWeeks(week),
            t,
        )
    if digest is None:
        return None
    reply = digest_reply(digest, t=t)
    await _send(ctx, ref, reply)
    return reply


async def _send(ctx: AppContext, ref: ChannelRef, reply: Reply) -> None:
    """Post the digest as its own channel message; a failure costs the digest, nothing else."""
    try:
        await ctx.messenger(ref.platform).post_in_thread(ref, None, reply)
    except Exception:
        log.exception("could not post the weekly digest in %s", ref)


async def _gather(
    ctx: AppContext,
    repo: Repository,
    channel: tuple[int, int, bool],
    weeks: DigestWeeks,
    t: Translator,
) -> Digest | None:
    """Read the digest's parts by aggregates; None when nobody answered on time last week.

    `channel` is its id, its round count (the round just closed) and whether freezes are on.
    """
    channel_id, closed_seq, freezes_on = channel
    hard = await repo.digests.hardest_round(
        channel_id=channel_id, since=weeks.last, until=weeks.current
    )
    if hard is None:
        return None
    question = await question_of(ctx, repo, hard.question_id)
    streaks = await repo.digests.top_streaks(
        channel_id=channel_id, closed_seq=closed_seq, freezes_on=freezes_on, limit=TOP_STREAKS
    )
    before, after = await repo.digests.week_scores(
        channel_id=channel_id, since=weeks.before, split=weeks.last, until=weeks.current
    )
    improved = most_improved(before, after)
    hardest = (question.title_in(t.language), hard.answers, hard.average)
    return Digest(weeks, streaks, improved, hardest)


def digest_reply(digest: Digest, *, t: Translator) -> Reply:
    """The public digest: top streaks, most improved, hardest question, and what they mean."""
    weeks = digest.weeks
    fields = [Field(t(_("Top streaks")), _streak_lines(digest.streaks, t))]
    fields.append(Field(t(_("Most improved")), _improved_line(digest.improved, t)))
    if digest.hardest is not None:
        title, answers, average = digest.hardest
        hardest = n_(
            "{title}: average {average}/100 over {count} answer",
            "{title}: average {average}/100 over {count} answers",
            answers,
            title=title,
            average=round(average),
            count=answers,
        )
        fields.append(Field(t(_("Hardest question")), t(hardest)))
    footer = _(
        "Most improved: the biggest rise in average score over the week before, "
        "with at least {count} on-time answers in each week.",
        count=MIN_IMPROVED_ANSWERS,
    )
    return Reply(
        title=t(_("Weekly digest: {start} to {end}", start=weeks.last, end=weeks.last_sunday)),
        fields=tuple(fields),
        footer=t(footer),
        tone=Tone.SUMMARY,
        private=False,
        language=t.language,
    )


def _streak_lines(streaks: list[tuple[str, int]], t: Translator) -> str:
    """One line per top streak, or a line saying there is none."""
    if not streaks:
        return t(_("No streak is running."))
    return "\n".join(
        t(
            n_(
                "{rank}. {name}: {count} round",
                "{rank}. {name}: {count} rounds",
                count,
                rank=rank,
                name=public_name(name),
                count=count,
            )
        )
        for rank, (name, count) in enumerate(streaks, start=1)
    )


def _improved_line(improved: Improvement | None, t: Translator) -> str:
    """Who rose the most, or why nobody is named."""
    if improved is None:
        return t(_("Nobody yet: answer in two weeks running to be named here."))
    return t(
        _(
            "{name}: average {before}/100 to {after}/100",
            name=public_name(improved.name),
            before=round(improved.before),
            after=round(improved.after),
        )
    )


async def set_digest(
    ctx: AppContext, *, channel: ChannelRef, enabled: bool, t: Translator
) -> Reply:
    """Turn the channel's weekly digest on or off."""
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        row.digest_enabled = enabled
    if enabled:
        return info(
            t(_("The weekly digest is on: the first round of each week posts last week's.")),
        )
    return info(t(_("The weekly digest is off.")))
