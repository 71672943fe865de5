"""Scoring: the quality factor (short, echo, keywords, depth), the notes and the follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from scalebot.domain.questions import Question
from scalebot.grading.baseline.guards import FUNCTION_WORDS
from scalebot.grading.baseline.text import Sentence, stem, stem_all, words
from scalebot.grading.feedback import CriterionResult

_REASONING_MARKERS = stem_all(
    """because so since which that when if then would could should to while instead
    trade tradeoff cost means therefore otherwise once until unless"""
)
_STOPWORDS = FUNCTION_WORDS | stem_all(
    "and or not no also just very more most some any all each every"
)

NOTE_TO_GRADER = "Instructions to the grader were ignored: only your answer to the question counts."
_NOTE_NOTHING = "No rubric point was covered: check the hints below and try again."
_NOTE_OFF_TOPIC = "This seems to answer a different question: reread the prompt and try again."
_NOTE_ECHO = "The answer mostly repeats the question: say what you would do and why."
_NOTE_SHORT = "Very short answer: explain how and why, not only what."
NOTE_KEYWORDS = "Keywords without reasoning: add why each choice helps and what it costs."
_OFF_TOPIC_SHARE = 0.3
_OFF_TOPIC_MIN_WORDS = 8
_SHORT_WORDS = 25
# Words per covered point below which an answer reads as a list; its score shrinks to the floor.
_DEPTH_WORDS = 15
_DEPTH_FLOOR = 0.6


@lru_cache(maxsize=1024)
def _prompt_stems(question: Question) -> frozenset[str]:
    """The stems of a question's prompt."""
    return frozenset(stem(w) for w in words(question.prompt))


@lru_cache(maxsize=1024)
def _vocabulary(question: Question) -> frozenset[str]:
    """Every stem the question, its rubric and its model answer use."""
    parts = [question.title, question.prompt, question.model_answer]
    for criterion in question.rubric:
        parts.extend([criterion.description, criterion.hint, *criterion.cues])
    return frozenset(stem(w) for part in parts for w in words(part))


def quality(
    question: Question, sentences: Sequence[Sentence], claims: Sequence[Sentence], raw: float
) -> tuple[float, tuple[str, ...]]:
    """Scale the score down for answers that are short, bare keywords, echoes or off topic."""
    all_stems = [s for sentence in sentences for s in sentence.stems]
    in_prompt = _prompt_stems(question).__contains__
    new_words = len(all_stems) - sum(map(in_prompt, all_stems))
    echo = new_words < max(3, len(all_stems) // 3)
    if raw == 0:
        return 1.0, (_why_nothing(question, all_stems, claims, echo=echo),)
    notes: list[str] = []
    factor = 1.0
    if echo:
        notes.append(_NOTE_ECHO)
        factor = min(factor, 0.3)
    elif len(all_stems) < _SHORT_WORDS:
        notes.append(_NOTE_SHORT)
        factor = min(factor, 0.6)
    if all(sentence.word_stems.isdisjoint(_REASONING_MARKERS) for sentence in sentences):
        notes.append(NOTE_KEYWORDS)
        factor = min(factor, 0.7)
    return min(factor, _depth(len(all_stems), raw, question)), tuple(notes)


def _why_nothing(
    question: Question, all_stems: Sequence[str], claims: Sequence[Sentence], *, echo: bool
) -> str:
    """Say why an answer covered nothing: an echo, off topic, bare keywords, or just gaps."""
    if echo:
        return _NOTE_ECHO
    if not claims:
        return NOTE_KEYWORDS
    content = [s for s in all_stems if s not in _STOPWORDS]
    vocabulary = _vocabulary(question)
    on_topic = sum(1 for s in content if s in vocabulary)
    if len(content) >= _OFF_TOPIC_MIN_WORDS and on_topic < _OFF_TOPIC_SHARE * len(content):
        return _NOTE_OFF_TOPIC
    return _NOTE_NOTHING


def _depth(word_count: int, raw: float, question: Question) -> float:
    """Discount answers that cover many points in very few words (lists without reasons)."""
    met_share = raw * len(question.rubric)
    per_point = word_count / max(1.0, met_share)
    return max(_DEPTH_FLOOR, min(1.0, per_point / _DEPTH_WORDS))


def follow_up(question: Question, results: Sequence[CriterionResult]) -> str:
    """Pick one follow-up: the first for partial answers, the last once everything is covered."""
    if all(result.met for result in results):
        return question.follow_ups[-1]
    return question.follow_ups[0]
