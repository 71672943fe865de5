"""Which language a member reads: their choice, their platform's locale, the channel's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from scalebot.domain.refs import UserRef
from scalebot.domain.replies import Tone
from scalebot.locales import Language
from scalebot.platforms.text_commands import run_command
from scalebot.services import languages
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, UserError
from tests.conftest import ALICE, CHANNEL

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN = Invocation(channel=CHANNEL, user=ALICE, is_admin=True, now=NOW)
BOB = UserRef(ALICE.platform, ALICE.workspace_id, "U-BOB", "Bob")
MEMBER = replace(ADMIN, user=BOB, is_admin=False)


@pytest.mark.parametrize(
    ("member", "locale", "channel", "expected"),
    [
        ("zh", "en-US", "en", Language.ZH),
        (None, "zh-TW", "en", Language.ZH),
        (None, "en-GB", "zh", Language.EN),
        (None, "fr-FR", "zh", Language.ZH),
        (None, None, None, Language.EN),
        (None, "de", None, Language.ZH),
        ("xx", None, "zh", Language.ZH),
    ],
)
def test_choice_then_locale_then_channel_then_default(
    member: str | None, locale: str | None, channel: str | None, expected: Language
) -> None:
    default = Language.ZH if expected is Language.ZH and channel is None else Language.EN
    assert (
        languages.choose(member=member, locale=locale, channel=channel, default=default) is expected
    )


async def enrolled(ctx: AppContext) -> None:
    await run_command(ctx, ADMIN, "admin setup 09:00 UTC")


async def test_a_member_reads_the_channels_language_until_they_choose(ctx: AppContext) -> None:
    await enrolled(ctx)
    await run_command(ctx, ADMIN, "admin language zh")
    reader = await languages.reader(ctx, channel=CHANNEL, user=BOB)
    assert reader.language is Language.ZH
    await run_command(ctx, MEMBER, "language en")
    assert (await languages.reader(ctx, channel=CHANNEL, user=BOB)).language is Language.EN
    await run_command(ctx, MEMBER, "language auto")
    reader = await languages.reader(ctx, channel=CHANNEL, user=replace(BOB, locale="en-US"))
    assert reader.language is Language.EN


async def test_an_unsupported_platform_locale_reads_the_channels_language(
    ctx: AppContext,
) -> None:
    await enrolled(ctx)
    await run_command(ctx, ADMIN, "admin language zh")
    reply = await run_command(ctx, replace(MEMBER, user=replace(BOB, locale="pt-BR")), "frobnicate")
    assert reply.title == "未知命令“frobnicate”：试试 /scale help。"


async def test_the_platform_locale_decides_when_the_member_chose_nothing(ctx: AppContext) -> None:
    await enrolled(ctx)
    reply = await run_command(ctx, replace(MEMBER, user=replace(BOB, locale="zh-CN")), "frobnicate")
    assert reply.title.startswith("未知命令")
    english = await run_command(
        ctx, replace(MEMBER, user=replace(BOB, locale="en-US")), "frobnicate"
    )
    assert english.title.startswith("Unknown command")


async def test_the_member_language_command_answers_in_the_new_language(ctx: AppContext) -> None:
    reply = await run_command(ctx, MEMBER, "language zh")
    assert reply.title == "今后给你的私信回复将使用中文。"
    back = await run_command(ctx, MEMBER, "language auto")
    assert back.title.startswith("Your replies follow your app's language again")


async def test_unknown_language_codes_get_one_line_listing_the_supported_ones(
    ctx: AppContext,
) -> None:
    await enrolled(ctx)
    member = await run_command(ctx, MEMBER, "language fr")
    assert (member.tone, member.title) == (
        Tone.ERROR,
        "Unknown language 'fr': choose one of en, zh, auto.",
    )
    admin = await run_command(ctx, ADMIN, "admin language klingon")
    assert admin.title == "Unknown language 'klingon': choose one of en, zh."
    assert (await languages.reader(ctx, channel=CHANNEL, user=ALICE)).language is Language.EN


async def test_the_channel_language_needs_an_enrolled_channel_and_an_admin(
    ctx: AppContext,
) -> None:
    refused = await run_command(ctx, ADMIN, "admin language zh")
    assert refused.title.startswith("This channel is not enrolled")
    await enrolled(ctx)
    member = await run_command(ctx, MEMBER, "admin language zh")
    assert member.title.startswith("Only channel admins")
    done = await run_command(ctx, ADMIN, "admin language 中文")
    assert done.title == "This channel now speaks Chinese."  # in the admin's own language
    # Now the channel speaks Chinese, so does an admin who chose nothing.
    again = await run_command(ctx, ADMIN, "admin language zh")
    assert again.title == "本频道的语言已设为中文。"


async def test_new_channels_take_the_configured_language(ctx: AppContext) -> None:
    ctx.language = Language.ZH
    await enrolled(ctx)
    reader = await languages.reader(ctx, channel=CHANNEL, user=BOB)
    assert reader.language is Language.ZH


async def test_setting_a_language_validates_before_writing(ctx: AppContext) -> None:
    with pytest.raises(UserError):
        await languages.set_member_language(ctx, user=BOB, code="fr", now=NOW)
    assert (await languages.reader(ctx, channel=CHANNEL, user=BOB)).language is Language.EN
