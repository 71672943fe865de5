"""Keep the message catalogs in step with the source: extract, update, compile, check (Babel).

`scalebot catalogs` runs what `pybabel extract`, `pybabel update` and `pybabel compile` do,
with the options this project fixes once (no source locations, sorted, unwrapped, a fixed
creation date) so that two engineers adding messages rarely touch the same lines.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from scalebot.locales import DOMAIN, LOCALE_DIR, Language

PACKAGE_DIR = LOCALE_DIR.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "n_": (1, 2)}
METHODS = [("**.py", "python")]
# The .pot's header date stays fixed so an extraction that finds nothing new changes nothing.
CREATION_DATE = datetime(2026, 12, 1, tzinfo=UTC)
HEADER = "# Messages of scalebot, extracted by `scalebot catalogs` (do not edit: run it again)."
_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}")
_WRITE = {"width": 0, "no_location": True, "sort_output": True}


def translated_languages() -> list[Language]:
    """The languages that read from a catalog of their own (English is the source)."""
    return [language for language in Language if language is not Language.EN]


def po_path(language: Language) -> Path:
    """The translator-edited catalog of one language."""
    return LOCALE_DIR / language.catalog / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: Language) -> Path:
    """The compiled catalog gettext reads at run time."""
    return po_path(language).with_suffix(".mo")


def extract() -> Catalog:
    """Every message marked with `_` or `n_` in the package's source."""
    catalog = Catalog(
        project="scalebot", creation_date=CREATION_DATE, fuzzy=False, header_comment=HEADER
    )
    found = extract_from_dir(
        PACKAGE_DIR, METHODS, keywords=KEYWORDS, comment_tags=("Translators:",)
    )
    for _filename, _lineno, message, comments, context in found:
        catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def read(path: Path, language: Language | None = None) -> Catalog:
    """Read a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=language.catalog if language else None)


def _write(path: Path, catalog: Catalog) -> None:
    """Write a catalog the way the project keeps them."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, ignore_obsolete=True, **_WRITE)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalog (untranslated and fuzzy entries left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def refresh() -> dict[Language, int]:
    """Extract the template, merge it into every language's .po and compile each .mo.

    Returns how many messages each language still lacks a translation for.
    """
    template = extract()
    _write(TEMPLATE, template)
    missing: dict[Language, int] = {}
    for language in translated_languages():
        path = po_path(language)
        if path.exists():
            catalog = read(path, language)
        else:
            catalog = Catalog(
                locale=language.catalog,
                project="scalebot",
                creation_date=CREATION_DATE,
                revision_date=CREATION_DATE,
                language_team=f"scalebot {language.catalog}",
                fuzzy=False,
            )
        # No fuzzy matching: a guessed translation of a changed message would ship unread.
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        _write(path, catalog)
        mo_path(language).write_bytes(compiled(catalog))
        missing[language] = len(untranslated(catalog))
    return missing


def messages(catalog: Catalog) -> Iterator[Message]:
    """The catalog's messages, header left out."""
    return (message for message in catalog if message.id)


def msgids(catalog: Catalog) -> set[str]:
    """The singular msgid of every message."""
    return {_singular(message) for message in messages(catalog)}


def untranslated(catalog: Catalog) -> list[str]:
    """Messages without a translation (or only a fuzzy one)."""
    return [
        _singular(message)
        for message in messages(catalog)
        if message.fuzzy or not all(_strings(message.string))
    ]


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """Messages whose translation drops or adds a `{placeholder}`."""
    wrong = []
    for message in messages(catalog):
        source = placeholders(_strings(message.id)[-1])  # the plural form names every one
        if any(placeholders(text) != source for text in _strings(message.string) if text):
            wrong.append(_singular(message))
    return wrong


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders a str.format template fills."""
    return set(_PLACEHOLDER.findall(text))


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple of its forms."""
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def _singular(message: Message) -> str:
    """The singular msgid of a message."""
    return _strings(message.id)[0]
