"""Hostile HTTP requests: nothing is acted on before the signature is verified."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from scalebot.domain.refs import ChannelRef
from scalebot.services import channels
from tests.platforms.slack.conftest import ADMIN, CHANNEL, SlackBot
from tests.platforms.slack.fake_slack import TEAM, form
from tests.platforms.slack.test_modal import (
    click_answer,
    opened_view,
    posted_round_id,
    stored_answers,
    submit,
)


class Attacker:
    """A server outside Slack that records every request it gets."""

    def __init__(self) -> None:
        """Record nothing yet."""
        self.hits: list[str] = []
        self.url = ""

    async def _hit(self, request: web.Request) -> web.Response:
        self.hits.append(await request.text())
        return web.Response(text="ok")


@pytest.fixture
async def attacker() -> AsyncIterator[Attacker]:
    """A recording server on localhost (a host that is not Slack's)."""
    found = Attacker()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", found._hit)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    found.url = f"http://localhost:{port}/steal"
    try:
        yield found
    finally:
        await runner.cleanup()


def _bodies(url: str) -> list[tuple[str, str]]:
    """The same command as a form, as JSON and as an interaction payload."""
    command = {
        "command": "/scale",
        "text": "admin setup 09:00 UTC",
        "team_id": TEAM,
        "channel_id": CHANNEL,
        "user_id": ADMIN,
        "trigger_id": "t",
        "response_url": url,
    }
    action = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": ADMIN},
        "channel": {"id": CHANNEL},
        "trigger_id": "t",
        "response_url": url,
        "actions": [{"action_id": "scalebot_answer", "value": "1"}],
    }
    return [
        (form(**command), "application/x-www-form-urlencoded"),
        (json.dumps(command), "application/json"),
        (form(payload=json.dumps(action)), "application/x-www-form-urlencoded"),
    ]


FORGED = [
    {"X-Slack-Request-Timestamp": "x", "X-Slack-Signature": "v0=00"},
    {"X-Slack-Request-Timestamp": "x"},
    {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
    {"X-Slack-Request-Timestamp": "1e3", "X-Slack-Signature": "v0=00"},
    {"X-Slack-Signature": "v0=00"},
]


@pytest.mark.parametrize("kind", [0, 1, 2], ids=["form", "json", "payload"])
@pytest.mark.parametrize(
    "headers", FORGED, ids=["ts-x", "ts-x-no-sig", "empty", "ts-float", "no-ts"]
)
async def test_forged_requests_get_401_and_nothing_goes_out(
    slack: SlackBot, attacker: Attacker, kind: int, headers: dict[str, str]
) -> None:
    body, content_type = _bodies(attacker.url)[kind]
    before = len(slack.fake.calls)
    status, _ = await slack.post(body, content_type=content_type, headers=headers)
    assert status == 401
    assert attacker.hits == []
    assert slack.fake.calls[before:] == []
    assert slack.fake.responses == []
    assert not await _enrolled(slack)


async def _enrolled(slack: SlackBot) -> bool:
    """Tell whether the test channel was enrolled."""
    found = await channels.get_channel(slack.ctx, channel=ChannelRef("slack", TEAM, CHANNEL))
    return found is not None


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Everything logged at INFO and above, formatted with tracebacks."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO)


async def test_forged_requests_log_one_line_without_the_body(
    slack: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = form(text="secret-body " + "x" * 100_000 + "\nERROR forged line", team_id=TEAM)
    for headers in FORGED:
        await slack.post(body, content_type="application/x-www-form-urlencoded", headers=headers)
    logged = _logged(caplog)
    assert "secret-body" not in logged
    assert "forged" not in logged
    assert [r.levelname for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "invalid Slack signature" in logged


async def test_a_signed_request_with_a_foreign_response_url_is_refused(
    slack: SlackBot, attacker: Attacker
) -> None:
    for body, content_type in _bodies(attacker.url):
        status, text = await slack.post(body, content_type=content_type)
        assert status == 400
        assert "response_url" in text
    assert attacker.hits == []
    assert not await _enrolled(slack)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("payload=not-json", "application/x-www-form-urlencoded", "not valid JSON"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded", "must be a JSON object"),
        ("[1, 2]", "application/json", "must be a JSON object"),
        ('"text"', "application/json", "must be a JSON object"),
        ("{oops", "application/json", "not valid JSON"),
    ],
    ids=["payload-not-json", "payload-array", "json-array", "json-string", "json-broken"],
)
async def test_malformed_signed_bodies_get_400_with_a_message(
    slack: SlackBot, body: str, content_type: str, message: str
) -> None:
    before = len(slack.fake.calls)
    status, text = await slack.post(body, content_type=content_type)
    assert status == 400
    assert message in json.loads(text)["error"]
    assert slack.fake.calls[before:] == []


async def test_a_huge_round_id_on_a_button_gets_a_clear_message(slack: SlackBot) -> None:
    await slack.enroll()
    click = click_answer(slack, 1)
    click["actions"][0]["value"] = "9" * 30
    status, _ = await slack.interaction(click)
    assert status == 200
    assert slack.fake.calls_to("views.open") == []
    assert "out of date" in slack.last_reply()["text"]


async def test_a_huge_round_id_in_form_metadata_is_refused_in_the_form(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.interaction(click_answer(slack, posted_round_id(slack)))
    view = opened_view(slack)
    view["private_metadata"] = json.dumps({"c": CHANNEL, "r": 10**30, "u": None})
    status, text = await slack.interaction(submit(view, "Shard it and cache it."))
    assert status == 200
    assert json.loads(text)["response_action"] == "errors"
    assert await stored_answers(slack) == []


async def test_a_huge_command_is_refused_before_any_parsing_or_lookup(slack: SlackBot) -> None:
    await slack.enroll()
    lookups = len(slack.fake.calls_to("users.info"))
    text = "answer " + "'a b' " * 20_000
    status, _ = await slack.command(text)
    assert status == 200
    refusal = slack.last_reply()["text"]
    assert refusal.startswith(f"That command is {len(text):,} characters; answers may be 4,000.")
    assert len(slack.fake.calls_to("users.info")) == lookups
    assert await stored_answers(slack) == []


@pytest.mark.parametrize("team", ["T2", ""], ids=["other-team", "no-team"])
async def test_single_workspace_mode_refuses_other_workspaces(slack: SlackBot, team: str) -> None:
    before = len(slack.fake.calls)
    status, _ = await slack.command("admin setup 09:00 UTC", user=ADMIN, team=team)
    assert status == 403
    # Bolt's own first auth.test may happen; nothing else does.
    assert [c.method for c in slack.fake.calls[before:] if c.method != "auth.test"] == []
    assert slack.fake.responses == []
    async with slack.ctx.reading() as repo:
        for name in ("T2", "None", ""):
            assert await repo.find_workspace(platform="slack", external_id=name) is None


async def _refuse_answers(slack: SlackBot, *, on: bool) -> None:
    """Make the database refuse (or accept again) every new answer row."""
    async with slack.ctx.db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            statements = (
                [
                    "CREATE TRIGGER refuse BEFORE INSERT ON answers "
                    "BEGIN SELECT RAISE(ABORT, 'x'); END"
                ]
                if on
                else ["DROP TRIGGER refuse"]
            )
        else:
            statements = (
                [
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'x'; "
                    "END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER refuse BEFORE INSERT ON answers FOR EACH ROW "
                    "EXECUTE FUNCTION refuse()",
                ]
                if on
                else ["DROP TRIGGER refuse ON answers", "DROP FUNCTION refuse()"]
            )
        for statement in statements:
            await connection.exec_driver_sql(statement)


async def test_a_database_error_logs_no_answer_text(
    slack: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    await slack.enroll()
    await _refuse_answers(slack, on=True)
    caplog.set_level(logging.INFO)
    await slack.command("answer my-private-answer: shard the queue and cache reads")
    logged = _logged(caplog)
    assert "Slack request failed" in logged
    assert "my-private-answer" not in logged
    assert "Sorry, something went wrong" in slack.last_reply()["text"]


async def test_a_thread_answer_that_failed_is_stored_on_slacks_redelivery(
    slack: SlackBot,
) -> None:
    from tests.platforms.slack.test_threads import ANSWER, question_ts, reply_event

    await slack.enroll()
    event = reply_event(question_ts(slack), ANSWER)
    await _refuse_answers(slack, on=True)
    await slack.event(event, event_id="Ev1")
    assert await stored_answers(slack) == []
    await _refuse_answers(slack, on=False)
    status, _ = await slack.event(event, event_id="Ev1", retry=1)
    assert status == 200
    assert [a["text"] for a in await stored_answers(slack)] == [ANSWER]
    assert len(slack.fake.calls_to("reactions.add")) == 1
    await slack.event(event, event_id="Ev1", retry=2)
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1
