"""Time drawing the stats picture for a member who practised every day of the 26 weeks."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from scalebot.domain.progress import Progress, TopicCoverage, heatmap_start
from scalebot.domain.topics import TOPIC_TITLES
from scalebot.locales import Language, translator
from scalebot.pictures.fonts import CJK_FONTS, first_existing
from scalebot.pictures.progress import draw_progress


def busy_progress(today: date, *, seed: int = 13) -> Progress:
    """A round every day, nearly all answered with scores all over the range (the most detail)."""
    rng = random.Random(seed)
    start = heatmap_start(today)
    days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    best = {day: rng.randint(0, 100) for day in days if rng.random() < 0.9}
    topics = tuple(TopicCoverage(topic, 5, rng.random()) for topic in TOPIC_TITLES)
    return Progress(today, frozenset(days), best, 42, 97, topics)


def bench_picture(*, runs: int) -> dict[str, Any]:
    """Draw the busy picture `runs` times per language; median and slowest time, bytes."""
    progress = busy_progress(date(2026, 12, 1))
    result: dict[str, Any] = {"runs": runs, "cjk_font": first_existing(CJK_FONTS)}
    for language in Language:
        t = translator(language)
        draw_progress(progress, t)  # fonts and locale data load once, as in a running bot
        times, size = [], 0
        for _run in range(runs):
            started = time.perf_counter()
            size = len(draw_progress(progress, t))
            times.append((time.perf_counter() - started) * 1000)
        result[language.value] = {
            "bytes": size,
            "p50_ms": statistics.median(times),
            "max_ms": max(times),
        }
    return result
