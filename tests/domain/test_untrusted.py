"""Untrusted text and ids: what survives cleaning."""

from __future__ import annotations

import pytest

from scalebot.domain.untrusted import MAX_ID, clean_text, parse_id, public_name


def test_clean_text_keeps_tabs_newlines_and_unicode() -> None:
    assert clean_text("a\tb\r\nc\rd\u2028e\x00\x7f\x9f 中文 🚀") == "a\tb\nc\nd\ne 中文 🚀"


def test_public_name_is_cut_with_a_marker() -> None:
    name = public_name("x" * 200)
    assert len(name) == 80
    assert name.endswith("…")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        (7, 7),
        (str(MAX_ID), MAX_ID),
        ("0", None),
        ("-1", None),
        (str(MAX_ID + 1), None),
        ("9" * 30, None),
        ("１２", None),
        ("1e3", None),
        ("", None),
        (True, None),
        (None, None),
        (2**70, None),
    ],
)
def test_parse_id_takes_only_ids_a_database_can_hold(raw: object, expected: int | None) -> None:
    assert parse_id(raw) == expected
