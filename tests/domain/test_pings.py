"""Which texts name a role or user group to ping, and why others do not."""

from __future__ import annotations

import pytest

from scalebot.domain.pings import PingProblem, parse_ping

GUILD = "100000000000000001"


@pytest.mark.parametrize(
    ("platform", "text", "expected"),
    [
        ("slack", "<!subteam^S0ENG42|@eng>", "S0ENG42"),
        ("slack", "<!subteam^S0ENG42>", "S0ENG42"),
        ("slack", "<!here>", PingProblem.EVERYONE),
        ("slack", "<!channel|@channel>", PingProblem.EVERYONE),
        ("slack", "@everyone", PingProblem.EVERYONE),
        ("slack", "<@U123|ada>", PingProblem.MEMBER),
        ("slack", "@eng", PingProblem.NOT_A_GROUP),
        ("slack", "<!subteam^S1>x", PingProblem.NOT_A_GROUP),
        ("discord", "<@&300000000000000001>", "300000000000000001"),
        ("discord", f"<@&{GUILD}>", PingProblem.EVERYONE),  # the @everyone role
        ("discord", "@here", PingProblem.EVERYONE),
        ("discord", "<@!500000000000000001>", PingProblem.MEMBER),
        ("discord", "reviewers", PingProblem.NOT_A_GROUP),
        ("console", "@reviewers", "reviewers"),
        ("console", "@Everyone", PingProblem.EVERYONE),
        ("console", "reviewers", PingProblem.NOT_A_GROUP),
    ],
)
def test_parse_ping(platform: str, text: str, expected: str | PingProblem) -> None:
    assert parse_ping(platform, text, workspace_id=GUILD) == expected
