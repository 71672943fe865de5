"""The rubric grader: which criteria an answer covers, with evidence, a score and hints."""

from __future__ import annotations

from collections.abc import Mapping

from scalebot.domain.questions import Criterion, Question
from scalebot.grading.baseline.cues import Evidence, excerpt, find_evidence, trim
from scalebot.grading.baseline.guards import is_keyword_list, to_grader
from scalebot.grading.baseline.scoring import NOTE_KEYWORDS, NOTE_TO_GRADER, follow_up, quality
from scalebot.grading.baseline.text import analyse
from scalebot.grading.feedback import CriterionResult, Feedback


class RubricGrader:
    """Deterministic, offline grader: cue phrases matched on word stems, negation aware."""

    version = "rubric-2"

    def grade(
        self, question: Question, text: str, *, also_met: Mapping[str, str] | None = None
    ) -> Feedback:
        """Grade one answer; `also_met` adds criteria another judge proved with quoted evidence."""
        sentences = analyse(text)
        instructions = to_grader(sentences, text, question)
        claims = [s for s in sentences if s not in instructions and not is_keyword_list(s)]
        evidence = find_evidence(question, claims)
        results = [_judge(c, *found) for c, found in zip(question.rubric, evidence, strict=True)]
        if also_met:
            results = [_accept(result, also_met.get(result.id)) for result in results]
        raw = sum(r.weight for r in results if r.met) / question.total_weight
        answer = [s for s in sentences if s not in instructions]
        factor, notes = quality(question, answer, claims, raw)
        if instructions:
            notes = (NOTE_TO_GRADER, *(n for n in notes if n != NOTE_KEYWORDS))
        return Feedback(
            question_id=question.id,
            score=round(100 * raw * factor),
            criteria=tuple(results),
            follow_up=follow_up(question, results),
            notes=notes,
            grader_version=self.version,
        )


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
    criterion: Criterion, evidence: Evidence | None, matched: tuple[str, ...]
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
