"""The delivery and shutdown settings: defaults, limits, and what they build."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from scalebot.app import delivery_policy
from scalebot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SCALEBOT_* variables or .env file from the developer's machine."""
    for name in list(os.environ):
        if name.startswith("SCALEBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_resolve_an_expired_claim_within_two_minutes() -> None:
    policy = delivery_policy(load_settings())
    assert policy.lease + policy.watchdog_every <= timedelta(minutes=2)
    assert policy.post_timeout < policy.lease
    assert load_settings().shutdown_grace == 10


def test_settings_shape_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEBOT_DELIVERY_LEASE", "6")
    monkeypatch.setenv("SCALEBOT_DELIVERY_POST_TIMEOUT", "2")
    monkeypatch.setenv("SCALEBOT_DELIVERY_WATCHDOG_INTERVAL", "1.5")
    monkeypatch.setenv("SCALEBOT_DELIVERY_ROUND_JOBS", "3")
    policy = delivery_policy(load_settings())
    assert (policy.lease, policy.post_timeout) == (timedelta(seconds=6), timedelta(seconds=2))
    assert (policy.watchdog_every, policy.round_jobs) == (timedelta(seconds=1.5), 3)
    assert policy.retry_delay(1) < policy.retry_delay(2) <= policy.retry_cap


def test_a_post_timeout_longer_than_the_lease_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALEBOT_DELIVERY_LEASE", "20")
    monkeypatch.setenv("SCALEBOT_DELIVERY_POST_TIMEOUT", "30")
    with pytest.raises(SettingsError, match=r"^SCALEBOT_DELIVERY_POST_TIMEOUT: must be shorter"):
        load_settings()


@pytest.mark.parametrize("name", ["SCALEBOT_SHUTDOWN_GRACE", "SCALEBOT_DELIVERY_ROUND_JOBS"])
def test_zero_is_refused(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "0")
    with pytest.raises(SettingsError, match=f"^{name}: "):
        load_settings()
