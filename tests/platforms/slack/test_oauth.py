"""Multi-workspace: the OAuth install flow on our database, then each workspace on its own token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table

from scalebot.db.models import Base
from scalebot.domain.refs import ChannelRef
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.platforms.slack.oauth import authorization_url
from scalebot.services import channels, rounds
from scalebot.services.context import AppContext
from tests.platforms.slack.conftest import ADMIN, CHANNEL, SlackBot, config_for, start_bot
from tests.platforms.slack.fake_slack import FakeSlack

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "abcdef0123456789abcdef0123456789"
TEAM_TWO = "T2"
TOKEN_TWO = "xoxb-2-second-workspace"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# slack_sdk's oauth.v2.access call still uses aiohttp.BasicAuth.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


def _shape(table: Table) -> tuple[object, ...]:
    """What must match for slack_sdk's queries to work on our table."""
    columns = [(c.name, str(c.type), c.nullable, c.primary_key) for c in table.columns]
    indexes = sorted((i.name, tuple(c.name for c in i.columns)) for i in table.indexes)
    return tuple(columns), tuple(indexes)


def test_our_tables_match_what_slack_sdk_builds() -> None:
    theirs = MetaData()
    built = [
        SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states"),
    ]
    for table in built:
        assert _shape(Base.metadata.tables[table.name]) == _shape(table)


def test_authorization_url_follows_the_api_deployment() -> None:
    assert authorization_url("https://slack.com/api/") is None
    assert authorization_url("https://slack-gov.com/api/") == (
        "https://slack-gov.com/oauth/v2/authorize"
    )


@pytest.fixture
async def multi(ctx: AppContext, fake_slack: FakeSlack) -> AsyncIterator[SlackBot]:
    """HTTP mode with the install flow and no single bot token."""
    config = config_for(
        fake_slack, bot_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    fake_slack.teams_by_token[TOKEN_TWO] = TEAM_TWO
    fake_slack.oauth_grants["code-two"] = {
        "app_id": "A1",
        "authed_user": {"id": ADMIN},
        "scope": "commands,chat:write",
        "token_type": "bot",
        "access_token": TOKEN_TWO,
        "bot_user_id": "UBOT2",
        "team": {"id": TEAM_TWO, "name": "Second"},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    bot = await start_bot(ctx, fake_slack, config)
    try:
        yield bot
    finally:
        await bot.session.close()
        await bot.adapter.stop()


async def install(bot: SlackBot, *, code: str = "code-two", state: str | None = None) -> int:
    """Walk the install flow like a browser: /slack/install, then Slack's redirect back."""
    async with bot.session.get(f"{bot.url}/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    issued = re.search(r"state=([\w-]+)", html)
    assert issued is not None
    assert f"{bot.fake.url}oauth/v2/authorize?" in html
    params = {"code": code, "state": state or issued.group(1)}
    async with bot.session.get(
        f"{bot.url}/slack/oauth_redirect", params=params, headers={"Cookie": cookie}
    ) as done:
        return done.status


async def test_install_stores_the_workspace_and_serves_it_with_its_token(multi: SlackBot) -> None:
    assert await install(multi) == 200
    store = multi.adapter.app.installation_store
    assert store is not None
    bot = await store.async_find_bot(enterprise_id=None, team_id=TEAM_TWO)
    assert bot is not None
    assert bot.bot_token == TOKEN_TWO
    await multi.command("admin setup 09:00 UTC", user=ADMIN, team=TEAM_TWO)
    await multi.command("admin post-now", user=ADMIN, team=TEAM_TWO)
    assert multi.last_reply()["text"] == "Posted today's round."
    (post,) = multi.fake.calls_to("chat.postMessage")
    assert post.token == TOKEN_TWO
    assert {c.token for c in multi.fake.calls_to("users.info")} == {TOKEN_TWO}


async def test_a_forged_state_installs_nothing(multi: SlackBot) -> None:
    status = await install(multi, state="forged")
    assert status != 200
    store = multi.adapter.app.installation_store
    assert store is not None
    assert await store.async_find_bot(enterprise_id=None, team_id=TEAM_TWO) is None
    assert multi.fake.calls_to("oauth.v2.access") == []


async def test_requests_from_a_workspace_without_an_install_do_nothing(multi: SlackBot) -> None:
    await multi.command("admin setup 09:00 UTC", user=ADMIN, team="T9")
    other = ChannelRef("slack", "T9", CHANNEL)
    assert await channels.get_channel(multi.ctx, channel=other) is None
    assert multi.fake.calls_to("users.info") == []


async def test_posting_to_a_workspace_that_uninstalled_pauses_it(multi: SlackBot) -> None:
    gone = ChannelRef("slack", "T9", CHANNEL)
    schedule = Schedule(parse_time("09:00"), Days.DAILY, "UTC")
    info = await channels.enroll_channel(multi.ctx, channel=gone, schedule=schedule, now=NOW)
    outcome = await rounds.post_round(multi.ctx, channel_id=info.id, now=NOW)
    assert outcome.status is PostStatus.FAILED
    paused = await channels.get_channel(multi.ctx, channel=gone)
    assert paused is not None
    assert not paused.active
    assert "not installed" in (paused.state_reason or "")
