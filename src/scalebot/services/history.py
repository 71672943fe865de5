"""A member's recent answers in a channel: date, question, score and what they missed."""

from __future__ import annotations

from dataclasses import dataclass

from scalebot.db.repository import PastAnswer, Repository
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Field, Reply
from scalebot.locales import ENGLISH, Translator, _, n_
from scalebot.services.channels import require_channel
from scalebot.services.context import AppContext, UserError
from scalebot.services.questions import criterion_title, question_of
from scalebot.services.standings import ANSWER_FIRST, NO_ANSWERS

# Translators: a Babel date pattern (CLDR symbols), not text: EEE weekday, yyyy year.
DATE_PATTERN = _("EEE dd MMM yyyy")
PAGE_SIZE = 5
MAX_PAGE = 10_000
USAGE = _("Usage: /scale history [PAGE], e.g. /scale history 2 for older answers.")


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
        raise UserError(_("'{word}' is not a page number. {usage}", word=word, usage=USAGE))
    return int(word)


async def member_history(
    ctx: AppContext, *, channel: ChannelRef, user: UserRef, t: Translator = ENGLISH, page: int = 1
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
        entries = tuple([await _entry(ctx, repo, past, t) for past in rows])
    pages = max(1, -(-total // PAGE_SIZE))
    reply = history_reply(entries, (page, pages, total), t)
    return HistoryView(page, pages, total, entries, reply)


async def _entry(
    ctx: AppContext, repo: Repository, past: PastAnswer, t: Translator
) -> HistoryEntry:
    """Describe one answer with the titles of its question and missed criteria."""
    question = await question_of(ctx, repo, past.question_id)
    missed = tuple(criterion_title(question, cid, t.language) for cid in past.missed)
    day = t.date(past.round_date, style=t(DATE_PATTERN))
    return HistoryEntry(day, question.title_in(t.language), past.score, missed, past.late)


def history_reply(
    entries: tuple[HistoryEntry, ...], where: tuple[int, int, int], t: Translator
) -> Reply:
    """The page as a reply: one field per answer, and how to see older ones.

    `where` is (page, pages, total answers).
    """
    page, pages, total = where
    if total == 0:
        return Reply(title=t(NO_ANSWERS), body=t(ANSWER_FIRST))
    if not entries:
        return Reply(
            title=t(_("Page {page} is empty", page=page)),
            body=t(
                n_(
                    "You have {count} page of answers: try /scale history {count}.",
                    "You have {count} pages of answers: try /scale history {count}.",
                    pages,
                    count=pages,
                )
            ),
        )
    fields = tuple(Field(f"{e.round_date} · {e.question}", _entry_line(e, t)) for e in entries)
    answers = n_("{count} answer", "{count} answers", total, count=total)
    footer = t(_("Page {page} of {pages} · {answers}", page=page, pages=pages, answers=answers))
    if page < pages:
        footer += t(_(" · older: /scale history {page}", page=page + 1))
    return Reply(title=t(_("Your recent answers")), fields=fields, footer=footer)


def _entry_line(entry: HistoryEntry, t: Translator) -> str:
    """Score, what was missed, and whether it was late."""
    if entry.late:
        line = t(_("Score {score}/100 (late: no streak or points)", score=entry.score))
    else:
        line = t(_("Score {score}/100", score=entry.score))
    if entry.missed:
        missed = t(_(", ")).join(entry.missed)
        return line + "\n" + t(_("Missed: {criteria}", criteria=missed))
    return line + "\n" + t(_("Missed nothing"))
