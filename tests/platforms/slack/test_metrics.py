"""Metrics counted through the real paths: posts, answers, grading time, Slack errors, 429s."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.platforms.slack.conftest import ADMIN, SlackBot


def sample(name: str, **labels: str) -> float:
    """The current value of one sample (0 when it was never counted)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_posts_answers_and_grading_are_counted(slack: SlackBot) -> None:
    posted = sample("scalebot_posts_total", outcome="posted")
    exists = sample("scalebot_posts_total", outcome="exists")
    stored = sample("scalebot_answers_total", result="stored")
    graded = sample("scalebot_grading_seconds_count")
    await slack.enroll()
    await slack.command("admin post-now", user=ADMIN)
    await slack.command("answer Shard the store, cache hot reads and queue the writes.")
    assert sample("scalebot_posts_total", outcome="posted") == posted + 1
    assert sample("scalebot_posts_total", outcome="exists") == exists + 1
    assert sample("scalebot_answers_total", result="stored") == stored + 1
    assert sample("scalebot_grading_seconds_count") == graded + 1


async def test_slack_errors_and_rate_limit_waits_are_counted(slack: SlackBot) -> None:
    refused = sample("scalebot_platform_errors_total", platform="slack", code="channel_not_found")
    waits = sample("scalebot_rate_limit_waits_total", platform="slack")
    slack.fake.fail("chat.postMessage", "channel_not_found")
    slack.fake.rate_limit("users.info")
    await slack.enroll()
    assert (
        sample("scalebot_platform_errors_total", platform="slack", code="channel_not_found")
        == refused + 1
    )
    assert sample("scalebot_rate_limit_waits_total", platform="slack") == waits + 1


async def test_the_slack_http_port_serves_metrics(slack: SlackBot) -> None:
    async with slack.session.get(f"{slack.url}/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        assert "scalebot_posts_total" in await response.text()
