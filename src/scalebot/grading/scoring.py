"""Scoring: coverage weighted by reasoning, the discounts (each explained), and the follow-up."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from scalebot.domain.questions import Question
from scalebot.grading.feedback import CriterionResult
from scalebot.grading.guards import FUNCTION_WORDS, question_vocabulary
from scalebot.grading.memo import per_object
from scalebot.grading.text import Sentence, stem, stem_all, words
from scalebot.locales import Language, Localized, Message, Phrase, _, n_

# Loose markers: an answer with none of them anywhere is a list of keywords.
_LINKING_WORDS = stem_all(
    """because so since which that when if then would could should to while instead
    trade tradeoff cost means therefore otherwise once until unless
    因为 由于 所以 因此 从而 以便 为了 以免 否则 如果 假如 若 要是 当 一旦 只要 除非 这样 才能 才"""
)
# Strict markers: a point made with one of these says why, at what cost, or when.
_REASONING = stem_all(
    """because since so therefore thus hence otherwise unless if when whenever until once while
    whereas but however although though instead rather tradeoff trade cost costs expensive cheap
    cheaper risk risky worth means avoid prevent ensure order allow allows lets enable faster
    slower budget versus vs compared depending depends downside benefit price safer cheaper
    因为 由于 所以 因此 从而 以便 为了 以免 否则 如果 假如 若 要是 当 一旦 只要 除非 权衡 代价 成本
    取舍 折中 但是 但 不过 然而 虽然 尽管 导致 使得 意味着 风险 好处 坏处 缺点 优点 弊端 值得 以防
    避免 防止 保证 确保 相比 才能 既然 即使 便于 划算 开销 预算 取决于 前提"""
)
# A number with a unit (100 ms, 5%, 10x, 3 小时) is a reason too: it sizes the choice.
_QUANTITY = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|ms\b|s\b|x\b|×|gb\b|tb\b|mb\b|k\b|m\b|qps\b|hours?\b|days?\b|"
    r"minutes?\b|seconds?\b|weeks?\b|months?\b|毫秒|秒|倍|小时|天|分钟|周|万|亿|千|百|台|次)"
)
# Words that make a passing mention of a point ("maybe some monitoring") rather than a claim.
_HEDGES = stem_all(
    """maybe perhaps probably possibly guess somehow something usual eventually whatever
    可能 或许 也许 大概 说不定 之类 什么的 可以考虑 随便"""
)
STOPWORDS = FUNCTION_WORDS | stem_all(
    "and or not no also just very more most some any all each every 和 与 或 的 很 更 最"
)

# Notes are Phrases: English strings to the grader and its tests, translated where shown.
NOTE_TO_GRADER = Phrase(
    _("Instructions to the grader were ignored: only your answer to the question counts.")
)
NOTE_COPIED = Phrase(
    _("Sentences copied from a hint or the model answer earn nothing: use your own words.")
)
_NOTE_NOTHING = Phrase(_("No rubric point was covered: check the hints below and try again."))
_NOTE_OFF_TOPIC = Phrase(
    _("This seems to answer a different question: reread the prompt and try again.")
)
_NOTE_ECHO = Phrase(_("The answer mostly repeats the question: say what you would do and why."))
NOTE_KEYWORDS = Phrase(
    _("Keywords without reasoning: add why each choice helps and what it costs.")
)
_OFF_TOPIC_SHARE = 0.3
_OFF_TOPIC_MIN_WORDS = 8
_SHORT_WORDS = 25
# A covered point without a reason earns this share of its weight.
BARE_CREDIT = 0.75
# Words per covered point below which an answer reads as a list; its score shrinks to the floor.
_DEPTH_WORDS = 12
_DEPTH_FLOOR = 0.7


@dataclass(frozen=True)
class Score:
    """A score from 0 to 100 and the notes that explain every discount."""

    value: int
    notes: tuple[str, ...]


def is_reasoned(sentence: Sentence) -> bool:
    """Tell whether a sentence gives a reason, a cost, a condition or a number."""
    return not sentence.word_stems.isdisjoint(_REASONING) or bool(
        _QUANTITY.search(sentence.form or sentence.text.lower())
    )


def is_hedged(sentence: Sentence) -> bool:
    """Tell whether a sentence only hedges ("probably some dashboards, the usual")."""
    return not sentence.word_stems.isdisjoint(_HEDGES)


@per_object
def prompt_stems(question: Question) -> frozenset[str]:
    """The stems of a question's prompt (both languages)."""
    prompt = question.prompt + (" " + question.zh.prompt if question.zh else "")
    return frozenset(stem(w) for w in words(prompt))


def score(
    question: Question,
    results: Sequence[CriterionResult],
    reasoned: Sequence[bool],
    sentences: Sequence[Sentence],
    claims: Sequence[Sentence],
) -> Score:
    """Weigh covered points (reasoned ones fully), then discount short, echoed or listed answers."""
    met = [(r, why) for r, why in zip(results, reasoned, strict=True) if r.met]
    all_stems = list(chain.from_iterable(sentence.stems for sentence in sentences))
    echo = _is_echo(question, all_stems)
    if not met:
        return Score(0, (_why_nothing(question, all_stems, claims, echo=echo),))
    total = question.total_weight
    listed = all(s.word_stems.isdisjoint(_LINKING_WORDS) for s in sentences)
    # A whole answer without reasons is discounted once, by the keyword factor below.
    credit = sum(r.weight * (1.0 if why or listed else BARE_CREDIT) for r, why in met) / total
    notes: list[str] = []
    factor = 1.0
    if echo:
        notes.append(_NOTE_ECHO)
        factor = 0.3
    elif len(all_stems) < _SHORT_WORDS:
        notes.append(_short_note(len(all_stems)))
        factor = 0.6
    if listed:
        notes.append(NOTE_KEYWORDS)
        factor = min(factor, 0.7)
    else:
        notes.extend(_bare_note(question, met, total))
    depth = _depth(len(all_stems), len(met))
    if depth < factor and depth < 1.0:
        notes.append(_depth_note(len(all_stems) // len(met)))
    return Score(round(100 * credit * min(factor, depth)), tuple(notes))


def _is_echo(question: Question, all_stems: Sequence[str]) -> bool:
    """Tell whether an answer mostly repeats the question's own words."""
    in_prompt = prompt_stems(question).__contains__
    new_words = len(all_stems) - sum(map(in_prompt, all_stems))
    return new_words < max(3, len(all_stems) // 3)


def _short_note(word_count: int) -> Phrase:
    """The note on a very short answer."""
    return Phrase(
        n_(
            "Very short answer ({count} word): explain how and why, not only what.",
            "Very short answer ({count} words): explain how and why, not only what.",
            word_count,
            count=word_count,
        )
    )


def _depth_note(per_point: int) -> Phrase:
    """The note on many points made in few words."""
    return Phrase(
        _(
            "Many points in few words (about {per} words each): fewer points, each with its "
            "reason, score higher.",
            per=per_point,
        )
    )


def _bare_note(
    question: Question, met: Sequence[tuple[CriterionResult, bool]], total: int
) -> list[str]:
    """Explain the points lost to covered points that give no reason."""
    bare = [r for r, why in met if not why]
    if not bare:
        return []
    lost = max(1, round(100 * sum(r.weight for r in bare) * (1 - BARE_CREDIT) / total))
    labels = _labels(question, bare)
    if len(bare) == 1:
        note = _(
            "You named one idea without saying why ({labels}): pick it and explain the "
            "trade-off (up to {points} more points).",
            labels=labels,
            points=lost,
        )
    elif len(bare) == 2:
        note = _(
            "You named two ideas without saying why ({labels}): pick them and explain the "
            "trade-off (up to {points} more points).",
            labels=labels,
            points=lost,
        )
    else:
        note = _(
            "You named {count} ideas without saying why ({labels}): pick two and explain the "
            "trade-off (up to {points} more points).",
            count=_COUNT_WORDS.get(len(bare), len(bare)),
            labels=labels,
            points=lost,
        )
    return [Phrase(note)]


# English spells small counts out; other languages read the Message's own wording.
_COUNT_WORDS: dict[int, Message | int] = {3: _("three"), 4: _("four"), 5: _("five")}


def _labels(question: Question, results: Sequence[CriterionResult]) -> Localized:
    """Up to three criterion titles in each language, for a note."""
    shown, more = results[:3], len(results) > 3
    english = ", ".join(r.label.lower() for r in shown) + (" …" if more else "")
    chinese = []
    for result in shown:
        try:
            chinese.append(question.criterion(result.id).label_in(Language.ZH))
        except KeyError:
            chinese.append(result.label)
    return Localized(
        {Language.EN: english, Language.ZH: "、".join(chinese) + ("……" if more else "")}
    )


def _why_nothing(
    question: Question, all_stems: Sequence[str], claims: Sequence[Sentence], *, echo: bool
) -> str:
    """Say why an answer covered nothing: an echo, off topic, bare keywords, or just gaps."""
    if echo:
        return _NOTE_ECHO
    if not claims:
        return NOTE_KEYWORDS
    content = [s for s in all_stems if s not in STOPWORDS]
    vocabulary = question_vocabulary(question)
    on_topic = sum(1 for s in content if s in vocabulary)
    if len(content) >= _OFF_TOPIC_MIN_WORDS and on_topic < _OFF_TOPIC_SHARE * len(content):
        return _NOTE_OFF_TOPIC
    return _NOTE_NOTHING


def _depth(word_count: int, met: int) -> float:
    """Discount answers that cover many points in very few words (lists without reasons)."""
    per_point = word_count / max(1, met)
    return max(_DEPTH_FLOOR, min(1.0, per_point / _DEPTH_WORDS))


def follow_up(question: Question, results: Sequence[CriterionResult]) -> str:
    """Pick one follow-up: the first for partial answers, the last once everything is covered."""
    if all(result.met for result in results):
        return question.follow_ups[-1]
    return question.follow_ups[0]
