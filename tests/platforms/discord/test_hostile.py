"""Hostile gateway events: one that fails to parse is dropped, the connection stays up."""

from __future__ import annotations

import logging

import pytest

from tests.platforms.discord.conftest import Bot
from tests.platforms.discord.fake_discord import APP_ID
from tests.platforms.discord.payloads import interaction, slash
from tests.platforms.discord.test_gateway import live  # noqa: F401  (the fixture)


async def test_an_event_that_fails_to_parse_is_dropped_and_the_next_is_served(
    live: Bot,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad = interaction(2, slash("help"))
    bad["member"]["permissions"] = "not-a-number"
    bad["member"]["user"]["username"] = "secret-payload-text"
    with caplog.at_level(logging.INFO):
        await live.fake.dispatch("INTERACTION_CREATE", bad)
        good = interaction(2, slash("help"))
        await live.fake.dispatch("INTERACTION_CREATE", good)
        sent = await live.fake.wait_for("POST", rf"^/webhooks/{APP_ID}/{good['token']}$")
    assert sent[0].embeds[0]["title"].startswith("scalebot")
    assert live.fake.find("POST", rf"/{bad['token']}") == []
    assert live.adapter._gateway is not None
    assert not live.adapter._gateway.done()
    assert len(live.fake.identified) == 1  # no reconnect either
    dropped = [r for r in caplog.records if "failed to parse" in r.getMessage()]
    assert [r.levelname for r in dropped] == ["WARNING"]
    assert "secret-payload-text" not in caplog.text
