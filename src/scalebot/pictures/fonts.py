"""Fonts for the pictures: a CJK-capable one for Chinese labels when the machine has one.

The Docker image installs WenQuanYi Micro Hei (fonts-wqy-microhei). Where no CJK font is found,
a Chinese reader's picture is labelled in English (the reply text beside it is still Chinese),
since missing glyphs would draw as empty boxes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from scalebot.locales import ENGLISH, Language, Translator

CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
LATIN_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
LATIN_BOLD_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def first_existing(candidates: Iterable[str]) -> str | None:
    """The first font file among `candidates` that exists, or None."""
    return next((path for path in candidates if Path(path).is_file()), None)


@dataclass(frozen=True)
class FontSet:
    """Regular and bold faces at any size, and the translator the labels can be written in."""

    regular_path: str | None
    bold_path: str | None
    labels: Translator

    def regular(self, size: int) -> Font:
        """The regular face at `size` pixels."""
        return _load(self.regular_path, size)

    def bold(self, size: int) -> Font:
        """The bold face at `size` pixels (the regular one when there is no bold)."""
        return _load(self.bold_path or self.regular_path, size)


def fonts_for(t: Translator, *, cjk_candidates: Iterable[str] = CJK_FONTS) -> FontSet:
    """Fonts that can write the reader's language, or English labels when none can."""
    latin, latin_bold = first_existing(LATIN_FONTS), first_existing(LATIN_BOLD_FONTS)
    if t.language is not Language.ZH:
        return FontSet(latin, latin_bold, t)
    cjk = first_existing(cjk_candidates)
    if cjk is None:
        return FontSet(latin, latin_bold, ENGLISH)
    return FontSet(cjk, None, t)


@cache
def _load(path: str | None, size: int) -> Font:
    """A font file at a size; Pillow's own font (Latin only) when there is no file."""
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)
