"""Messages in the member's language: gettext catalogs (Babel tooling), lazy messages, formatting.

Mark a string for translation where it is written, translate it where the reply is built:

    raise UserError(_("No round is open in this channel yet."))      # lazy, no language yet
    title = t(_("Your streak: {days}", days=3))                       # rendered for one reader
    line = t(n_("{count} answer", "{count} answers", count, count=count))

`pybabel extract` finds `_`, `n_`, `gettext` and `ngettext` calls (see `babel.cfg`).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent
DOMAIN = "scalebot"


class Language(StrEnum):
    """A language the bot speaks; the value is what users type and what is stored."""

    EN = "en"
    ZH = "zh"

    @property
    def catalog(self) -> str:
        """The gettext catalog (and Babel locale) this language reads from."""
        return _CATALOGS[self]


_CATALOGS = {Language.EN: "en", Language.ZH: "zh_CN"}
SUPPORTED = tuple(Language)
# Every spelling a user might type for a language, lower-cased.
_ALIASES = {
    "en": Language.EN,
    "english": Language.EN,
    "zh": Language.ZH,
    "zh-cn": Language.ZH,
    "zh_cn": Language.ZH,
    "zh-hans": Language.ZH,
    "cn": Language.ZH,
    "chinese": Language.ZH,
    "中文": Language.ZH,
    "简体中文": Language.ZH,
}


def parse_language(code: str) -> Language | None:
    """The language a user typed ('zh', 'zh-CN', '中文', 'en' …), or None if unsupported."""
    return _ALIASES.get(code.strip().lower())


def language_of_locale(locale: str | None) -> Language | None:
    """The language of a platform locale ('zh-CN', 'zh-TW', 'en-US' …), or None if unsupported."""
    if not locale:
        return None
    primary = locale.replace("_", "-").split("-", 1)[0].lower()
    return {"zh": Language.ZH, "en": Language.EN}.get(primary)


@dataclass(frozen=True)
class Message:
    """A message marked for translation and not yet translated: msgid, plural form, parameters."""

    msgid: str
    plural: str | None = None
    count: int = 1
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """The English text, for logs and for code that has no reader yet."""
        return ENGLISH(self)


def _(msgid: str, /, **params: Any) -> Message:
    """Mark a message for translation; `params` fill its `{placeholders}` once translated."""
    return Message(msgid, params=params)


def n_(singular: str, plural: str, count: int, /, **params: Any) -> Message:
    """Mark a message with a plural form chosen by `count` the gettext way."""
    return Message(singular, plural=plural, count=count, params=params)


Text = Message | str  # what a reply field holds before it is rendered for a reader


class Phrase(str):
    """A message's English text that keeps the message, for values typed as plain `str`.

    Grading notes are strings to the grader and its tests; a renderer that gets one through
    a Translator still reads it in the member's language.
    """

    message: Message

    def __new__(cls, message: Message) -> Phrase:
        """The English text of `message`, remembering the message."""
        phrase = super().__new__(cls, ENGLISH(message))
        phrase.message = message
        return phrase


@dataclass(frozen=True)
class Localized:
    """A parameter that comes in each language from content (the bank), not from the catalogs."""

    texts: dict[Language, str]

    def text(self, language: Language) -> str:
        """The text in a language, English where it has none."""
        return self.texts.get(language) or self.texts.get(Language.EN, "")


@dataclass(frozen=True)
class Translator:
    """Renders messages, numbers and dates for one language."""

    language: Language
    _catalog: _gettext.NullTranslations = field(repr=False, compare=False)

    def __call__(self, message: Message | str) -> str:
        """The message in this language with its parameters filled in."""
        if isinstance(message, str):
            return self(message.message) if isinstance(message, Phrase) else message
        if message.plural is None:
            text = self._catalog.gettext(message.msgid)
        else:
            text = self._catalog.ngettext(message.msgid, message.plural, message.count)
        if not message.params:
            return text
        return text.format(**{name: self._value(value) for name, value in message.params.items()})

    def _value(self, value: Any) -> Any:
        """A parameter as this reader sees it: messages translated, dates and integers localised."""
        if isinstance(value, Message | Phrase):
            return self(value)
        if isinstance(value, Localized):
            return value.text(self.language)
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.number(value)
        return value

    def sentences(self, parts: Iterable[Message | str]) -> str:
        """Sentences one after another, translated: a space between them in English, none
        after Chinese full-width punctuation."""
        separator = "" if self.language is Language.ZH else " "
        return separator.join(self(part) for part in parts)

    def gettext(self, msgid: str) -> str:
        """The translation of one message without parameters."""
        return self._catalog.gettext(msgid)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The plural form of a message for `count`."""
        return self._catalog.ngettext(singular, plural, count)

    def number(self, value: float, *, digits: int = 0) -> str:
        """A number with this language's grouping and decimal marks."""
        if not digits and type(value) is int and 0 <= value < _UNGROUPED:
            return str(value)  # both languages write small whole numbers plainly; Babel is slow
        from babel.numbers import format_decimal  # Babel's locale data loads on first use

        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.language.catalog)

    def percent(self, share: float) -> str:
        """A share as a percentage the way this language writes it ('40%')."""
        from babel.numbers import format_percent

        return format_percent(share, locale=self.language.catalog)

    def date(self, value: date | datetime, *, style: str = "medium") -> str:
        """A date the way this language writes it ('Dec 1, 2026' / '2026年12月1日')."""
        from babel.dates import format_date

        return format_date(value, format=style, locale=self.language.catalog)


# Whole numbers below this have no group separator in any supported language.
_UNGROUPED = 1000


@cache
def translator(language: Language | str | None = Language.EN) -> Translator:
    """The translator for a language (unknown codes read English), loaded once."""
    chosen = Language(language) if language in SUPPORTED else Language.EN
    catalog = _gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[chosen.catalog], fallback=True
    )
    return Translator(chosen, catalog)


ENGLISH = translator(Language.EN)
