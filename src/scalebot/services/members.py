"""A member's own data: forget it, or export it."""

from __future__ import annotations

import json
from typing import Any

from scalebot.domain.questions import Question
from scalebot.domain.refs import UserRef
from scalebot.domain.replies import JSON, Attachment, file_name
from scalebot.services.context import AppContext
from scalebot.services.corrections import corrections_export
from scalebot.services.practice import practice_export
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
        corrected = await corrections_export(repo, user_id=member.id)
        practised = await practice_export(ctx, repo, user_id=member.id)
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
