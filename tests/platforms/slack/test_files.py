"""Files on Slack: the stats picture and exports go up through slack_sdk's files_upload_v2."""

from __future__ import annotations

import io

from PIL import Image

from scalebot.pictures.fonts import CJK_FONTS, first_existing
from tests.platforms.slack.conftest import ADMIN, ALICE, SlackBot
from tests.platforms.slack.test_commands import ANSWER


async def test_stats_uploads_the_picture_to_the_members_dm(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("stats")
    (asked,) = slack.fake.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == f"scalebot-stats-{ALICE}.png"
    assert int(asked.params["length"]) == len(slack.fake.uploads[-1]) < 200 * 1024
    (completed,) = slack.fake.calls_to("files.completeUploadExternal")
    assert completed.params["channel_id"] == "D" + ALICE
    assert Image.open(io.BytesIO(slack.fake.uploads[-1])).format == "PNG"
    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Your practice so far")
    assert "direct message" in reply["text"]


async def test_stats_before_any_answer_uploads_nothing(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command("stats")
    assert slack.fake.calls_to("files.getUploadURLExternal") == []
    assert slack.last_reply()["text"].startswith("No answers yet")


async def test_admin_export_uploads_the_csv_to_the_admins_dm(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("admin export", user=ADMIN)
    (asked,) = slack.fake.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"].startswith("scalebot-channel-")
    assert asked.params["filename"].endswith(".csv")
    (completed,) = slack.fake.calls_to("files.completeUploadExternal")
    assert completed.params["channel_id"] == "D" + ADMIN
    table = slack.fake.uploads[-1].decode("utf-8-sig").splitlines()
    assert table[0].startswith("round_date,question_id,")
    assert ANSWER in table[1]
    assert "direct message" in slack.last_reply()["text"]


async def test_a_member_gets_no_channel_export(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("admin export")
    assert slack.fake.calls_to("files.getUploadURLExternal") == []
    assert "Only channel admins" in slack.last_reply()["text"]


async def test_a_refused_upload_is_one_clear_line(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    slack.fake.fail("files.getUploadURLExternal", "not_allowed_token_type")
    await slack.command("export-me")
    assert slack.last_reply()["text"] == (
        "I could not send you the file (not_allowed_token_type): try again later."
    )


async def test_a_chinese_reader_is_told_in_chinese_where_the_file_went(slack: SlackBot) -> None:
    await slack.enroll()
    await slack.command(f"answer {ANSWER}")
    await slack.command("language zh")
    await slack.command("stats")
    assert "私信" in slack.last_reply()["text"]
    await slack.command("language en")
    await slack.command("stats")
    chinese, english = slack.fake.uploads[-2:]
    # The picture's labels follow the reader too, where a font can write them.
    assert (chinese != english) == (first_existing(CJK_FONTS) is not None)
