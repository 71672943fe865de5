"""`scalebot bench picture` runs and reports the busiest stats picture's size per language."""

from __future__ import annotations

from scalebot.bench.picture import bench_picture


def test_picture_bench_reports_each_language_under_200_kb() -> None:
    result = bench_picture(runs=1)
    for language in ("en", "zh"):
        assert 0 < result[language]["bytes"] < 200 * 1024
        assert result[language]["p50_ms"] > 0
