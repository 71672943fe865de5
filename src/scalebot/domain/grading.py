"""Rubric grading: which criteria an answer covers, with evidence, a score and hints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from scalebot.domain.questions import Criterion, Question
from scalebot.domain.text import Sentence, analyse, stem, words

EVIDENCE_LIMIT = 200
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "none",
        "nor",
        "neither",
        "cannot",
        "dont",
        "doesnt",
        "didnt",
        "wont",
        "wouldnt",
        "shouldnt",
        "isnt",
        "arent",
        "cant",
        "skip",
    ]
)
_NOT_REALLY_NEGATING = frozenset({"only", "just", "merely", "necessarily", "matter", "doubt"})
_CLAUSE_BREAKS = frozenset({"but", "however", "although", "though", "instead", "rather", "while"})
_NEGATION_REACH = 6
_REASONING_MARKERS = frozenset(
    stem(w)
    for w in [
        "because",
        "so",
        "since",
        "which",
        "that",
        "when",
        "if",
        "then",
        "would",
        "could",
        "should",
        "to",
        "while",
        "instead",
        "trade",
        "tradeoff",
        "cost",
        "means",
        "therefore",
        "otherwise",
    ]
)


@dataclass(frozen=True)
class CriterionResult:
    """How one criterion fared: met or not, the evidence, the cues found, a hint when missed."""

    id: str
    label: str
    weight: int
    met: bool
    evidence: str | None
    matched: tuple[str, ...]
    hint: str | None


@dataclass(frozen=True)
class Feedback:
    """The grader's verdict on one answer."""

    question_id: str
    score: int
    criteria: tuple[CriterionResult, ...]
    follow_up: str
    notes: tuple[str, ...]
    grader_version: str

    @property
    def covered(self) -> tuple[CriterionResult, ...]:
        """Criteria the answer covered."""
        return tuple(result for result in self.criteria if result.met)

    @property
    def missed(self) -> tuple[CriterionResult, ...]:
        """Criteria the answer missed."""
        return tuple(result for result in self.criteria if not result.met)


class Grader(Protocol):
    """Anything that turns (question, answer text) into feedback."""

    version: str

    def grade(self, question: Question, text: str) -> Feedback:
        """Grade one answer."""
        ...


@dataclass(frozen=True)
class _Cue:
    phrase: str
    stems: frozenset[str]
    joined: str

    def same_as(self, other: _Cue) -> bool:
        """Tell whether two cues stem to the same words (overfit / overfitting)."""
        return self.stems == other.stems or self.joined == other.joined


@lru_cache(maxsize=4096)
def _compile_cues(criterion: Criterion) -> tuple[_Cue, ...]:
    """Stem every cue once per criterion."""
    compiled = []
    for phrase in criterion.cues:
        tokens = words(phrase)
        compiled.append(_Cue(phrase, frozenset(stem(t) for t in tokens), stem("".join(tokens))))
    return tuple(compiled)


def _cue_positions(sentence: Sentence, cue: _Cue) -> list[int] | None:
    """Return where the cue's words sit in the sentence, or None when it is absent."""
    if cue.stems <= sentence.stem_set:
        return [i for i, s in enumerate(sentence.stems) if s in cue.stems]
    if len(cue.stems) > 1 and cue.joined in sentence.stem_set:
        pairs = zip(sentence.tokens, sentence.tokens[1:], strict=False)
        return [i for i, (a, b) in enumerate(pairs) if stem(a + b) == cue.joined]
    return None


def _is_negated(sentence: Sentence, position: int) -> bool:
    """Tell whether a negation governs the word at this position (within its clause)."""
    start = max(0, position - _NEGATION_REACH)
    for i in range(position - 1, start - 1, -1):
        word = sentence.stems[i]
        if word in _CLAUSE_BREAKS:
            return False
        # "don't" arrives as "don" + "t" once punctuation is dropped.
        if word in NEGATORS or (word == "t" and i > 0 and sentence.stems[i - 1].endswith("n")):
            following = sentence.stems[i + 1] if i + 1 < len(sentence.stems) else ""
            return following not in _NOT_REALLY_NEGATING
    return False


def _find_evidence(
    sentences: Sequence[Sentence], criterion: Criterion
) -> tuple[str | None, tuple[str, ...]]:
    """Return the best sentence for a criterion and the cue phrases it showed."""
    best: tuple[int, str | None] = (0, None)
    found: list[_Cue] = []
    for sentence in sentences:
        hits = []
        for cue in _compile_cues(criterion):
            positions = _cue_positions(sentence, cue)
            if positions and not _is_negated(sentence, min(positions)):
                hits.append(cue)
        found.extend(hit for hit in hits if not any(hit.same_as(seen) for seen in found))
        if len(hits) > best[0]:
            best = (len(hits), sentence.text)
    return best[1], tuple(cue.phrase for cue in found)


def trim(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    """Trim text to a limit, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class RubricGrader:
    """Deterministic, offline grader: cue phrases matched on word stems, negation aware."""

    version = "rubric-1"

    def grade(self, question: Question, text: str) -> Feedback:
        """Grade one answer against the question's rubric."""
        sentences = analyse(text)
        results = []
        for criterion in question.rubric:
            evidence, matched = _find_evidence(sentences, criterion)
            met = evidence is not None
            results.append(
                CriterionResult(
                    id=criterion.id,
                    label=criterion.label,
                    weight=criterion.weight,
                    met=met,
                    evidence=trim(evidence) if evidence else None,
                    matched=matched if met else (),
                    hint=None if met else criterion.hint,
                )
            )
        raw = sum(r.weight for r in results if r.met) / question.total_weight
        factor, notes = _quality(question, sentences, raw)
        score = round(100 * raw * factor)
        return Feedback(
            question_id=question.id,
            score=score,
            criteria=tuple(results),
            follow_up=_follow_up(question, results),
            notes=notes,
            grader_version=self.version,
        )


def _quality(
    question: Question, sentences: Sequence[Sentence], raw: float
) -> tuple[float, tuple[str, ...]]:
    """Scale the score down for answers that are too short, bare keywords or echo the prompt."""
    all_stems = [s for sentence in sentences for s in sentence.stems]
    notes: list[str] = []
    factor = 1.0
    if raw == 0:
        notes.append("No rubric point was covered: check the hints below and try again.")
        return factor, tuple(notes)
    prompt_stems = {stem(w) for w in words(question.prompt)}
    new_words = [s for s in all_stems if s not in prompt_stems]
    if len(new_words) < max(3, len(all_stems) // 3):
        notes.append("The answer mostly repeats the question: say what you would do and why.")
        factor = min(factor, 0.3)
    elif len(all_stems) < 25:
        notes.append("Very short answer: explain how and why, not only what.")
        factor = min(factor, 0.6)
    if not any(s in _REASONING_MARKERS for s in all_stems):
        notes.append("Keywords without reasoning: add why each choice helps and what it costs.")
        factor = min(factor, 0.5)
    return factor, tuple(notes)


def _follow_up(question: Question, results: Sequence[CriterionResult]) -> str:
    """Pick one follow-up: the first for partial answers, the last once everything is covered."""
    if all(result.met for result in results):
        return question.follow_ups[-1]
    return question.follow_ups[0]
