"""The stats picture: a real PNG, small, opaque, readable, and it changes with the data."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta

import pytest
from PIL import Image, ImageChops

from scalebot.domain.progress import Progress, TopicCoverage, heatmap_start
from scalebot.domain.topics import TOPIC_TITLES
from scalebot.locales import ENGLISH, Language, translator
from scalebot.pictures import progress as picture
from scalebot.pictures.fonts import CJK_FONTS, first_existing, fonts_for
from scalebot.pictures.progress import draw_progress

TODAY = date(2026, 12, 1)
MAX_BYTES = 200 * 1024


def practice(answered_every: int = 2, score: int = 80, current: int = 3) -> Progress:
    """Weekday rounds for 26 weeks, every `answered_every`-th one answered."""
    start = heatmap_start(TODAY)
    days = [start + timedelta(days=n) for n in range((TODAY - start).days + 1)]
    held = [day for day in days if day.weekday() < 5]
    best = dict.fromkeys(held[::answered_every], score)
    topics = tuple(
        TopicCoverage(topic, 1, 0.5 if n % 2 else None) for n, topic in enumerate(TOPIC_TITLES)
    )
    return Progress(TODAY, frozenset(held), best, current, 9, topics)


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_the_picture_is_a_png_under_200_kb() -> None:
    png = draw_progress(practice(), ENGLISH)
    image = decoded(png)
    assert image.format == "PNG"
    assert len(png) < MAX_BYTES
    assert image.size[0] == picture.WIDTH * picture.SCALE
    assert 300 * picture.SCALE < image.size[1] < 700 * picture.SCALE


def test_the_picture_is_opaque_so_dark_and_light_clients_show_the_same_card() -> None:
    image = decoded(draw_progress(practice(), ENGLISH)).convert("RGBA")
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (255, 255)


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two sRGB colours."""

    def luminance(colour: tuple[int, int, int]) -> float:
        linear = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in linear]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_and_cells_stand_out_from_the_card() -> None:
    assert contrast(picture.TEXT, picture.BACKGROUND) >= 7
    assert contrast(picture.MUTED, picture.BACKGROUND) >= 4.5
    colours = list(picture.CELL_COLOURS.values())
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize(
    "changed",
    [practice(answered_every=3), practice(score=30), practice(current=12)],
    ids=["fewer answers", "lower scores", "longer streak"],
)
def test_the_picture_changes_with_the_data(changed: Progress) -> None:
    before = decoded(draw_progress(practice(), ENGLISH)).convert("RGB")
    after = decoded(draw_progress(changed, ENGLISH)).convert("RGB")
    assert before.size == after.size
    assert ImageChops.difference(before, after).getbbox() is not None


def test_the_same_data_draws_the_same_picture() -> None:
    assert draw_progress(practice(), ENGLISH) == draw_progress(practice(), ENGLISH)


def test_chinese_labels_need_a_cjk_font_or_fall_back_to_english() -> None:
    chinese = translator(Language.ZH)
    assert fonts_for(chinese, cjk_candidates=()).labels is ENGLISH
    assert fonts_for(ENGLISH).labels is ENGLISH
    found = first_existing(CJK_FONTS)
    if found is not None:
        assert fonts_for(chinese).labels is chinese
        assert fonts_for(chinese).regular_path == found


def test_a_chinese_picture_draws_with_or_without_a_cjk_font() -> None:
    png = draw_progress(practice(), translator(Language.ZH))
    assert len(png) < MAX_BYTES
    assert decoded(png).size[0] == picture.WIDTH * picture.SCALE
    english = draw_progress(practice(), ENGLISH)
    # Month and weekday names are Chinese only when a font can write them.
    assert (png != english) == (first_existing(CJK_FONTS) is not None)


def test_importing_the_services_and_cli_does_not_load_the_imaging_library() -> None:
    code = (
        "import sys, scalebot.cli, scalebot.app, scalebot.services.commands, "
        "scalebot.services.stats, scalebot.platforms.console; "
        "print(sorted(m for m in sys.modules if m == 'PIL' or m.startswith(('PIL.', "
        "'scalebot.pictures'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
