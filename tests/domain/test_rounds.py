"""The round lifecycle words and the retake rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scalebot.domain.rounds import STALE_CLAIM, ChannelState, RoundStatus, may_retake

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_statuses_are_stored_as_their_existing_strings() -> None:
    assert [s.value for s in RoundStatus] == [
        "claimed",
        "sending",
        "posted",
        "failed",
        "unknown",
        "closed",
    ]
    assert [s.value for s in ChannelState] == ["active", "paused"]


def test_a_failed_round_may_be_retaken_at_once() -> None:
    assert may_retake(RoundStatus.FAILED, NOW, NOW)


def test_a_claim_may_be_retaken_only_once_it_went_stale() -> None:
    assert not may_retake(RoundStatus.CLAIMED, NOW - STALE_CLAIM, NOW)
    assert may_retake(RoundStatus.CLAIMED, NOW - STALE_CLAIM - timedelta(seconds=1), NOW)


def test_posted_and_closed_rounds_are_never_retaken() -> None:
    old = NOW - timedelta(days=1)
    assert not may_retake(RoundStatus.POSTED, old, NOW)
    assert not may_retake(RoundStatus.CLOSED, old, NOW)
