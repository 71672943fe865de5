"""A member's own data: forget it, or export it."""

from __future__ import annotations

from typing import Any

from scalebot.db.models import Answer, Round
from scalebot.domain.questions import Question
from scalebot.domain.refs import UserRef
from scalebot.services.context import AppContext
from scalebot.services.questions import criterion_title, question_of


async def forget_user(ctx: AppContext, *, user: UserRef) -> int:
    """Delete a member with their answers and streaks in this workspace; return answers deleted."""
    async with ctx.writing() as repo:
        workspace = await repo.find_workspace(platform=user.platform, external_id=user.workspace_id)
        if workspace is None:
            return 0
        member = await repo.find_user(workspace_id=workspace.id, external_id=user.user_id)
        if member is None:
            return 0
        answers = len(await repo.user_answers(user_id=member.id))
        await repo.delete_user(user_id=member.id)
        return answers


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
        asked = {round_.question_id for _answer, round_ in history}
        questions = {qid: await question_of(ctx, repo, qid) for qid in asked}
    return {
        "user": member.external_id,
        "display_name": member.display_name,
        "answers": [
            _answer_record(answer, round_, questions[round_.question_id])
            for answer, round_ in history
        ],
    }


def _answer_record(answer: Answer, round_: Round, question: Question) -> dict[str, Any]:
    """One exported answer: ids for machines, titles for people."""
    met, missed = answer.covered.get("met", []), answer.covered.get("missed", [])
    return {
        "round_date": round_.round_date.isoformat(),
        "question": round_.question_id,
        "question_title": question.title,
        "text": answer.text,
        "score": answer.score,
        "points": answer.points,
        "revision": answer.revision,
        "late": answer.late,
        "covered": met,
        "missed": missed,
        "covered_titles": [criterion_title(question, cid) for cid in met],
        "missed_titles": [criterion_title(question, cid) for cid in missed],
        "answered_at": answer.updated_at.isoformat(),
    }
