"""The catalogs: complete, placeholders kept, compiled and extracted from the current source."""

from __future__ import annotations

import gettext

import pytest

from scalebot.locales import Language, _, n_, translator
from scalebot.locales.catalogs import (
    TEMPLATE,
    compiled,
    extract,
    mo_path,
    msgids,
    placeholder_mismatches,
    placeholders,
    po_path,
    read,
    translated_languages,
    untranslated,
)

LANGUAGES = translated_languages()
FIX = "run `scalebot catalogs` (or `./bot catalogs`) and commit the catalogs"


@pytest.fixture(scope="module")
def source_msgids() -> set[str]:
    """What extraction finds in the package's source right now."""
    return msgids(extract())


def test_the_pot_holds_every_message_the_source_marks(source_msgids: set[str]) -> None:
    template = msgids(read(TEMPLATE))
    assert sorted(source_msgids - template) == [], f"messages not in the .pot: {FIX}"
    assert sorted(template - source_msgids) == [], f"the .pot keeps removed messages: {FIX}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_po_holds_exactly_the_templates_messages(language: Language) -> None:
    assert msgids(read(po_path(language), language)) == msgids(read(TEMPLATE)), FIX


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: Language) -> None:
    missing = untranslated(read(po_path(language), language))
    assert missing == [], f"translate these in {po_path(language).name}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: Language) -> None:
    assert placeholder_mismatches(read(po_path(language), language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mo_is_compiled_from_the_current_po(language: Language) -> None:
    assert mo_path(language).read_bytes() == compiled(read(po_path(language), language)), FIX


def test_chinese_has_the_one_plural_form_gettext_expects() -> None:
    catalog = read(po_path(Language.ZH), Language.ZH)
    assert catalog.num_plurals == 1
    with mo_path(Language.ZH).open("rb") as handle:
        compiled_catalog = gettext.GNUTranslations(handle)
    assert (
        compiled_catalog.ngettext("Your data: {count} answer", "x", 5) == "你的数据：{count} 条回答"
    )


def test_placeholders_are_the_names_format_fills() -> None:
    assert placeholders("{count} answers, {{literal}}, {score:.0f}") == {"count", "score"}


def test_a_shipped_message_reads_in_chinese() -> None:
    message = _("Unknown command '{name}': try /scale help.", name="todya")
    assert translator(Language.ZH)(message) == "未知命令“todya”：试试 /scale help。"
    assert translator(Language.EN)(message) == "Unknown command 'todya': try /scale help."


def test_chinese_plurals_use_the_one_form_for_every_count() -> None:
    zh = translator(Language.ZH)
    one = n_("Your data: {count} answer", "Your data: {count} answers", 1, count=1)
    many = n_("Your data: {count} answer", "Your data: {count} answers", 1200, count=1200)
    assert (zh(one), zh(many)) == ("你的数据：1 条回答", "你的数据：1,200 条回答")


def test_nested_messages_and_dates_render_for_the_reader() -> None:
    from datetime import date

    when = _("{time} {zone}, weekdays", time="09:00", zone="UTC")
    message = _("Resumed: a question at {when}.", when=when)
    assert translator(Language.ZH)(message) == "已恢复：出题时间为 09:00 UTC，工作日。"
    assert translator(Language.EN)(_("{when}", when=date(2026, 12, 1))) == "Dec 1, 2026"
