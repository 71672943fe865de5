"""A member's own data: forget it, or export it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scalebot.domain.questions import Question
from scalebot.domain.refs import UserRef
from scalebot.domain.replies import JSON, Action, Attachment, Reply, Tone, file_name, info
from scalebot.locales import ENGLISH, Message, Translator, _, n_
from scalebot.services.context import AppContext
from scalebot.services.corrections import corrections_export
from scalebot.services.practice import practice_export
from scalebot.services.questions import criterion_title, question_of
from scalebot.services.reminders import reminders_export

# The text after /scale that deletes at once: what the confirmation button runs.
FORGET_CONFIRM = "forget-me confirm"
FORGET_USAGE = _("Usage: /scale forget-me, then confirm with /scale forget-me confirm.")
NOTHING_STORED = _("scalebot stores nothing about you here: there is nothing to delete.")


@dataclass(frozen=True)
class Footprint:
    """What scalebot stores about a member in one workspace."""

    answers: int
    channels: int
    practice: int = 0  # practice answers (a member may only have practised)


async def footprint(ctx: AppContext, *, user: UserRef) -> Footprint | None:
    """Count a member's answers and boards in their workspace; None if nothing is stored."""
    async with ctx.reading() as repo:
        found = await repo.find_member(user)
        if found is None:
            return None
        answers, channels, practised = await repo.user_footprint(user_id=found[1].id)
    return Footprint(answers, channels, practised)


async def forget_user(ctx: AppContext, *, user: UserRef) -> Footprint | None:
    """Delete everything about a member in their workspace; return what was deleted."""
    async with ctx.writing() as repo:
        found = await repo.find_member(user)
        if found is None:
            return None
        workspace, member = found
        answers, channels, practised = await repo.user_footprint(user_id=member.id)
        await repo.delete_user(user=member, workspace=workspace)
    return Footprint(answers, channels, practised)


async def forget_request(ctx: AppContext, *, user: UserRef, t: Translator = ENGLISH) -> Reply:
    """Say what forgetting would delete and offer the confirmation; delete nothing yet."""
    stored = await footprint(ctx, user=user)
    if stored is None:
        return info(t(NOTHING_STORED))
    return Reply(
        title=t(_("Delete everything scalebot stores about you here?")),
        body="\n".join(
            (
                t.sentences(_what_goes(stored)),
                t(_("It cannot be undone. Want a copy first? /scale export-me sends it.")),
            )
        ),
        tone=Tone.QUESTION,
        actions=(Action(t(_("Delete my data")), FORGET_CONFIRM, danger=True),),
    )


async def forget_confirmed(ctx: AppContext, *, user: UserRef, t: Translator = ENGLISH) -> Reply:
    """Delete the member's data now and say what went."""
    deleted = await forget_user(ctx, user=user)
    if deleted is None:
        return info(t(NOTHING_STORED))
    return info(
        t(_("Deleted: scalebot no longer stores anything about you here.")),
        t.sentences(_what_went(deleted)),
    )


def _what_goes(stored: Footprint) -> list[Message]:
    """What a deletion would remove, in the member's words (practice counted too)."""
    count = stored.practice
    if not stored.answers and not stored.channels and count:
        return [
            n_(
                "This deletes your {count} practice answer and your practice schedule.",
                "This deletes your {count} practice answers and your practice schedule.",
                count,
                count=count,
            )
        ]
    practice = n_(
        "Your {count} practice answer and your practice schedule go too.",
        "Your {count} practice answers and your practice schedule go too.",
        count,
        count=count,
    )
    return [_rounds_that_go(stored), *([practice] if count else [])]


def _rounds_that_go(stored: Footprint) -> Message:
    """What a deletion would remove of the member's rounds."""
    return n_(
        "This deletes your {answers} answer and your streaks and points, and takes you off "
        "the leaderboards of {channels} channel.",
        "This deletes your {answers} answers and your streaks and points, and takes you off "
        "the leaderboards of {channels} channels.",
        stored.answers,
        answers=stored.answers,
        channels=stored.channels,
    )


def _what_went(deleted: Footprint) -> list[Message]:
    """What a deletion removed (practice counted too)."""
    count = deleted.practice
    practice = n_(
        "{count} practice answer deleted, and your practice schedule.",
        "{count} practice answers deleted, and your practice schedule.",
        count,
        count=count,
    )
    if not deleted.answers and not deleted.channels and count:
        return [practice]
    return [_rounds_that_went(deleted), *([practice] if count else [])]


def _rounds_that_went(deleted: Footprint) -> Message:
    """What a deletion removed of the member's rounds."""
    return n_(
        "{answers} answer deleted; you are off the leaderboards of {channels} channel.",
        "{answers} answers deleted; you are off the leaderboards of {channels} channels.",
        deleted.answers,
        answers=deleted.answers,
        channels=deleted.channels,
    )


async def export_user(ctx: AppContext, *, user: UserRef) -> dict[str, Any]:
    """Return everything stored about a member, as JSON-ready data."""
    async with ctx.reading() as repo:
        workspace = await repo.find_workspace(platform=user.platform, external_id=user.workspace_id)
        member = (
            await repo.find_user(workspace_id=workspace.id, external_id=user.user_id)
            if workspace
            else None
        )
        if member is None:
            return {"user": user.user_id, "answers": []}
        history = await repo.user_answers(user_id=member.id)
        corrected = await corrections_export(repo, user_id=member.id)
        practised = await practice_export(ctx, repo, user_id=member.id)
        reminded = await reminders_export(repo, user_id=member.id)
        asked = {round_.question_id for _answer, round_ in history}
        questions = {qid: await question_of(ctx, repo, qid) for qid in asked}
    return {
        "user": member.external_id,
        "display_name": member.display_name,
        "answers": [
            {
                "round_date": round_.round_date.isoformat(),
                "question": round_.question_id,
                "text": answer.text,
                "score": answer.score,
                "points": answer.points,
                "revision": answer.revision,
                "late": answer.late,
                "covered": answer.covered.get("met", []),
                "answered_at": answer.updated_at.isoformat(),
                **_titles(questions[round_.question_id], answer.covered),
            }
            for answer, round_ in history
        ],
        "streak_corrections": corrected,
        "practice": practised,
        "reminders": {"channels": reminded},
    }


def _titles(question: Question, covered: dict[str, Any]) -> dict[str, Any]:
    """Titles next to the ids: the question's, and each covered and missed criterion's."""
    met, missed = covered.get("met", []), covered.get("missed", [])
    return {
        "question_title": question.title,
        "missed": missed,
        "covered_titles": [criterion_title(question, cid) for cid in met],
        "missed_titles": [criterion_title(question, cid) for cid in missed],
    }


def export_file(data: dict[str, Any], *, user: UserRef) -> Attachment:
    """The member's export as a JSON file named after them (scalebot-export-<user>.json)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    name = file_name("scalebot-export", user.user_id, suffix=".json")
    return Attachment(name, JSON, text.encode("utf-8"))
