"""Which language a reader sees, and the two commands that choose one."""

from __future__ import annotations

from datetime import datetime

from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.locales import (
    SUPPORTED,
    Language,
    Message,
    Translator,
    _,
    language_of_locale,
    parse_language,
    translator,
)
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError

AUTO = "auto"


def unknown_language(code: str, *, auto: bool = False) -> Message:
    """The one-line refusal of a language code the bot does not speak."""
    choices = ", ".join([*SUPPORTED, AUTO] if auto else SUPPORTED)
    return _("Unknown language '{code}': choose one of {choices}.", code=code, choices=choices)


def stored_language(value: str | None) -> Language | None:
    """A stored language code as a Language (None for unset or no longer supported)."""
    return parse_language(value) if value else None


def choose(
    *, member: str | None, locale: str | None, channel: str | None, default: Language
) -> Language:
    """The member's own choice, else their platform's locale, else the channel's language."""
    return (
        stored_language(member) or language_of_locale(locale) or stored_language(channel) or default
    )


async def reader(ctx: AppContext, *, channel: ChannelRef, user: UserRef) -> Translator:
    """The translator for a member's private replies in a channel (one read).

    Their own choice (/scale language), else their app's language (`user.locale`, from the
    platform), else the channel's, else SCALEBOT_LANGUAGE.
    """
    async with ctx.reading() as repo:
        channel_language, member_language = await repo.languages(
            channel=channel, user_id=user.user_id
        )
    return stored_reader(ctx, user=user, channel=channel_language, member=member_language)


def stored_reader(
    ctx: AppContext, *, user: UserRef, channel: str | None, member: str | None
) -> Translator:
    """The translator `reader` picks, from stored languages already read."""
    return translator(
        choose(member=member, locale=user.locale, channel=channel, default=ctx.language)
    )


def channel_reader(ctx: AppContext, stored: str | None) -> Translator:
    """The translator for a channel's public posts, from its stored language."""
    return translator(stored_language(stored) or ctx.language)


async def set_channel_language(
    ctx: AppContext, *, channel: ChannelRef, code: str, now: datetime
) -> Language:
    """Set the language of an enrolled channel's public posts."""
    language = parse_language(code)
    if language is None:
        raise UserError(unknown_language(code))
    async with ctx.writing() as repo:
        row = await require_channel(repo, channel, lock=True)
        row.language, row.updated_at = language.value, now
    return language


async def set_member_language(
    ctx: AppContext, *, user: UserRef, code: str, now: datetime
) -> Language | None:
    """Set (or with 'auto' clear) the language of a member's private replies."""
    language = None if code.strip().lower() == AUTO else parse_language(code)
    if language is None and code.strip().lower() != AUTO:
        raise UserError(unknown_language(code, auto=True))
    async with ctx.writing() as repo:
        workspace = await repo.get_or_create_workspace(
            platform=user.platform, external_id=user.workspace_id, now=now
        )
        row = await repo.upsert_user(
            workspace_id=workspace.id,
            external_id=user.user_id,
            display_name=user.display_name,
            now=now,
        )
        row.language = language.value if language else None
    return language
