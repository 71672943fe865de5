"""Build the neutral replies the bot sends: questions, feedback, standings, help.

Every builder takes the reader's translator: the member's for private replies, the channel's
for public posts. Question content comes from the bank in that language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from scalebot.domain.questions import Difficulty, Question
from scalebot.domain.replies import Field, Reply, Tone
from scalebot.domain.rounds import RoundSummary
from scalebot.domain.text import clip
from scalebot.domain.topics import topic_title
from scalebot.domain.untrusted import public_name
from scalebot.grading.cues import trim
from scalebot.grading.feedback import CriterionResult, Feedback
from scalebot.locales import Message, Translator, _, n_

# Translators: a Babel date pattern (CLDR symbols), not text: EEE weekday, dd day, MMM month.
DAY_PATTERN = _("EEE dd MMM")
HOW_TO_ANSWER = _("Answer privately with /scale answer: you get instant rubric feedback.")
DIFFICULTIES = {
    Difficulty.EASY: _("easy"),
    Difficulty.MEDIUM: _("medium"),
    Difficulty.HARD: _("hard"),
}


def question_reply(question: Question, *, round_date: date, t: Translator) -> Reply:
    """The daily post: question, topic, difficulty and how to answer."""
    return Reply(
        title=t(
            _(
                "{date}: {title}",
                date=t.date(round_date, style=t(DAY_PATTERN)),
                title=question.title_in(t.language),
            )
        ),
        body=question.prompt_in(t.language),
        fields=(
            Field(t(_("Topic")), t(topic_title(question.topic))),
            Field(t(_("Difficulty")), t(DIFFICULTIES[question.difficulty])),
        ),
        footer=t(HOW_TO_ANSWER),
        tone=Tone.QUESTION,
        private=False,
        language=t.language,
    )


# Feedback must fit one Slack section block (3,000 chars), so also one Discord embed
# description (4,096) and embed (6,000), counted after the renderers' escaping.
FEEDBACK_CHARS = 3000
# Shorter and shorter evidence quotes, hints and cue lists until the feedback fits.
_FEEDBACK_STEPS = ((200, 300, 3), (140, 300, 3), (90, 200, 2), (50, 120, 1), (30, 80, 0))


def feedback_status(*, streak: int, late: bool, revision: int) -> Message:
    """The feedback's footer: the streak, or why the answer does not count."""
    if late:
        return _("This round has closed: feedback only, no streak or points.")
    if revision > 1:
        return n_(
            "Streak: {count} round · revision {revision} replaces your earlier answer",
            "Streak: {count} rounds · revision {revision} replaces your earlier answer",
            streak,
            count=streak,
            revision=revision,
        )
    return n_("Streak: {count} round", "Streak: {count} rounds", streak, count=streak)


def feedback_reply(
    feedback: Feedback,
    question: Question,
    *,
    streak: int,
    late: bool,
    revision: int,
    t: Translator,
) -> Reply:
    """Private feedback: score, covered criteria with evidence, missed ones with hints."""
    status = t(feedback_status(streak=streak, late=late, revision=revision))
    for evidence_chars, hint_chars, cues in _FEEDBACK_STEPS:
        reply = _feedback(feedback, question, status, (evidence_chars, hint_chars, cues), t)
        if rendered_size(reply) <= FEEDBACK_CHARS:
            return reply
    return _squeezed(reply)


def _feedback(
    feedback: Feedback,
    question: Question,
    status: str,
    sizes: tuple[int, int, int],
    t: Translator,
) -> Reply:
    """Build the feedback reply with evidence, hints and cue lists cut to the given sizes."""
    evidence_chars, hint_chars, cues = sizes
    labels = {r.id: _label(question, r, t) for r in feedback.criteria}
    covered = "\n".join(
        _covered_line(r, labels[r.id], (evidence_chars, cues), labels.get(r.same_as or ""), t)
        for r in feedback.covered
    )
    missed = "\n".join(
        t(_("❌ {label}: {hint}", label=labels[r.id], hint=clip(_hint(question, r, t), hint_chars)))
        for r in feedback.missed
    )
    fields = []
    if covered:
        fields.append(Field(t(_("Covered")), covered))
    if missed:
        fields.append(Field(t(_("Missed")), missed))
    if feedback.notes:
        fields.append(Field(t(_("Notes")), "\n".join(t(note) for note in feedback.notes)))
    follow_up = question.follow_up_in(feedback.follow_up, t.language)
    fields.append(Field(t(_("Follow-up")), clip(follow_up, 2 * hint_chars)))
    title = _(
        "Score {score}/100 · {met} of {total} criteria covered",
        score=feedback.score,
        met=len(feedback.covered),
        total=len(feedback.criteria),
    )
    return Reply(
        title=t(title),
        fields=tuple(fields),
        footer=status,
        tone=Tone.FEEDBACK,
        language=t.language,
    )


def _label(question: Question, result: CriterionResult, t: Translator) -> str:
    """A criterion's title in the reader's language (the grader's label once it left the rubric)."""
    try:
        return question.criterion(result.id).label_in(t.language)
    except KeyError:
        return result.label


def _hint(question: Question, result: CriterionResult, t: Translator) -> str:
    """The hint of a missed criterion in the reader's language."""
    try:
        return question.criterion(result.id).hint_in(t.language)
    except KeyError:
        return result.hint or ""


def _covered_line(
    result: CriterionResult,
    label: str,
    sizes: tuple[int, int],
    same_as: str | None,
    t: Translator,
) -> str:
    """One covered criterion: its evidence (each sentence quoted once) and the cues shown."""
    evidence_chars, cues = sizes
    if same_as:
        line = t(_("✅ {label}: the same sentence as {other}", label=label, other=same_as))
    else:
        quote = trim(result.evidence or "", evidence_chars)
        line = t(_("✅ {label}: “{quote}”", label=label, quote=quote))
    if result.matched and cues:
        shown = t(_(", ")).join(result.matched[:cues])
        more = len(result.matched) - cues
        if more > 0:
            shown = t(_("{cues} +{count} more", cues=shown, count=more))
        line += t(_(" ({cues})", cues=shown))
    return line


def _squeezed(reply: Reply) -> Reply:
    """Last resort: cut the longest field by a tenth until the reply fits."""
    fields = list(reply.fields)
    while rendered_size(replace(reply, fields=tuple(fields))) > FEEDBACK_CHARS:
        longest = max(range(len(fields)), key=lambda i: len(fields[i].value))
        value = fields[longest].value
        if len(value) <= 1:
            break
        fields[longest] = Field(fields[longest].name, clip(value, len(value) * 9 // 10))
    return replace(reply, fields=tuple(fields))


def rendered_size(reply: Reply) -> int:
    """Worst-case length of a reply once a renderer escapes it (&amp; &lt; &gt; or \\*)."""
    text = reply.plain_text()
    grows = 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))
    return len(text) + grows + sum(text.count(mark) for mark in "*_`~|\\")


def summary_reply(question: Question, summary: RoundSummary, *, t: Translator) -> Reply:
    """Posted under a closed round: the model answer and how the group did."""
    if summary.answers == 0:
        group = t(_("Nobody answered this round."))
    else:
        group = t(
            n_(
                "{count} answer, average score {average}/100.",
                "{count} answers, average score {average}/100.",
                summary.answers,
                count=summary.answers,
                average=round(summary.average_score or 0),
            )
        )
        missed = _most_missed(question, summary, t)
        if missed:
            share = t.percent(summary.most_missed_share)
            group += t(_(" Most missed: {title} ({share} of answers).", title=missed, share=share))
    return Reply(
        title=t(
            _(
                "Round {seq} closed: {title}",
                seq=summary.seq,
                title=question.title_in(t.language),
            )
        ),
        body=group,
        fields=(Field(t(_("Model answer")), question.model_answer_in(t.language)),),
        tone=Tone.SUMMARY,
        private=False,
        language=t.language,
    )


def _most_missed(question: Question, summary: RoundSummary, t: Translator) -> str | None:
    """The title of the criterion most answers missed, in the reader's language."""
    if summary.most_missed is None:
        return None
    for criterion in question.rubric:
        if summary.most_missed in (criterion.id, criterion.label):
            return criterion.label_in(t.language)
    return summary.most_missed


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
    t: Translator,
    longest: bool = False,
) -> Reply:
    """A ranked list, with the viewer's own rank when it falls outside the list."""
    if not rows and viewer is None:
        body = t(_("No answers yet: be the first with /scale answer."))
        return Reply(title=title, body=body, language=t.language)
    lines = [_standing_line(row, by_points=by_points, longest=longest, t=t) for row in rows]
    if viewer is not None and all(not row.is_viewer for row in rows):
        lines.extend(["…"] if lines else [])
        lines.append(_standing_line(viewer, by_points=by_points, longest=longest, t=t))
    return Reply(title=title, body="\n".join(lines), language=t.language)


def _standing_line(row: Standing, *, by_points: bool, longest: bool, t: Translator) -> str:
    """Format one leaderboard line."""
    marks = [t(word) for word, on in ((_("you"), row.is_viewer), (_("hidden"), row.hidden)) if on]
    name = public_name(row.name)
    if marks:
        name = t(_("{name} ({marks})", name=name, marks=t(_(", ")).join(marks)))
    points = n_("{count} point", "{count} points", row.points, count=row.points)
    if by_points:
        line = _("{rank}. {name}: {points}", rank=row.rank, name=name, points=points)
    elif longest:
        line = _(
            "{rank}. {name}: longest streak {streak} · {points}",
            rank=row.rank,
            name=name,
            streak=row.streak,
            points=points,
        )
    else:
        line = _(
            "{rank}. {name}: {streak}-round streak · {points}",
            rank=row.rank,
            name=name,
            streak=row.streak,
            points=points,
        )
    return t(line)


def streak_reply(*, current: int, longest: int, answered_open_round: bool, t: Translator) -> Reply:
    """A member's own streak."""
    if answered_open_round:
        nudge = _("You have answered the current round.")
    elif current:
        nudge = _("Answer the current round to keep it going.")
    else:
        nudge = _("Answer the current round to start one.")
    title = _("Your streak: {current} (longest {longest})", current=current, longest=longest)
    return Reply(title=t(title), body=t(nudge))
