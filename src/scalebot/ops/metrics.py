"""The Prometheus metrics every layer may count into; served at /metrics."""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created series double the scrape

POSTS = Counter("scalebot_posts", "Round posts by outcome.", ["outcome"])
ANSWERS = Counter("scalebot_answers", "Answers graded, by what happened to them.", ["result"])
GRADING_SECONDS = Histogram(
    "scalebot_grading_seconds",
    "Seconds spent grading one answer.",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10),
)
PLATFORM_ERRORS = Counter(
    "scalebot_platform_errors", "Errors the platforms answered, by code.", ["platform", "code"]
)
RATE_LIMIT_WAITS = Counter(
    "scalebot_rate_limit_waits", "Times the bot waited for a platform's rate limit.", ["platform"]
)
CLAIMS_AWAITING = Gauge(
    "scalebot_claims_awaiting_resolution",
    "Rounds claimed, sending or of unknown outcome (the watchdog settles them).",
)
HEALTHY = Gauge("scalebot_healthy", "1 when the last health check passed, per part.", ["check"])


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus' text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
