"""Build the neutral replies the bot sends: questions, feedback, standings, help."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from scalebot.domain.grading import Feedback
from scalebot.domain.questions import Question
from scalebot.domain.replies import Field, Reply, Tone

HOW_TO_ANSWER = "Answer privately with /scale answer: you get instant rubric feedback."


def question_reply(question: Question, *, round_date: date) -> Reply:
    """The daily post: question, topic, difficulty and how to answer."""
    return Reply(
        title=f"{round_date:%a %d %b}: {question.title}",
        body=question.prompt,
        fields=(
            Field("Topic", question.topic.replace("-", " ")),
            Field("Difficulty", question.difficulty.value),
        ),
        footer=HOW_TO_ANSWER,
        tone=Tone.QUESTION,
        private=False,
    )


def feedback_reply(feedback: Feedback, *, streak: int, late: bool, revision: int) -> Reply:
    """Private feedback: score, covered criteria with evidence, missed ones with hints."""
    covered = "\n".join(
        f"✅ {r.label}: “{r.evidence}” ({', '.join(r.matched)})" for r in feedback.covered
    )
    missed = "\n".join(f"❌ {r.label}: {r.hint}" for r in feedback.missed)
    fields = []
    if covered:
        fields.append(Field("Covered", covered))
    if missed:
        fields.append(Field("Missed", missed))
    if feedback.notes:
        fields.append(Field("Notes", "\n".join(feedback.notes)))
    fields.append(Field("Follow-up", feedback.follow_up))
    if late:
        status = "This round has closed: feedback only, no streak or points."
    else:
        status = f"Streak: {streak} round{'s' if streak != 1 else ''}"
        if revision > 1:
            status += f" · revision {revision} replaces your earlier answer"
    met = len(feedback.covered)
    return Reply(
        title=f"Score {feedback.score}/100 · {met} of {len(feedback.criteria)} criteria covered",
        fields=tuple(fields),
        footer=status,
        tone=Tone.FEEDBACK,
    )


@dataclass(frozen=True)
class RoundSummary:
    """What happened in a closed round."""

    seq: int
    answers: int
    average_score: float | None
    most_missed: str | None
    most_missed_share: float


def summary_reply(question: Question, summary: RoundSummary) -> Reply:
    """Posted under a closed round: the model answer and how the group did."""
    if summary.answers == 0:
        group = "Nobody answered this round."
    else:
        group = (
            f"{summary.answers} answer{'s' if summary.answers != 1 else ''}, "
            f"average score {summary.average_score:.0f}/100."
        )
        if summary.most_missed:
            group += (
                f" Most missed: {summary.most_missed} ({summary.most_missed_share:.0%} of answers)."
            )
    return Reply(
        title=f"Round {summary.seq} closed: {question.title}",
        body=group,
        fields=(Field("Model answer", question.model_answer),),
        tone=Tone.SUMMARY,
        private=False,
    )


@dataclass(frozen=True)
class Standing:
    """One leaderboard line."""

    rank: int
    name: str
    streak: int
    points: int
    is_viewer: bool = False


def leaderboard_reply(
    title: str, rows: Sequence[Standing], *, by_points: bool, viewer: Standing | None
) -> Reply:
    """A ranked list, with the viewer's own rank when it falls outside the list."""
    if not rows:
        return Reply(title=title, body="No answers yet: be the first with /scale answer.")
    lines = [_standing_line(row, by_points=by_points) for row in rows]
    if viewer is not None and all(not row.is_viewer for row in rows):
        lines.append("…")
        lines.append(_standing_line(viewer, by_points=by_points))
    return Reply(title=title, body="\n".join(lines))


def _standing_line(row: Standing, *, by_points: bool) -> str:
    """Format one leaderboard line."""
    you = " (you)" if row.is_viewer else ""
    if by_points:
        return f"{row.rank}. {row.name}{you}: {row.points} points"
    return f"{row.rank}. {row.name}{you}: {row.streak}-round streak · {row.points} points"


def streak_reply(*, current: int, longest: int, answered_open_round: bool) -> Reply:
    """A member's own streak."""
    if answered_open_round:
        nudge = "You have answered the current round."
    elif current:
        nudge = "Answer the current round to keep it going."
    else:
        nudge = "Answer the current round to start one."
    return Reply(title=f"Your streak: {current} (longest {longest})", body=nudge)


COMMANDS = (
    ("/scale today", "show the current question again"),
    ("/scale answer TEXT", "answer it; you get private feedback at once"),
    ("/scale streak", "your streak in this channel"),
    ("/scale leaderboard", "top 10 by streak, plus your rank"),
    ("/scale stats", "your practice history"),
    ("/scale forget-me", "delete everything stored about you"),
    ("/scale export-me", "everything stored about you, as JSON"),
)
ADMIN_COMMANDS = (
    ("/scale admin setup HH:MM ZONE [daily|weekdays]", "enroll this channel"),
    ("/scale admin pause | resume", "stop or restart the daily post"),
    ("/scale admin post-now", "post today's round now"),
    ("/scale admin leaderboard [week|month|all] [public]", "the full board by points"),
)


def help_reply(*, is_admin: bool) -> Reply:
    """Every command a member (and an admin) can use."""
    fields = [Field("Commands", "\n".join(f"{c} — {d}" for c, d in COMMANDS))]
    if is_admin:
        fields.append(Field("Admin", "\n".join(f"{c} — {d}" for c, d in ADMIN_COMMANDS)))
    return Reply(
        title="scalebot: a daily 'How would you scale it?' question",
        body="A question is posted here on the channel's schedule. Answer it privately, "
        "get rubric feedback, and keep your streak going round after round.",
        fields=tuple(fields),
    )
