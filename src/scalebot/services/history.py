"""A member's recent answers in a channel: date, question, score and what they missed."""

from __future__ import annotations

from dataclasses import dataclass

from scalebot.db.repository import PastAnswer, Repository
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Field, Reply
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError
from scalebot.services.questions import criterion_title, question_of

PAGE_SIZE = 5
MAX_PAGE = 10_000
USAGE = "Usage: /scale history [PAGE], e.g. /scale history 2 for older answers."


@dataclass(frozen=True)
class HistoryEntry:
    """One past answer as the member reads it."""

    round_date: str
    question: str
    score: int
    missed: tuple[str, ...]
    late: bool


@dataclass(frozen=True)
class HistoryView:
    """One page of a member's answers, newest first."""

    page: int
    pages: int
    total: int
    entries: tuple[HistoryEntry, ...]
    reply: Reply


def parse_page(text: str) -> int:
    """Parse a page number from 1 up; anything else gets the usage line."""
    word = text.strip()
    if not word:
        return 1
    if not word.isdecimal() or not 1 <= int(word) <= MAX_PAGE:
        raise UserError(f"'{word}' is not a page number. {USAGE}")
    return int(word)


async def member_history(
    ctx: AppContext, *, channel: ChannelRef, user: UserRef, page: int = 1
) -> HistoryView:
    """Return one page of the member's answers in this channel, newest first."""
    async with ctx.reading() as repo:
        row = await require_channel(repo, channel)
        member = await repo.find_user(workspace_id=row.workspace_id, external_id=user.user_id)
        total = 0
        rows: list[PastAnswer] = []
        if member is not None:
            total = await repo.member_answer_count(channel_id=row.id, user_id=member.id)
            rows = await repo.member_history(
                channel_id=row.id,
                user_id=member.id,
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
            )
        entries = tuple([await _entry(ctx, repo, past) for past in rows])
    pages = max(1, -(-total // PAGE_SIZE))
    return HistoryView(page, pages, total, entries, history_reply(entries, page, pages, total))


async def _entry(ctx: AppContext, repo: Repository, past: PastAnswer) -> HistoryEntry:
    """Describe one answer with the titles of its question and missed criteria."""
    question = await question_of(ctx, repo, past.question_id)
    missed = tuple(criterion_title(question, cid) for cid in past.missed)
    day = f"{past.round_date:%a %d %b %Y}"
    return HistoryEntry(day, question.title, past.score, missed, past.late)


def history_reply(entries: tuple[HistoryEntry, ...], page: int, pages: int, total: int) -> Reply:
    """The page as a reply: one field per answer, and how to see older ones."""
    if total == 0:
        return Reply(title="No answers yet", body="Answer the current round with /scale answer.")
    if not entries:
        return Reply(
            title=f"Page {page} is empty",
            body=f"You have {pages} page{'s' if pages != 1 else ''} of answers: "
            f"try /scale history {pages}.",
        )
    fields = tuple(Field(f"{e.round_date} · {e.question}", _entry_line(e)) for e in entries)
    footer = f"Page {page} of {pages} · {total} answer{'s' if total != 1 else ''}"
    if page < pages:
        footer += f" · older: /scale history {page + 1}"
    return Reply(title="Your recent answers", fields=fields, footer=footer)


def _entry_line(entry: HistoryEntry) -> str:
    """Score, what was missed, and whether it was late."""
    line = f"Score {entry.score}/100"
    if entry.late:
        line += " (late: no streak or points)"
    if entry.missed:
        return f"{line}\nMissed: {', '.join(entry.missed)}"
    return f"{line}\nMissed nothing"
