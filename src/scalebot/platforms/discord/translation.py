"""The /scale menu in the member's language: discord.py's Translator over our catalogs.

Descriptions are marked with `_()` (so `scalebot catalogs` extracts them) and handed to
discord.py as `locale_str`; `scalebot discord sync` uploads the Chinese ones as
`description_localizations` for zh-CN and zh-TW. Command and option names stay as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.app_commands import TranslationContextTypes, locale_str

from scalebot.locales import Language, Message, language_of_locale, translator

# Names are what members type: they stay the same in every language.
_KEPT = {Where.command_name, Where.group_name, Where.parameter_name}


def described(message: Message) -> locale_str:
    """A description discord.py can translate (the msgid is the English text)."""
    return locale_str(message.msgid)


def subcommand(
    name: str, description: Message, callback: Callable[..., Coroutine[Any, Any, None]]
) -> app_commands.Command[Any, ..., None]:
    """One subcommand, its description translatable."""
    return app_commands.Command(name=name, description=described(description), callback=callback)


def describe_options(command: app_commands.Command[Any, ..., None], **options: Message) -> None:
    """Describe a command's options, translatable."""
    app_commands.describe(**{name: described(text) for name, text in options.items()})(command)


class CatalogTranslator(app_commands.Translator):
    """Translates the /scale descriptions for the locales scalebot speaks (zh-CN, zh-TW)."""

    async def translate(
        self, string: locale_str, locale: Locale, context: TranslationContextTypes
    ) -> str | None:
        """The description in the locale's language, or None to leave Discord's default."""
        language = language_of_locale(locale.value)
        if language in (None, Language.EN) or context.location in _KEPT:
            return None
        assert language is not None
        text = translator(language).gettext(string.message)
        return text if text != string.message else None
