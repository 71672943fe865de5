"""Rubric grading: which criteria an answer covers, with evidence, a score and hints."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Protocol, runtime_checkable

from scalebot.domain.questions import Criterion, Question
from scalebot.domain.text import Sentence, analyse, offset_of, stem, words

EVIDENCE_LIMIT = 200


def _stem_all(text: str) -> frozenset[str]:
    """Stem every word of a space-separated list (answers are compared as stems)."""
    return frozenset(stem(word) for word in text.split())


NEGATORS = _stem_all(
    "not no never without none nor neither cannot dont doesnt didnt wont wouldnt shouldnt "
    "isnt arent cant skip avoid"
)
# Words after a cue that deny it: "Kubernetes is overkill", "checkpoints are not needed".
_AFTER_NEGATORS = _stem_all("not never isnt arent wont unnecessary overkill needless pointless")
_AFTER_SKIP = _stem_all("is are be was were do does really just also")
_NOT_REALLY_NEGATING = _stem_all("only just merely necessarily matter doubt")
_CLAUSE_BREAKS = _stem_all("but however although though instead rather while so then once because")
# After a comma or colon, these words start a new clause and end a negation's reach.
_CLAUSE_STARTERS = _stem_all(
    "i we you they it this that these a an the my our since because which when if as plus "
    "also just yet"
)
_NEGATION_REACH = 8


# Function words: a sentence with none of them is a bare list of keywords, not a claim.
_FUNCTION_WORDS = _stem_all(
    """i we you they it he she me us my our your their this that these those a an the
    would will should could can may might must shall is are be been being was were do does did
    have has had to for with on in by of from at into onto over under per via as if when then
    so because since which who what how why where until unless than"""
)
_REASONING_MARKERS = _stem_all(
    """because so since which that when if then would could should to while instead
    trade tradeoff cost means therefore otherwise once until unless"""
)
_STOPWORDS = _FUNCTION_WORDS | _stem_all(
    "and or not no also just very more most some any all each every"
)
_LIST_SPLIT = re.compile(r"[,;+]|\band\b|\bor\b")
_LIST_ITEMS = 4
_LIST_ITEM_WORDS = 1.6
_GRADER = r"(?:grader|grading|evaluator|marker|ai|llm|bot|model)"
_TO_GRADER = re.compile(
    r"\bignore (?:(?:the|all|any|your|my|previous|prior|above|of|these) )*"
    r"(?:rubric|instructions?|criteria|grader|grading|rules|prompt|scoring)\b"
    rf"|\b(?:dear|note to the|hey|hi|hello) (?:\w+ )?{_GRADER}\b"
    r"|\b(?:the )?grader\b.{0,40}\b(?:must|should|shall|will|has to)\b"
    r"|\b(?:score|grade|mark|rate)s? (?:of|to|it|this|me|my answer)?\s*100\b"
    r"|\b100 points\b|\bfull marks\b"
    r"|\bgive (?:me|this answer|my answer|it)\b.{0,25}"
    r"\b(?:100|full marks|full score|maximum score|perfect score|top score|a perfect)\b"
    r"|\bmark\b.{0,160}\bas (?:covered|met)\b"
    r"|^(?:system|assistant|instructions?)\s*:\s*(?:you|the grader|ignore|mark|give|score|award)",
)
# Cheap pre-check: _TO_GRADER can only match a sentence holding one of these stems.
_GRADER_STEMS = _stem_all(
    "ignore grader grading evaluator assistant llm 100 marks give dear hey hello"
)
_GRADER_OPENERS = _stem_all("system assistant instruction instructions")
# A sentence that names this many criterion ids of the rubric talks to the grader.
_IDS_TO_GRADER = 2


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


@runtime_checkable
class AsyncGrader(Grader, Protocol):
    """A grader that waits on I/O (a model server); services await it instead of `grade`."""

    async def grade_async(self, question: Question, text: str) -> Feedback:
        """Grade one answer without blocking the event loop."""
        ...


@dataclass(frozen=True)
class _Cue:
    phrase: str
    stems: tuple[str, ...]
    stem_set: frozenset[str]
    joined: str


class _Hit(NamedTuple):
    cue: _Cue
    start: int  # token index, or _UNKNOWN until someone needs it


_UNKNOWN = -1


def _start(sentence: Sentence, hit: _Hit) -> int:
    """Where a hit starts in its sentence."""
    return hit.start if hit.start != _UNKNOWN else _cue_starts(sentence, hit.cue)[0]


@lru_cache(maxsize=4096)
def _compile_cues(criterion: Criterion) -> tuple[_Cue, ...]:
    """Stem every cue once per criterion."""
    compiled = []
    for phrase in criterion.cues:
        tokens = words(phrase)
        stems = tuple(dict.fromkeys(stem(t) for t in tokens))
        if not stems:
            continue  # a cue without letters or digits could only match everything
        compiled.append(_Cue(phrase, stems, frozenset(stems), stem("".join(tokens))))
    return tuple(compiled)


def _window(size: int) -> int:
    """How far apart (in tokens) the words of a cue of this size may sit in a sentence."""
    return 3 * size + 2


def _cue_starts(sentence: Sentence, cue: _Cue) -> list[int]:
    """Return where each occurrence of the cue starts in the sentence (empty when absent)."""
    if len(cue.stems) == 1:
        return sentence.positions(cue.stems[0])
    if cue.stem_set <= sentence.word_stems:
        starts = _spans(sentence, cue.stems)
        if starts:
            return starts
    if cue.joined in sentence.word_stems:
        return sentence.positions(cue.joined)
    return []


def _spans(sentence: Sentence, wanted: Sequence[str]) -> list[int]:
    """Start positions of windows holding every wanted stem, in any order, close together."""
    lists = [sentence.positions(w) for w in wanted]
    window = _window(len(wanted))
    if all(len(found) == 1 for found in lists):  # the usual case: each word once
        chosen = [found[0] for found in lists]
        low = min(chosen)
        return [low] if max(chosen) - low <= window else []
    starts = []
    for at in min(lists, key=len):
        chosen = [_nearest(found, at) for found in lists]
        if max(chosen) - min(chosen) <= window:
            starts.append(min(chosen))
    return starts


def _nearest(candidates: Sequence[int], at: int) -> int:
    """Return the candidate position closest to `at`."""
    return min(candidates, key=lambda i: abs(i - at))


def _clause_start(sentence: Sentence, position: int, floor: int) -> int:
    """Return where the clause holding this token starts, looking back no further than floor."""
    for i in range(position, max(floor, 0), -1):
        if sentence.stems[i - 1] in _CLAUSE_BREAKS:
            return i
        if i in sentence.breaks and sentence.stems[i] in _CLAUSE_STARTERS:
            return i
    return max(floor, 0)


def _is_negated(sentence: Sentence, start: int, end: int) -> bool:
    """Tell whether a negation governs the words from start to end (within their clause)."""
    if sentence.word_stems.isdisjoint(NEGATORS):
        return _denied_after(sentence, end)
    first = _clause_start(sentence, start, start - _NEGATION_REACH)
    for i in range(start - 1, first - 1, -1):
        if sentence.stems[i] in NEGATORS:
            following = sentence.stems[i + 1] if i + 1 < len(sentence.stems) else ""
            return following not in _NOT_REALLY_NEGATING
    return _denied_after(sentence, end)


def _denied_after(sentence: Sentence, end: int) -> bool:
    """Tell whether the words right after a cue deny it ("GPUs are not needed")."""
    if sentence.word_stems.isdisjoint(_AFTER_NEGATORS):
        return False
    stems = sentence.stems
    i = end + 1
    while i < len(stems) and i not in sentence.breaks and stems[i] in _AFTER_SKIP:
        i += 1
    if i >= len(stems) or i in sentence.breaks or stems[i] not in _AFTER_NEGATORS:
        return False
    return not (i + 1 < len(stems) and stems[i + 1] in _NOT_REALLY_NEGATING)


def _affirmed_hit(sentence: Sentence, cue: _Cue) -> _Hit | None:
    """Return the first occurrence of the cue that no negation governs."""
    for start in _cue_starts(sentence, cue):
        end = start + max(1, len(cue.stems)) - 1
        if not _is_negated(sentence, start, min(end, len(sentence.stems) - 1)):
            return _Hit(cue, start)
    return None


def is_keyword_list(sentence: Sentence) -> bool:
    """Tell whether a sentence is a bare list of keywords with no claim (or one lone word)."""
    if len(sentence.tokens) == 1:
        return sentence.stems[0] not in _FUNCTION_WORDS
    if len(sentence.word_stems & _FUNCTION_WORDS) > 1:
        return False
    if sum(sentence.text.count(mark) for mark in ",;+") < _LIST_ITEMS - 2:
        return False
    sizes = [len(item.split()) for item in _LIST_SPLIT.split(sentence.text) if item.strip()]
    return (
        len(sizes) >= _LIST_ITEMS
        and max(sizes) <= 3
        and sum(sizes) <= _LIST_ITEM_WORDS * len(sizes)
    )


def addresses_grader(sentence: Sentence, question: Question) -> bool:
    """Tell whether a sentence instructs the grader instead of answering the question."""
    lowered = sentence.text.lower()
    if _may_address_grader(sentence) and _TO_GRADER.search(lowered):
        return True
    named = sum(1 for c in question.rubric if "-" in c.id and c.id in lowered)
    return named >= _IDS_TO_GRADER


def _may_address_grader(sentence: Sentence) -> bool:
    """Cheap pre-check: could this sentence match the grader-instruction patterns at all?"""
    if not sentence.word_stems.isdisjoint(_GRADER_STEMS):
        return True
    return bool(sentence.stems) and sentence.stems[0] in _GRADER_OPENERS


def _to_grader(sentences: Sequence[Sentence], text: str, question: Question) -> list[Sentence]:
    """Return the sentences that speak to the grader (none, quickly, for most answers)."""
    lowered = text.lower()
    if any("-" in c.id and c.id in lowered for c in question.rubric):
        return [s for s in sentences if addresses_grader(s, question)]
    return [s for s in sentences if _may_address_grader(s) and addresses_grader(s, question)]


class _Evidence(NamedTuple):
    sentence: Sentence
    hits: tuple[_Hit, ...]


@dataclass(frozen=True)
class _CompiledRubric:
    cues: tuple[tuple[_Cue, ...], ...]
    # A stem (or joined pair) -> the (criterion, cue) positions whose match needs it.
    index: Mapping[str, tuple[tuple[int, int], ...]]
    keys: frozenset[str]
    # Words that may be the first half of a one-word cue written as two (check point).
    halves: frozenset[str]


@lru_cache(maxsize=1024)
def _compile_rubric(question: Question) -> _CompiledRubric:
    """Compile every cue of a question once and index them by a stem each one needs."""
    cues = tuple(_compile_cues(criterion) for criterion in question.rubric)
    index: dict[str, list[tuple[int, int]]] = {}
    for c, criterion_cues in enumerate(cues):
        for q, cue in enumerate(criterion_cues):
            keys = {max(cue.stems, key=len)}
            if len(cue.stems) > 1:
                keys.add(cue.joined)
            for key in keys:
                index.setdefault(key, []).append((c, q))
    singles = [cue.stems[0] for criterion_cues in cues for cue in criterion_cues]
    halves = {word[:n] for word in singles for n in range(3, len(word) - 1)}
    return _CompiledRubric(
        cues,
        {key: tuple(value) for key, value in index.items()},
        frozenset(index),
        frozenset(halves),
    )


def _sentence_hits(sentence: Sentence, rubric: _CompiledRubric) -> dict[int, list[_Hit]]:
    """Return the affirmed cue hits in one sentence, per criterion position, in cue order."""
    stem_set = sentence.word_stems
    keys = set(stem_set & rubric.keys)
    if not rubric.halves.isdisjoint(sentence.tokens):
        keys.update(j for _, j in sentence.joined_pairs(rubric.halves) if j in rubric.index)
    if not keys:
        return {}
    candidates = sorted({pair for key in keys for pair in rubric.index[key]})
    negations = not (stem_set.isdisjoint(NEGATORS) and stem_set.isdisjoint(_AFTER_NEGATORS))
    hits: dict[int, list[_Hit]] = {}
    for c, q in candidates:
        cue = rubric.cues[c][q]
        if negations:
            hit = _affirmed_hit(sentence, cue)
        elif len(cue.stems) == 1:
            hit = _Hit(cue, _UNKNOWN)  # found when needed: see _start
        else:
            starts = _cue_starts(sentence, cue)
            hit = _Hit(cue, starts[0]) if starts else None
        if hit is not None:
            hits.setdefault(c, []).append(hit)
    return hits


def _find_evidence(
    question: Question, sentences: Sequence[Sentence]
) -> list[tuple[_Evidence | None, tuple[str, ...]]]:
    """Per criterion: the sentence with most cue hits, and every cue phrase the answer showed."""
    rubric = _compile_rubric(question)
    best: list[_Evidence | None] = [None] * len(rubric.cues)
    found: list[list[str]] = [[] for _ in rubric.cues]
    seen: list[set[object]] = [set() for _ in rubric.cues]
    for sentence in sentences:
        for c, hits in _sentence_hits(sentence, rubric).items():
            for hit in hits:
                # Show each cue once, whatever its form (overfit / overfitting).
                if hit.cue.stem_set not in seen[c] and hit.cue.joined not in seen[c]:
                    seen[c].update((hit.cue.stem_set, hit.cue.joined))
                    found[c].append(hit.cue.phrase)
            current = best[c]
            if current is None or len(hits) > len(current.hits):
                best[c] = _Evidence(sentence, tuple(hits))
    return [(b, tuple(f)) for b, f in zip(best, found, strict=True)]


def trim(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    """Trim text to a limit, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def excerpt(evidence: _Evidence, limit: int = EVIDENCE_LIMIT) -> str:
    """Cut a long evidence sentence around its first cue, marking cuts with ellipses."""
    text = evidence.sentence.text
    if len(text) <= limit:
        return text
    at = offset_of(evidence.sentence, _start(evidence.sentence, evidence.hits[0]))
    start = max(0, min(at - limit // 4, len(text) - (limit - 1)))
    if start == 0:
        return trim(text, limit)
    window = text[start : start + limit - 2].strip()
    return "…" + window + ("…" if start + limit - 2 < len(text) else "")


class RubricGrader:
    """Deterministic, offline grader: cue phrases matched on word stems, negation aware."""

    version = "rubric-2"

    def grade(
        self, question: Question, text: str, *, also_met: Mapping[str, str] | None = None
    ) -> Feedback:
        """Grade one answer; `also_met` adds criteria another judge proved with quoted evidence."""
        sentences = analyse(text)
        to_grader = _to_grader(sentences, text, question)
        claims = [s for s in sentences if s not in to_grader and not is_keyword_list(s)]
        evidence = _find_evidence(question, claims)
        results = [_judge(c, *found) for c, found in zip(question.rubric, evidence, strict=True)]
        if also_met:
            results = [_accept(result, also_met.get(result.id)) for result in results]
        raw = sum(r.weight for r in results if r.met) / question.total_weight
        answer = [s for s in sentences if s not in to_grader]
        factor, notes = _quality(question, answer, claims, raw)
        if to_grader:
            notes = (_NOTE_TO_GRADER, *(n for n in notes if n != _NOTE_KEYWORDS))
        return Feedback(
            question_id=question.id,
            score=round(100 * raw * factor),
            criteria=tuple(results),
            follow_up=_follow_up(question, results),
            notes=notes,
            grader_version=self.version,
        )


def answer_addresses_grader(question: Question, text: str) -> bool:
    """Tell whether any sentence of an answer instructs the grader."""
    return any(addresses_grader(sentence, question) for sentence in analyse(text))


def _accept(result: CriterionResult, evidence: str | None) -> CriterionResult:
    """Mark a missed criterion as met on another judge's verified evidence."""
    if result.met or not evidence:
        return result
    return CriterionResult(
        id=result.id,
        label=result.label,
        weight=result.weight,
        met=True,
        evidence=trim(evidence),
        matched=(),
        hint=None,
    )


def _judge(
    criterion: Criterion, evidence: _Evidence | None, matched: tuple[str, ...]
) -> CriterionResult:
    """Turn what was found for one criterion into its result."""
    met = evidence is not None
    return CriterionResult(
        id=criterion.id,
        label=criterion.label,
        weight=criterion.weight,
        met=met,
        evidence=excerpt(evidence) if evidence is not None else None,
        matched=matched if met else (),
        hint=None if met else criterion.hint,
    )


_NOTE_TO_GRADER = (
    "Instructions to the grader were ignored: only your answer to the question counts."
)
_NOTE_NOTHING = "No rubric point was covered: check the hints below and try again."
_NOTE_OFF_TOPIC = "This seems to answer a different question: reread the prompt and try again."
_NOTE_ECHO = "The answer mostly repeats the question: say what you would do and why."
_NOTE_SHORT = "Very short answer: explain how and why, not only what."
_NOTE_KEYWORDS = "Keywords without reasoning: add why each choice helps and what it costs."
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


def _quality(
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
        notes.append(_NOTE_KEYWORDS)
        factor = min(factor, 0.7)
    return min(factor, _depth(len(all_stems), raw, question)), tuple(notes)


def _why_nothing(
    question: Question, all_stems: Sequence[str], claims: Sequence[Sentence], *, echo: bool
) -> str:
    """Say why an answer covered nothing: an echo, off topic, bare keywords, or just gaps."""
    if echo:
        return _NOTE_ECHO
    if not claims:
        return _NOTE_KEYWORDS
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


def _follow_up(question: Question, results: Sequence[CriterionResult]) -> str:
    """Pick one follow-up: the first for partial answers, the last once everything is covered."""
    if all(result.met for result in results):
        return question.follow_ups[-1]
    return question.follow_ups[0]
