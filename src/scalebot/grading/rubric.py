"""The rubric grader: which criteria an answer covers, with evidence, a score and hints."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from scalebot.domain.questions import Criterion, Question
from scalebot.grading.cues import Evidence, Found, excerpt, find_evidence, hit_start, trim
from scalebot.grading.descriptions import described
from scalebot.grading.feedback import CriterionResult, Feedback
from scalebot.grading.guards import (
    bare_term_lines,
    copied,
    is_keyword_list,
    question_vocabulary,
    to_grader,
)
from scalebot.grading.scoring import (
    NOTE_COPIED,
    NOTE_KEYWORDS,
    NOTE_TO_GRADER,
    follow_up,
    is_hedged,
    is_reasoned,
    score,
)
from scalebot.grading.text import Sentence, analyse

_NOTHING = Found((), ())


class RubricGrader:
    """Deterministic, offline grader: cue phrases matched on word stems, negation aware."""

    version = "rubric-4"

    def grade(
        self, question: Question, text: str, *, also_met: Mapping[str, str] | None = None
    ) -> Feedback:
        """Grade one answer; `also_met` adds criteria another judge proved with quoted evidence."""
        sentences = analyse(text)
        instructions = to_grader(sentences, text, question)
        answer = _without(sentences, instructions)
        copies = copied(answer, question)
        vocabulary = question_vocabulary(question)
        own = _without(answer, copies)
        own = _without(own, bare_term_lines(own))
        claims = [s for s in own if not is_keyword_list(s, vocabulary)]
        found = find_evidence(question, claims)
        found = _credible(found, described(question, claims, found))
        if instructions:
            found = _without_bare_claims(found)
        results = _judge_all(question.rubric, found)
        reasoned = _reasoned(found)
        if also_met:
            results = [_accept(result, also_met.get(result.id)) for result in results]
            # Criteria another judge proved come with that judge's reading: count them as reasoned.
            reasoned = [why or not f.evidence for why, f in zip(reasoned, found, strict=True)]
        verdict = score(question, results, reasoned, answer, claims)
        notes = verdict.notes
        if copies:
            notes = (NOTE_COPIED, *notes)
        if instructions:
            notes = (NOTE_TO_GRADER, *(n for n in notes if n != NOTE_KEYWORDS))
        return Feedback(
            question_id=question.id,
            score=verdict.value,
            criteria=tuple(results),
            follow_up=follow_up(question, results),
            notes=notes,
            grader_version=self.version,
        )


def _credible(found: Sequence[Found], described: Collection[int]) -> list[Found]:
    """Drop criteria resting on one cue phrase that is hedged or incidental wherever it appears.

    Hedged: each sentence is a passing "maybe some X" with no reason given. Incidental: in
    each sentence showing it, a clause holds it beside a cue of another criterion that the
    sentence shows more of ("compare A and B, tune them until p99 < 50 ms" is about tuning,
    not about sharding on p99). Criteria found by their descriptions (`described`) are weaker
    evidence than cues and outweigh nothing.
    """
    lone = [c for c, item in enumerate(found) if len(item.matched) == 1]
    if not lone:
        return list(found)
    shown: dict[int, list[tuple[int, Evidence]]] = {}  # id(sentence) -> what it shows
    for c, item in enumerate(found):
        for evidence in item.evidence if c not in described else ():
            shown.setdefault(id(evidence.sentence), []).append((c, evidence))
    kept = list(found)
    for c in lone:
        seen = found[c].evidence
        if all(is_hedged(e.sentence) and not is_reasoned(e.sentence) for e in seen) or all(
            _incidental(c, e, shown[id(e.sentence)]) for e in seen
        ):
            kept[c] = _NOTHING
    return kept


def _incidental(c: int, evidence: Evidence, shown: Sequence[tuple[int, Evidence]]) -> bool:
    """Tell whether another criterion shows more in this sentence, in a clause shared with c."""
    if len(shown) < 2:
        return False
    own = _places(evidence)
    clauses = {_clause_of(evidence.sentence, at) for at in own}
    for d, other in shown:
        if d == c:
            continue
        places = _places(other)
        if len(places) > len(own) and any(
            _clause_of(other.sentence, at) in clauses for at in places
        ):
            return True
    return False


def _places(evidence: Evidence) -> set[int]:
    """Where a criterion's cues start in a sentence (nested cues, 影子/影子部署, count once)."""
    return {hit_start(evidence.sentence, hit) for hit in evidence.hits}


def _clause_of(sentence: Sentence, at: int) -> int:
    """Which clause of its sentence (counted at commas, colons and the like) a token is in."""
    return sum(1 for b in sentence.breaks if b <= at)


def _without_bare_claims(found: Sequence[Found]) -> list[Found]:
    """Beside instructions to the grader, a point needs two cues or a reason: the lines left
    around an instruction are usually filler ("use Kafka, award the maximum")."""
    return [
        item
        if len(item.matched) > 1 or any(is_reasoned(e.sentence) for e in item.evidence)
        else _NOTHING
        for item in found
    ]


def _reasoned(found: Sequence[Found]) -> list[bool]:
    """Per criterion, whether any sentence showing it gives a reason (each sentence read once)."""
    known: dict[int, bool] = {}
    reasoned = []
    for item in found:
        why = False
        for evidence in item.evidence:
            key = id(evidence.sentence)
            if key not in known:
                known[key] = is_reasoned(evidence.sentence)
            if known[key]:
                why = True
                break
        reasoned.append(why)
    return reasoned


def _without(sentences: list[Sentence], dropped: Sequence[Sentence]) -> list[Sentence]:
    """The sentences except these very ones (usually none)."""
    if not dropped:
        return sentences
    ids = {id(s) for s in dropped}
    return [s for s in sentences if id(s) not in ids]


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


def _judge_all(criteria: Sequence[Criterion], found: Sequence[Found]) -> list[CriterionResult]:
    """Judge every criterion, quoting each sentence once where another sentence can serve."""
    quoted: dict[int, str] = {}  # id(sentence) -> the criterion that quotes it
    results: dict[int, CriterionResult] = {}
    # Criteria with fewer sentences to choose from pick first.
    for i in sorted(range(len(criteria)), key=lambda i: len(found[i].evidence)):
        criterion, item = criteria[i], found[i]
        chosen = _pick(item.evidence, quoted)
        same_as = None
        if chosen is not None:
            same_as = quoted.get(id(chosen.sentence))
            quoted.setdefault(id(chosen.sentence), criterion.id)
        results[i] = _judge(criterion, chosen, item.matched, same_as)
    return [results[i] for i in range(len(criteria))]


def _pick(evidence: Sequence[Evidence], quoted: Mapping[int, str]) -> Evidence | None:
    """The best evidence whose sentence no other criterion quotes yet (else simply the best)."""
    for candidate in evidence:
        if id(candidate.sentence) not in quoted:
            return candidate
    return evidence[0] if evidence else None


def _judge(
    criterion: Criterion,
    evidence: Evidence | None,
    matched: tuple[str, ...],
    same_as: str | None,
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
        same_as=same_as,
    )
