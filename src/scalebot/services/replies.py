"""Build the neutral replies the bot sends: questions, feedback, standings, help."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from scalebot.domain.questions import Question
from scalebot.domain.replies import Field, Reply, Tone
from scalebot.domain.rounds import RoundSummary
from scalebot.domain.untrusted import public_name
from scalebot.grading.cues import trim
from scalebot.grading.feedback import CriterionResult, Feedback
from scalebot.locales import _

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


# Feedback must fit one Slack section block (3,000 chars), so also one Discord embed
# description (4,096) and embed (6,000), counted after the renderers' escaping.
FEEDBACK_CHARS = 3000
# Shorter and shorter evidence quotes, hints and cue lists until the feedback fits.
_FEEDBACK_STEPS = ((200, 300, 3), (140, 300, 3), (90, 200, 2), (50, 120, 1), (30, 80, 0))


def feedback_reply(feedback: Feedback, *, streak: int, late: bool, revision: int) -> Reply:
    """Private feedback: score, covered criteria with evidence, missed ones with hints."""
    if late:
        status = "This round has closed: feedback only, no streak or points."
    else:
        status = f"Streak: {streak} round{'s' if streak != 1 else ''}"
        if revision > 1:
            status += f" · revision {revision} replaces your earlier answer"
    for evidence_chars, hint_chars, cues in _FEEDBACK_STEPS:
        reply = _feedback(feedback, status, evidence_chars, hint_chars, cues)
        if rendered_size(reply) <= FEEDBACK_CHARS:
            return reply
    return _squeezed(reply)


def _feedback(
    feedback: Feedback, status: str, evidence_chars: int, hint_chars: int, cues: int
) -> Reply:
    """Build the feedback reply with evidence, hints and cue lists cut to the given sizes."""
    labels = {r.id: r.label for r in feedback.criteria}
    covered = "\n".join(
        _covered_line(r, evidence_chars, cues, labels.get(r.same_as or ""))
        for r in feedback.covered
    )
    missed = "\n".join(f"❌ {r.label}: {_clip(r.hint or '', hint_chars)}" for r in feedback.missed)
    fields = []
    if covered:
        fields.append(Field("Covered", covered))
    if missed:
        fields.append(Field("Missed", missed))
    if feedback.notes:
        fields.append(Field("Notes", "\n".join(feedback.notes)))
    fields.append(Field("Follow-up", _clip(feedback.follow_up, 2 * hint_chars)))
    met = len(feedback.covered)
    return Reply(
        title=f"Score {feedback.score}/100 · {met} of {len(feedback.criteria)} criteria covered",
        fields=tuple(fields),
        footer=status,
        tone=Tone.FEEDBACK,
    )


def _covered_line(
    result: CriterionResult, evidence_chars: int, cues: int, same_as: str | None
) -> str:
    """One covered criterion: its evidence (each sentence quoted once) and the cues shown."""
    if same_as:
        line = f"✅ {result.label}: the same sentence as {same_as}"
    else:
        line = f"✅ {result.label}: “{trim(result.evidence or '', evidence_chars)}”"
    if result.matched and cues:
        shown = ", ".join(result.matched[:cues])
        more = len(result.matched) - cues
        line += f" ({shown}{f' +{more} more' if more > 0 else ''})"
    return line


def _squeezed(reply: Reply) -> Reply:
    """Last resort: cut the longest field by a tenth until the reply fits."""
    fields = list(reply.fields)
    while rendered_size(replace(reply, fields=tuple(fields))) > FEEDBACK_CHARS:
        longest = max(range(len(fields)), key=lambda i: len(fields[i].value))
        value = fields[longest].value
        if len(value) <= 1:
            break
        fields[longest] = Field(fields[longest].name, _clip(value, len(value) * 9 // 10))
    return replace(reply, fields=tuple(fields))


def _clip(text: str, limit: int) -> str:
    """Cut text to a limit, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rendered_size(reply: Reply) -> int:
    """Worst-case length of a reply once a renderer escapes it (&amp; &lt; &gt; or \\*)."""
    text = reply.plain_text()
    grows = 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))
    return len(text) + grows + sum(text.count(mark) for mark in "*_`~|\\")


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
    hidden: bool = False


def leaderboard_reply(
    title: str,
    rows: Sequence[Standing],
    *,
    by_points: bool,
    viewer: Standing | None,
    longest: bool = False,
) -> Reply:
    """A ranked list, with the viewer's own rank when it falls outside the list."""
    if not rows and viewer is None:
        return Reply(title=title, body="No answers yet: be the first with /scale answer.")
    lines = [_standing_line(row, by_points=by_points, longest=longest) for row in rows]
    if viewer is not None and all(not row.is_viewer for row in rows):
        lines.extend(["…"] if lines else [])
        lines.append(_standing_line(viewer, by_points=by_points, longest=longest))
    return Reply(title=title, body="\n".join(lines))


def _standing_line(row: Standing, *, by_points: bool, longest: bool = False) -> str:
    """Format one leaderboard line."""
    marks = [word for word, on in (("you", row.is_viewer), ("hidden", row.hidden)) if on]
    name = public_name(row.name) + (f" ({', '.join(marks)})" if marks else "")
    if by_points:
        return f"{row.rank}. {name}: {row.points} points"
    if longest:
        return f"{row.rank}. {name}: longest streak {row.streak} · {row.points} points"
    return f"{row.rank}. {name}: {row.streak}-round streak · {row.points} points"


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
    (
        "/scale answer TEXT",
        "answer it; you get private feedback at once (answer again: your best answer counts)",
    ),
    ("/scale streak", "your streak in this channel, and your streak freezes"),
    ("/scale leaderboard [streak|longest|week|month|all]", "top 10, plus your rank"),
    ("/scale leaderboard hide | show", "leave the boards (you still see your rank), or come back"),
    ("/scale stats", "your practice history"),
    ("/scale history [PAGE]", "your recent answers: score and what you missed, newest first"),
    (
        "/scale practice [skip] · /scale practice answer TEXT",
        "a question just for you, from what you score lowest on; no streak or points",
    ),
    (
        "/scale forget-me",
        "delete everything stored about you here (asks first; /scale forget-me confirm at once)",
    ),
    ("/scale export-me", "everything stored about you, as JSON"),
)
ADMIN_COMMANDS = (
    ("/scale admin setup HH:MM ZONE [daily|weekdays]", "enroll this channel"),
    ("/scale admin pause | resume", "stop or restart the daily post"),
    ("/scale admin post-now", "post today's round now"),
    (
        "/scale admin leaderboard [streak|longest|week|month|all] [public]",
        "the full board (hidden members too, unless posted)",
    ),
    ("/scale admin streak @member N reason", "correct a member's streak (kept in an audit trail)"),
    ("/scale admin undo", "revert the newest streak correction in this channel"),
    ("/scale admin freezes on | off", "let missed rounds spend earned streak freezes, or not"),
    ("/scale admin export", "this channel's answers, scores and streaks as a CSV file"),
    ("/scale admin topics [TOPIC,TOPIC | all]", _("ask only these topics; no topic shows them")),
    ("/scale admin difficulty [easy,medium,hard | all]", _("ask only these difficulties")),
    (
        "/scale admin skip YYYY-MM-DD | list · /scale admin unskip YYYY-MM-DD",
        _("no round on a date (a holiday), the dates skipped, or a date back"),
    ),
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
