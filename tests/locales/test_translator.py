"""The translator: language codes, platform locales, lazy messages, Babel formatting."""

from __future__ import annotations

from datetime import date

import pytest

from scalebot.locales import (
    Language,
    _,
    language_of_locale,
    n_,
    parse_language,
    translator,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("zh", Language.ZH), ("ZH-cn", Language.ZH), ("中文", Language.ZH), (" en ", Language.EN)],
)
def test_typed_language_codes_are_understood(typed: str, expected: Language) -> None:
    assert parse_language(typed) is expected


def test_an_unknown_language_code_is_refused() -> None:
    assert parse_language("fr") is None


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh-CN", Language.ZH),
        ("zh-TW", Language.ZH),
        ("zh_HK", Language.ZH),
        ("en-US", Language.EN),
        ("en-GB", Language.EN),
        ("fr-FR", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_locales_map_to_a_language_or_to_none(
    locale: str | None, expected: Language | None
) -> None:
    assert language_of_locale(locale) is expected


def test_a_lazy_message_fills_its_placeholders_when_rendered() -> None:
    message = _("Your streak: {days}", days=3)
    assert translator(Language.EN)(message) == "Your streak: 3"
    assert str(message) == "Your streak: 3"


def test_plural_forms_follow_the_count_in_english() -> None:
    t = translator(Language.EN)
    one = n_("{count} answer", "{count} answers", 1, count=1)
    many = n_("{count} answer", "{count} answers", 5, count=5)
    assert (t(one), t(many)) == ("1 answer", "5 answers")


def test_numbers_and_dates_are_formatted_for_the_language() -> None:
    en, zh = translator(Language.EN), translator(Language.ZH)
    assert en.number(12345) == "12,345"
    assert en.number(2.5, digits=1) == "2.5"
    assert en.date(date(2026, 12, 1)) == "Dec 1, 2026"
    assert zh.date(date(2026, 12, 1)) == "2026年12月1日"


def test_an_unsupported_language_reads_english() -> None:
    assert translator("fr").language is Language.EN


@pytest.mark.parametrize("language", list(Language))
def test_small_whole_numbers_read_as_babel_writes_them(language: Language) -> None:
    from babel.numbers import format_decimal

    t = translator(language)
    for value in (0, 1, 9, 10, 99, 100, 999, 1000, 1001, 12345, 1234567):
        assert t.number(value) == format_decimal(value, format="#,##0", locale=language.catalog)
