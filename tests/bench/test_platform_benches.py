"""The fan-out and ack benches run at a tiny size, on both databases, and end with their JSON."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from scalebot.bench.limits import SlidingWindow, admit_all
from scalebot.cli import app
from tests.bench.conftest import run_bench

FANOUT_KEYS = {"platform", "channels", "seconds", "ideal_seconds", "ratio", "duplicates", "missed"}


@pytest.mark.parametrize(
    ("platform", "requests"), [("discord", 2 * 12), ("slack", 12), ("noop", 12)]
)
def test_fanout_posts_every_channel_once(
    bench_url: str | None, platform: str, requests: int
) -> None:
    result = run_bench(
        "fanout", "--platform", platform, "--channels", "12", "--workspaces", "3", url=bench_url
    )
    assert set(result) >= FANOUT_KEYS
    assert (result["platform"], result["channels"]) == (platform, 12)
    assert (result["duplicates"], result["missed"]) == (0, 0)
    assert result["misses"] == []
    assert result["requests"] == requests  # Discord: the post and its thread
    if platform == "noop":
        assert result["ratio"] is None
    else:
        assert result["ideal_seconds"] > 0
        assert result["ratio"] == pytest.approx(result["seconds"] / result["ideal_seconds"], 0.01)


def test_fanout_refuses_an_unknown_platform() -> None:
    result = CliRunner().invoke(app, ["bench", "fanout", "--platform", "irc"])
    assert result.exit_code == 2
    assert "--platform must be one of discord, slack, noop" in result.output


def test_ack_does_not_wait_for_a_slow_grader(bench_url: str | None) -> None:
    result = run_bench("ack", "--concurrency", "4", "--grader-seconds", "2", url=bench_url)
    assert set(result) >= {"concurrency", "p99_ms"}
    assert result["concurrency"] == 4
    assert result["answered"] == 4  # every member got real feedback, after the grader's wait
    assert result["p99_ms"] < 2000  # … but Slack had its ack before the grader finished


def test_the_fakes_window_refuses_the_request_over_the_limit() -> None:
    now = [0.0]
    window = SlidingWindow(2, 1.0, clock=lambda: now[0])
    assert [window.admit(), window.admit()] == [0.0, 0.0]
    assert window.admit() == pytest.approx(1.0)
    now[0] = 1.0
    assert window.admit() == 0.0
    assert window.refused == 1


def test_a_request_counts_against_every_window_or_none() -> None:
    now = [0.0]
    channel = SlidingWindow(1, 1.0, clock=lambda: now[0])
    workspace = SlidingWindow(5, 1.0, clock=lambda: now[0])
    assert admit_all(channel, workspace) == 0.0
    assert admit_all(channel, workspace) > 0  # the channel's second post is refused …
    # … and did not use up the workspace's budget: four of its five are left.
    assert [workspace.admit() for _ in range(4)] == [0.0] * 4
    assert workspace.admit() > 0
