"""Cue matching: where a criterion's cue phrases occur in an answer, and the evidence shown."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import NamedTuple

from scalebot.domain.questions import Criterion, Question
from scalebot.domain.text import is_boundary
from scalebot.grading.chinese import has_cjk
from scalebot.grading.guards import FUNCTION_WORDS
from scalebot.grading.memo import per_object
from scalebot.grading.negation import NEGATORS, is_negated, may_negate
from scalebot.grading.text import Sentence, match_form, offset_of, stem, words

EVIDENCE_LIMIT = 200
_SMALL_WORD_GAP = 2


@dataclass(frozen=True, eq=False)
class Cue:
    """One cue phrase, stemmed: its stems in order, as a set, and written as one word."""

    phrase: str
    stems: tuple[str, ...]
    stem_set: frozenset[str]
    joined: str
    window: int  # how far apart (in tokens) its words may sit in a sentence
    # For cues holding a small word ("a/b test", "on call"): in order, at most this many
    # other words after each word; None lets the words come in any order within the window.
    gaps: tuple[int, ...] | None = None


class Hit(NamedTuple):
    """One affirmed occurrence of a cue in a sentence."""

    cue: Cue
    start: int  # token index, or _UNKNOWN until someone needs it


_UNKNOWN = -1


class Evidence(NamedTuple):
    """The sentence that shows a criterion best, with its cue hits."""

    sentence: Sentence
    hits: tuple[Hit, ...]


def hit_start(sentence: Sentence, hit: Hit) -> int:
    """Where a hit starts in its sentence."""
    return hit.start if hit.start != _UNKNOWN else _cue_starts(sentence, hit.cue)[0]


@per_object
def _compile_cues(criterion: Criterion) -> tuple[Cue, ...]:
    """Stem every cue once per criterion."""
    compiled: dict[frozenset[str] | tuple[str, ...], Cue] = {}
    phrases = criterion.cues + (criterion.zh.cues if criterion.zh else ())
    for phrase in phrases:
        tokens = words(phrase)
        every = tuple(stem(t) for t in tokens)
        gaps = _gaps(every)
        # Words read in order keep a repeat ("a/a test", "token by token"); words in any order
        # need each word once. A cue without letters or digits could only match everything.
        stems = every if gaps is not None else tuple(dict.fromkeys(every))
        key = frozenset(stems) if gaps is None else stems
        if stems and key not in compiled:
            joined = stem("".join(tokens))
            window = _window(stems)
            compiled[key] = Cue(phrase, stems, frozenset(stems), joined, window, gaps)
    return tuple(compiled.values())


def _gaps(stems: Sequence[str]) -> tuple[int, ...] | None:
    """How many words may follow each word of a cue that holds a small word, in order.

    Small words match everything nearby ("a/b test" once matched "test plan b on a sample"),
    so such cues are read in order: a letter or digit sits right next to its neighbour,
    a function word within two words of it.
    """
    if len(stems) < 2 or any(has_cjk(s) for s in stems):
        return None
    if all(len(s) > 1 and s not in FUNCTION_WORDS for s in stems):
        return None
    return tuple(
        0 if len(first) == 1 or len(second) == 1 else _SMALL_WORD_GAP
        for first, second in pairwise(stems)
    )


def _window(stems: Sequence[str]) -> int:
    """How far apart (in tokens) a cue's words may sit in a sentence.

    A cue with a negation inside it (不安全, "not reproducible") must be read as written,
    or "不存在安全问题" would say "unsafe".
    """
    if not NEGATORS.isdisjoint(stems):
        return len(stems) - 1
    return 3 * len(stems) + 2


def _cue_starts(sentence: Sentence, cue: Cue) -> list[int]:
    """Return where each occurrence of the cue starts in the sentence (empty when absent)."""
    if len(cue.stems) == 1:
        return sentence.positions(cue.stems[0])
    if cue.stem_set <= sentence.word_stems:
        if cue.gaps is not None:
            starts = _in_order(sentence, cue.stems, cue.gaps)
        else:
            starts = _spans(sentence, cue.stems, cue.window)
        if starts:
            return starts
    if cue.joined in sentence.word_stems:
        return sentence.positions(cue.joined)
    return []


def _in_order(sentence: Sentence, wanted: Sequence[str], gaps: Sequence[int]) -> list[int]:
    """Start positions where the wanted stems follow each other, each within its gap."""
    lists = [sentence.positions(w) for w in wanted]
    starts = []
    for first in lists[0]:
        at = first
        for found, gap in zip(lists[1:], gaps, strict=True):
            after = bisect_right(found, at)
            if after == len(found) or found[after] - at - 1 > gap:
                break
            at = found[after]
        else:
            starts.append(first)
    return starts


def _spans(sentence: Sentence, wanted: Sequence[str], window: int) -> list[int]:
    """Start positions of windows holding every wanted stem, in any order, close together."""
    stems = sentence.stems
    if max(map(stems.count, wanted)) == 1:  # the usual case: each word once
        chosen = list(map(stems.index, wanted))
        low = min(chosen)
        return [low] if max(chosen) - low <= window else []
    lists = [sentence.positions(w) for w in wanted]
    starts = []
    # Walk the rarest word's positions in order; each other list keeps a moving cursor, so
    # the whole walk is linear in the positions (a repeated cue once made this quadratic).
    anchor = min(lists, key=len)
    cursors = [0] * len(lists)
    for at in anchor:
        chosen = []
        for n, found in enumerate(lists):
            cursor = cursors[n]
            while cursor + 1 < len(found) and abs(found[cursor + 1] - at) <= abs(
                found[cursor] - at
            ):
                cursor += 1
            cursors[n] = cursor
            chosen.append(found[cursor])
        if max(chosen) - min(chosen) <= window:
            starts.append(min(chosen))
    return starts


def _affirmed_hit(sentence: Sentence, cue: Cue) -> Hit | None:
    """Return the first occurrence of the cue that no negation governs."""
    for start in _cue_starts(sentence, cue):
        # A cue written as one word ("drop out" as "dropout") ends where it starts.
        joined = sentence.stems[start] == cue.joined and len(cue.stems) > 1
        end = start if joined else start + max(1, len(cue.stems)) - 1
        if not is_negated(sentence, start, min(end, len(sentence.stems) - 1)):
            return Hit(cue, start)
    return None


@dataclass(frozen=True)
class _CompiledRubric:
    cues: tuple[tuple[Cue, ...], ...]
    # A stem (or joined pair) -> the (criterion, cue position, cue) whose match needs it.
    index: Mapping[str, tuple[tuple[int, int, Cue], ...]]
    keys: frozenset[str]
    # Words that may be the first half of a one-word cue written as two (check point).
    halves: frozenset[str]
    # Chinese cues by their first character, found as written in Chinese sentences
    # wherever the segmenter cuts the text differently (做工单 -> 做工 / 单).
    written: Mapping[str, tuple[tuple[int, Cue, str], ...]]

    @cached_property
    def written_firsts(self) -> frozenset[str]:
        """The first characters of the Chinese cues looked for as written."""
        return frozenset(self.written)


@per_object
def _compile_rubric(question: Question) -> _CompiledRubric:
    """Compile every cue of a question once and index them by a stem each one needs."""
    cues = tuple(_compile_cues(criterion) for criterion in question.rubric)
    # How many cues of the question hold each stem: a cue is filed under its rarest word, so
    # a sentence with a common one ("model", "data") wakes few cues that cannot match.
    holding = Counter(
        word for criterion_cues in cues for cue in criterion_cues for word in cue.stems
    )
    index: dict[str, list[tuple[int, int, Cue]]] = {}
    for c, criterion_cues in enumerate(cues):
        for q, cue in enumerate(criterion_cues):
            # A Chinese word if the cue has one: English sentences then never look at it.
            keys = {max(cue.stems, key=lambda stem: (has_cjk(stem), -holding[stem], len(stem)))}
            if len(cue.stems) > 1:
                keys.add(cue.joined)
            for key in keys:
                index.setdefault(key, []).append((c, q, cue))
    singles = [cue.stems[0] for criterion_cues in cues for cue in criterion_cues]
    halves = {word[:n] for word in singles for n in range(3, len(word) - 1)}
    halves.update(word[:n] for word in singles if has_cjk(word) for n in range(1, len(word)))
    return _CompiledRubric(
        cues,
        {key: tuple(value) for key, value in index.items()},
        frozenset(index),
        frozenset(halves),
        _written_cues(cues),
    )


def _written_cues(
    cues: Sequence[Sequence[Cue]],
) -> dict[str, tuple[tuple[int, Cue, str], ...]]:
    """Every Chinese cue of two or more characters, keyed by its first character.

    A cue that mixes in Latin words ("更大的 batch") is looked for with and without its spaces.
    """
    written: dict[str, list[tuple[int, Cue, str]]] = {}
    for c, criterion_cues in enumerate(cues):
        for cue in criterion_cues:
            form = " ".join(match_form(cue.phrase).split())
            if not has_cjk(form) or len(form) < 2:
                continue
            for variant in dict.fromkeys((form, form.replace(" ", ""))):
                written.setdefault(variant[0], []).append((c, cue, variant))
    return {key: tuple(value) for key, value in written.items()}


def _written_hits(
    sentence: Sentence, rubric: _CompiledRubric, hits: dict[int, list[Hit]], negations: bool
) -> None:
    """Add the Chinese cues found as written that segmentation hid from the word index."""
    form, offsets = sentence.form, sentence.offsets
    if offsets is None or not offsets:
        return
    seen: set[int] | None = None
    for key in rubric.written_firsts.intersection(form):
        for c, cue, written in rubric.written[key]:
            at = form.find(written)
            if at < 0:
                continue
            if seen is None:
                seen = {id(hit.cue) for found in hits.values() for hit in found}
            if id(cue) in seen:
                continue
            seen.add(id(cue))
            while at >= 0:
                start = bisect_right(offsets, at) - 1
                end = bisect_right(offsets, at + len(written) - 1) - 1
                if not negations or not is_negated(sentence, start, end):
                    hits.setdefault(c, []).append(Hit(cue, start))
                    break
                at = form.find(written, at + 1)


def _sentence_hits(sentence: Sentence, rubric: _CompiledRubric) -> dict[int, list[Hit]]:
    """Return the affirmed cue hits in one sentence, per criterion position, in cue order."""
    keys: set[str] | frozenset[str] = sentence.word_stems & rubric.keys
    if not rubric.halves.isdisjoint(sentence.tokens):
        keys = set(keys)
        halves = rubric.halves.intersection(sentence.tokens)
        keys.update(j for _, j in sentence.joined_pairs(halves) if j in rubric.index)
    chinese = sentence.chinese_breaks is not None
    if not keys and not chinese:
        return {}
    candidates: Sequence[tuple[int, int, Cue]]
    if len(keys) == 1:
        candidates = rubric.index[next(iter(keys))]  # kept in criterion and cue order
    else:
        candidates = sorted(set().union(*map(rubric.index.__getitem__, keys)))
    negations = may_negate(sentence)
    word_stems = sentence.word_stems
    hits: dict[int, list[Hit]] = {}
    for c, _, cue in candidates:
        single = len(cue.stems) == 1
        # Most candidates of several words lack one of them: skip those before any call.
        if not single and cue.joined not in word_stems and not cue.stem_set <= word_stems:
            continue
        if negations:
            hit = _affirmed_hit(sentence, cue)
        elif single:
            hit = Hit(cue, _UNKNOWN)  # found when needed: see hit_start
        else:
            starts = _cue_starts(sentence, cue)
            hit = Hit(cue, starts[0]) if starts else None
        if hit is not None:
            hits.setdefault(c, []).append(hit)
    if chinese:
        _written_hits(sentence, rubric, hits, negations)
    return hits


class Found(NamedTuple):
    """What the answer showed for one criterion: every sentence with hits, and the cues seen."""

    evidence: tuple[Evidence, ...]  # best first: most hits, then earliest
    matched: tuple[str, ...]


def find_evidence(question: Question, sentences: Sequence[Sentence]) -> list[Found]:
    """Per criterion: the sentences with cue hits (best first) and every cue phrase shown."""
    rubric = _compile_rubric(question)
    shown: list[list[Evidence]] = [[] for _ in rubric.cues]
    found: list[list[str]] = [[] for _ in rubric.cues]
    seen: list[set[object]] = [set() for _ in rubric.cues]
    for sentence in sentences:
        for c, hits in _sentence_hits(sentence, rubric).items():
            for hit in hits:
                # Show each cue once, whatever its form (overfit / overfitting).
                if hit.cue.stem_set not in seen[c] and hit.cue.joined not in seen[c]:
                    seen[c].update((hit.cue.stem_set, hit.cue.joined))
                    found[c].append(hit.cue.phrase)
            shown[c].append(Evidence(sentence, tuple(hits)))
    return [Found(_best_first(e), tuple(f)) for e, f in zip(shown, found, strict=True)]


def _best_first(evidence: list[Evidence]) -> tuple[Evidence, ...]:
    """Most hits first, earliest first among equals."""
    if len(evidence) < 2:
        return tuple(evidence)
    return tuple(sorted(evidence, key=lambda item: -len(item.hits)))


def trim(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    """Trim text to a limit at a word (or Chinese character) boundary, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: _boundary_before(text, limit - 1)].rstrip() + "…"


def excerpt(evidence: Evidence, limit: int = EVIDENCE_LIMIT) -> str:
    """Cut a long evidence sentence around its first cue, at word boundaries, marking cuts."""
    text = evidence.sentence.text
    if len(text) <= limit:
        return text
    at = offset_of(evidence.sentence, hit_start(evidence.sentence, evidence.hits[0]))
    start = max(0, min(at - limit // 4, len(text) - (limit - 1)))
    if start == 0:
        return trim(text, limit)
    start = _boundary_after(text, start, at)
    end = _boundary_before(text, min(len(text), start + limit - 2))
    window = text[start:end].strip()
    return "…" + window + ("…" if end < len(text) else "")


def _cuttable(text: str, i: int) -> bool:
    """Tell whether text may be cut before index i without splitting a word."""
    if i <= 0 or i >= len(text):
        return True
    if not is_boundary(text, i):  # inside one character: an accent, an emoji sequence
        return False
    before, after = text[i - 1], text[i]
    if before.isspace() or after.isspace():
        return True
    # Between two Chinese characters, or at Chinese punctuation, any place is a boundary.
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _boundary_before(text: str, end: int) -> int:
    """The nearest boundary at or before `end` (or `end` itself for one endless word)."""
    if text.isascii():
        space = text.rfind(" ", max(0, end - 40), end + 1)
        return end if _cuttable(text, end) or space < 0 else space
    for i in range(end, max(0, end - 40), -1):
        if _cuttable(text, i):
            return i
    return end


def _boundary_after(text: str, start: int, limit: int) -> int:
    """The nearest boundary at or after `start`, never past `limit` (the cue's own offset)."""
    if text.isascii():
        space = text.find(" ", start, min(limit, start + 40) + 1)
        return start if _cuttable(text, start) or space < 0 else space
    for i in range(start, min(limit, start + 40) + 1):
        if _cuttable(text, i):
            return i
    return start
