"""Cutting text for display never splits what a reader sees as one character."""

from __future__ import annotations

import pytest

from scalebot.domain.text import boundary_before, clip, cut, is_boundary

# Each is one character on screen, several code points in Python.
CLUSTERS = [
    "e\u0301",  # e + combining acute
    "👩‍💻",  # woman, zero-width joiner, laptop
    "❄️",  # snowflake + variation selector
    "👍🏽",  # thumbs up + skin tone
    "🇨🇳",  # two regional indicators
]


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_no_cut_falls_inside_a_character(cluster: str) -> None:
    text = "中文" + cluster + "结尾"
    for limit in range(len(text) + 1):
        piece = cut(text, limit)
        assert len(piece) <= limit
        assert text.startswith(piece)
        assert piece.endswith(("中", "文", cluster, "结", "尾")) or piece == ""


def test_chinese_characters_cut_one_by_one() -> None:
    assert cut("扩展你的模型", 3) == "扩展你"
    assert clip("扩展你的机器学习模型", 6) == "扩展你的机…"
    assert clip("短", 6) == "短"


def test_an_unjoined_surrogate_pair_stays_together() -> None:
    text = "ab\ud83d\ude00cd"  # as decoded with surrogatepass
    assert not is_boundary(text, 3)
    assert boundary_before(text, 3) == 2


def test_crlf_stays_together() -> None:
    assert not is_boundary("a\r\nb", 2)
