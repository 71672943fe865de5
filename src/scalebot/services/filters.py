"""Admins choose which topics and difficulties a channel's rounds ask (`/scale admin topics`)."""

from __future__ import annotations

import re
from dataclasses import replace

from scalebot.domain.filters import (
    DIFFICULTY_NAMES,
    QuestionFilter,
    bank_topics,
    ordered_difficulties,
    stored_list,
)
from scalebot.domain.questions import Difficulty, QuestionBank
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import Reply, info
from scalebot.locales import Message, Translator, _, n_
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError

EVERY = "all"


def parse_items(words: list[str]) -> list[str]:
    """The items an admin typed, split on commas and spaces, lower-cased, in order, once each."""
    items = re.split(r"[,\s]+", " ".join(words).strip().lower())
    return list(dict.fromkeys(item for item in items if item))


def parse_topics(items: list[str], bank: QuestionBank) -> frozenset[str]:
    """The topics named, each one the bank asks about; `all` for every topic."""
    if items == [EVERY]:
        return frozenset()
    known = bank_topics(bank)
    for item in items:
        if item not in known:
            choices = ", ".join(known)
            raise UserError(
                _("Unknown topic '{name}': use {choices}, or all.", name=item, choices=choices)
            )
    return frozenset(items)


def parse_difficulties(items: list[str]) -> frozenset[Difficulty]:
    """The difficulties named; `all` for every one."""
    if items == [EVERY]:
        return frozenset()
    for item in items:
        if item not in DIFFICULTY_NAMES:
            choices = ", ".join(Difficulty)
            raise UserError(
                _("Unknown difficulty '{name}': use {choices}, or all.", name=item, choices=choices)
            )
    return frozenset(Difficulty(item) for item in items)


def describe(chosen: QuestionFilter) -> Message:
    """The filter in words."""
    topics = ", ".join(sorted(chosen.topics))
    levels = ", ".join(ordered_difficulties(chosen.difficulties))
    if chosen.topics and chosen.difficulties:
        return _("topics {topics}, difficulty {levels}", topics=topics, levels=levels)
    if chosen.topics:
        return _("topics {topics}, every difficulty", topics=topics)
    if chosen.difficulties:
        return _("every topic, difficulty {levels}", levels=levels)
    return _("every topic and difficulty")


async def show_filter(ctx: AppContext, *, channel: ChannelRef, t: Translator) -> Reply:
    """What the channel's rounds ask now, and the topics there are."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        chosen = QuestionFilter.stored(row.topics, row.difficulties)
    return _filter_reply(ctx, chosen, t)


async def set_filter(
    ctx: AppContext,
    *,
    channel: ChannelRef,
    topics: list[str] | None = None,
    difficulties: list[str] | None = None,
    t: Translator,
) -> Reply:
    """Replace the channel's topics or difficulties; a filter no question passes is refused."""
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        chosen = QuestionFilter.stored(row.topics, row.difficulties)
        if topics is not None:
            chosen = replace(chosen, topics=parse_topics(topics, ctx.bank))
        if difficulties is not None:
            chosen = replace(chosen, difficulties=parse_difficulties(difficulties))
        if not chosen.count_in(ctx.bank):
            what = t(describe(chosen))
            raise UserError(
                _("No question is about {what}: widen the topics or the difficulty.", what=what)
            )
        row.topics = stored_list(chosen.topics)
        row.difficulties = stored_list(frozenset(chosen.difficulties))
    return _filter_reply(ctx, chosen, t)


def _filter_reply(ctx: AppContext, chosen: QuestionFilter, t: Translator) -> Reply:
    """The filter, how many questions pass it, and the topics to choose from."""
    count = chosen.count_in(ctx.bank)
    matching = n_(
        "{count} question in the bank matches.",
        "{count} questions in the bank match.",
        count,
        count=t.number(count),
    )
    topics = ", ".join(bank_topics(ctx.bank))
    return info(
        t(_("Rounds here ask: {what}.", what=t(describe(chosen)))),
        t.sentences(
            (
                matching,
                _("Topics: {topics}.", topics=topics),
                _("Difficulties: {levels}.", levels=", ".join(Difficulty)),
            )
        ),
    )
