"""An admin's export of a channel: every answer with its score and the member's streak, as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from scalebot.db.repository import ChannelAnswer
from scalebot.domain.refs import ChannelRef
from scalebot.domain.replies import CSV, Attachment, Reply, file_name
from scalebot.domain.streaks import StreakState
from scalebot.locales import Translator, n_
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext
from scalebot.services.questions import question_of

COLUMNS = (
    "round_date",
    "question_id",
    "question_title",
    "member_id",
    "member_name",
    "score",
    "points",
    "late",
    "revision",
    "answered_at",
    "current_streak",
    "longest_streak",
    "answer",
)
# A spreadsheet runs a cell that starts like this as a formula (CSV injection): quote it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


async def channel_export(
    ctx: AppContext, *, channel: ChannelRef, now: datetime, t: Translator
) -> Reply:
    """The channel's answers, scores and streaks as a CSV file (callers check the admin)."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        answers = await repo.channel_answers(channel_id=row.id)
        titles = {
            a.question_id: (await question_of(ctx, repo, a.question_id)).title for a in answers
        }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for answer in answers:
        writer.writerow([cell(v) for v in _values(answer, titles, row.round_count)])
    today = now.astimezone(ZoneInfo(row.timezone)).date().isoformat()
    name = file_name("scalebot-channel", channel.channel_id, today, suffix=".csv")
    # UTF-8 with a byte-order mark: spreadsheets then read names and Chinese answers correctly.
    export = Attachment(name, CSV, buffer.getvalue().encode("utf-8-sig"))
    members = len({answer.member_id for answer in answers})
    title = n_(
        "Channel export: {count} answer",
        "Channel export: {count} answers",
        len(answers),
        count=len(answers),
    )
    body = n_(
        "From {count} member, one row per answer: round, question, member, score, points, "
        "streaks and the answer's text.",
        "From {count} members, one row per answer: round, question, member, score, points, "
        "streaks and the answer's text.",
        members,
        count=members,
    )
    return Reply(title=t(title), body=t(body), attachments=(export,))


def _values(answer: ChannelAnswer, titles: dict[str, str], round_count: int) -> list[object]:
    """One CSV row."""
    state = StreakState(answer.streak or 0, answer.longest or 0, answer.last_round_seq)
    return [
        answer.round_date.isoformat(),
        answer.question_id,
        titles[answer.question_id],
        answer.member_id,
        answer.member_name,
        answer.score,
        answer.points,
        "true" if answer.late else "false",
        answer.revision,
        answer.answered_at.isoformat(),
        state.effective(round_count),
        state.longest,
        answer.text,
    ]
