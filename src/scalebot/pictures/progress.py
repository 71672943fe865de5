"""Draw the stats picture: a 26-week heatmap of answered rounds, streaks and topic coverage.

An opaque dark card with light text reads the same in dark and light clients; every label is
written through the reader's translator (see fonts.py for Chinese without a CJK font).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import timedelta

from PIL import Image, ImageDraw

from scalebot.domain.progress import HEATMAP_WEEKS, DayMark, Progress, TopicCoverage
from scalebot.domain.topics import topic_title
from scalebot.locales import Translator, _, n_
from scalebot.pictures.fonts import Font, FontSet, fonts_for

SCALE = 2  # drawn at twice the layout size, sharp on high-density screens
WIDTH = 760
PAD = 24
CELL, GAP = 15, 3
GRID_LEFT = PAD + 40
GRID_TOP = 86
TOPICS_TOP = 268
TOPIC_ROW = 24
BACKGROUND = (30, 34, 42)
BORDER = (84, 92, 108)
TEXT = (236, 239, 244)
MUTED = (165, 173, 187)
TRACK = (48, 54, 66)
BAR = (64, 196, 140)
CELL_COLOURS = {
    DayMark.NO_ROUND: (44, 50, 61),
    DayMark.MISSED: (110, 60, 68),
    DayMark.LOW: (14, 82, 48),
    DayMark.FAIR: (0, 122, 58),
    DayMark.GOOD: (38, 166, 65),
    DayMark.STRONG: (87, 221, 108),
}
# Services draw in worker threads; the cached FreeType faces must not be used by two at once.
_DRAWING = threading.Lock()
LEGEND = (
    (DayMark.NO_ROUND, _("no round")),
    (DayMark.MISSED, _("missed")),
    (DayMark.LOW, _("under 40")),
    (DayMark.FAIR, _("40–69")),
    (DayMark.GOOD, _("70–89")),
    (DayMark.STRONG, _("90+")),
)


def draw_progress(progress: Progress, t: Translator) -> bytes:
    """The stats picture as PNG bytes, labelled for the reader."""
    with _DRAWING:
        return _draw(progress, t)


def _draw(progress: Progress, t: Translator) -> bytes:
    """Draw and encode the picture (one at a time)."""
    fonts = fonts_for(t)
    rows = (len(progress.topics) + 1) // 2
    height = TOPICS_TOP + 30 + rows * TOPIC_ROW + PAD
    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), BACKGROUND)
    canvas = _Canvas(ImageDraw.Draw(image), fonts)
    canvas.card(height)
    canvas.header(progress)
    canvas.heatmap(progress)
    canvas.legend()
    canvas.streaks(progress)
    canvas.topics(progress.topics)
    buffer = io.BytesIO()
    # A 128-colour palette keeps the file small (tens of KB) and the encoding fast.
    image.quantize(colors=128, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return buffer.getvalue()


def _px(value: float) -> int:
    return round(value * SCALE)


class _Canvas:
    """Drawing in layout units (multiplied by SCALE), text through the label translator."""

    def __init__(self, draw: ImageDraw.ImageDraw, fonts: FontSet) -> None:
        self.draw, self.fonts, self.t = draw, fonts, fonts.labels

    def text(
        self, xy: tuple[float, float], text: str, font: Font, fill: tuple[int, int, int]
    ) -> None:
        self.draw.text((_px(xy[0]), _px(xy[1])), text, font=font, fill=fill)

    def width(self, text: str, font: Font) -> float:
        return self.draw.textlength(text, font=font) / SCALE

    def box(
        self, left: float, top: float, size: tuple[float, float], fill: tuple[int, int, int]
    ) -> None:
        right, bottom = left + size[0], top + size[1]
        self.draw.rounded_rectangle(
            (_px(left), _px(top), _px(right) - 1, _px(bottom) - 1), radius=_px(3), fill=fill
        )

    def card(self, height: int) -> None:
        """A visible edge, so the card stands out on a dark client too."""
        self.draw.rounded_rectangle(
            (0, 0, _px(WIDTH) - 1, _px(height) - 1), radius=_px(10), outline=BORDER, width=_px(1)
        )

    def header(self, progress: Progress) -> None:
        self.text((PAD, PAD - 4), self.t(_("Your practice")), self.fonts.bold(_px(20)), fill=TEXT)
        summary = _(
            "Last {weeks} weeks: {answered} of {rounds} rounds answered",
            weeks=HEATMAP_WEEKS,
            answered=progress.answered,
            rounds=progress.rounds,
        )
        self.text((PAD, PAD + 24), self.t(summary), self.fonts.regular(_px(13)), fill=MUTED)

    def heatmap(self, progress: Progress) -> None:
        """One column per week (Monday on top), one cell per day up to today."""
        small = self.fonts.regular(_px(11))
        for row, weekday in ((0, 0), (2, 2), (4, 4)):
            label = self.t.date(progress.first_day + timedelta(days=weekday), style="EEE")
            self.text((PAD, GRID_TOP + row * (CELL + GAP)), label, small, fill=MUTED)
        previous_month = 0
        for week in range(HEATMAP_WEEKS):
            monday = progress.first_day + timedelta(weeks=week)
            left = GRID_LEFT + week * (CELL + GAP)
            if monday.month != previous_month and week < HEATMAP_WEEKS - 1:
                month = self.t.date(monday, style="MMM")
                self.text((left, GRID_TOP - 18), month, small, fill=MUTED)
                previous_month = monday.month
            for weekday in range(7):
                day = monday + timedelta(days=weekday)
                if day > progress.today:
                    break
                colour = CELL_COLOURS[progress.mark(day)]
                self.box(left, GRID_TOP + weekday * (CELL + GAP), (CELL, CELL), colour)

    def legend(self) -> None:
        font = self.fonts.regular(_px(11))
        left: float = GRID_LEFT
        top = GRID_TOP + 7 * (CELL + GAP) + 10
        for mark, label in LEGEND:
            self.box(left, top, (11, 11), CELL_COLOURS[mark])
            text = self.t(label)
            self.text((left + 15, top - 1), text, font, fill=MUTED)
            left += 15 + self.width(text, font) + 14

    def streaks(self, progress: Progress) -> None:
        left = GRID_LEFT + HEATMAP_WEEKS * (CELL + GAP) + 28
        figures = (
            (_("Current streak"), progress.current_streak),
            (_("Longest streak"), progress.longest_streak),
        )
        for index, (label, value) in enumerate(figures):
            top = GRID_TOP - 18 + index * 78
            self.text((left, top), self.t(label), self.fonts.regular(_px(13)), fill=MUTED)
            number = self.t.number(value)
            self.text((left, top + 18), number, self.fonts.bold(_px(34)), fill=TEXT)
            unit = self.t(n_("round", "rounds", value))
            beside = left + self.width(number, self.fonts.bold(_px(34))) + 8
            self.text((beside, top + 36), unit, self.fonts.regular(_px(13)), fill=MUTED)

    def topics(self, topics: tuple[TopicCoverage, ...]) -> None:
        """Two columns of bars: the share of each topic's rubrics covered."""
        title = self.t(_("Topic coverage (rubric weight you covered)"))
        self.text((PAD, TOPICS_TOP - 4), title, self.fonts.bold(_px(14)), fill=TEXT)
        rows = (len(topics) + 1) // 2
        for index, coverage in enumerate(topics):
            column, row = divmod(index, rows)
            left = PAD + column * ((WIDTH - 2 * PAD) / 2 + 8)
            self.topic_row(left, TOPICS_TOP + 28 + row * TOPIC_ROW, coverage)

    def topic_row(self, left: float, top: float, coverage: TopicCoverage) -> None:
        font = self.fonts.regular(_px(12))
        name = _fit(self.t(topic_title(coverage.topic)), 150, lambda s: self.width(s, font))
        self.text((left, top), name, font, fill=TEXT)
        bar_left, bar_width = left + 158, 150
        self.box(bar_left, top + 3, (bar_width, 10), TRACK)
        if coverage.covered:
            self.box(bar_left, top + 3, (max(bar_width * coverage.covered, 4), 10), BAR)
        share = "—" if coverage.covered is None else f"{round(coverage.covered * 100)}%"
        self.text((bar_left + bar_width + 8, top), share, font, fill=MUTED)


def _fit(text: str, room: float, measure: Callable[[str], float]) -> str:
    """Cut text with an ellipsis until it fits in `room` layout units."""
    if measure(text) <= room:
        return text
    while text and measure(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"
