"""The round lifecycle words and the retake rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scalebot.domain.rounds import ChannelState, RoundStatus, may_claim

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


def test_a_failed_round_waits_for_its_retry_time_unless_asked_by_hand() -> None:
    retry_at = NOW + timedelta(minutes=1)
    assert not may_claim(RoundStatus.FAILED, retry_at, NOW, manual=False)
    assert may_claim(RoundStatus.FAILED, retry_at, NOW, manual=True)
    assert may_claim(RoundStatus.FAILED, NOW, NOW, manual=False)


def test_an_unsettled_claim_is_taken_over_only_once_its_lease_ran_out() -> None:
    for status in (RoundStatus.CLAIMED, RoundStatus.SENDING, RoundStatus.UNKNOWN):
        assert not may_claim(status, NOW + timedelta(seconds=1), NOW, manual=True)
        assert may_claim(status, NOW, NOW, manual=False)


def test_posted_and_closed_rounds_are_never_retaken() -> None:
    old = NOW - timedelta(days=1)
    for status in (RoundStatus.POSTED, RoundStatus.CLOSED):
        assert not may_claim(status, old, NOW, manual=True)
        assert not may_claim(status, None, NOW, manual=True)
