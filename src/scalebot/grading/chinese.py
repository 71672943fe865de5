"""Chinese text: segmentation (rjieba), traditional to simplified (OpenCC) and punctuation."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import opencc
import rjieba

# CJK unified ideographs, extension A and the compatibility block, as a character class body.
CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{CJK_RANGES}]")
# Full-width punctuation that NFKC would fold into ASCII: kept, so Chinese prose stays prose.
PUNCTUATION = frozenset("，。！？；：、（）【】《》“”‘’…—～·「」『』")


def has_cjk(text: str) -> bool:
    """Tell whether text holds any Chinese character."""
    return not text.isascii() and _CJK.search(text) is not None


def cjk_share(text: str) -> float:
    """The share of Chinese characters among the letters, digits and ideographs of a text."""
    cjk = len(_CJK.findall(text))
    other = sum(1 for ch in text if ch.isalnum()) - cjk
    return cjk / max(1, cjk + other)


@cache
def _converter() -> opencc.OpenCC:
    """Traditional (Taiwan and Hong Kong phrasing too) to mainland simplified."""
    return opencc.OpenCC("tw2sp")


@cache
def _traditional() -> frozenset[str]:
    """Characters OpenCC writes otherwise in simplified (each converted alone, once)."""
    characters = [chr(code) for low, high in _CJK_BLOCKS for code in range(low, high + 1)]
    converted = str(_converter().convert("\n".join(characters))).split("\n")
    return frozenset(ch for ch, out in zip(characters, converted, strict=True) if out != ch)


_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def simplified(text: str) -> str:
    """Write traditional Chinese in simplified characters (text without any is returned as is)."""
    if not has_cjk(text) or _traditional().isdisjoint(text):
        return text
    return str(_converter().convert(text))


@lru_cache(maxsize=16384)
def segment(run: str) -> tuple[tuple[str, int], ...]:
    """Split a run of Chinese characters into words, each with its offset in the run."""
    return tuple((word, start) for word, start, _ in rjieba.tokenize(run))


@lru_cache(maxsize=16384)
def segment_apart(run: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The words of a run of Chinese characters, and apart from them their offsets."""
    found = segment(run)
    return tuple(word for word, _ in found), tuple(start for _, start in found)
