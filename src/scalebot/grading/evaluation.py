"""Measure a grader against labelled answers: per-criterion P/R/F1, macro-F1, Spearman, speed."""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scalebot.domain.questions import Question, QuestionBank
from scalebot.grading.chinese import cjk_share
from scalebot.grading.feedback import Grader
from scalebot.grading.text import split_sentences
from scalebot.grading.text import words as text_words


class EvaluationError(ValueError):
    """The labelled data is missing or does not match the bank; the message says where."""


def default_data_dir() -> Path:
    """Find the labelled answers: packaged in the wheel, or in the checkout's tests/data."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[1] / "_labelled",
        here.parents[3] / "tests" / "data" / "grading",
    ):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise EvaluationError("no labelled answers in this installation: pass --data FOLDER")


class LabelledAnswer(BaseModel):
    """One answer with the criteria a careful reviewer ticked and an overall grade."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    style: str
    grade: int = Field(ge=0, le=10)
    covered: tuple[str, ...]
    text: str


# dev: tuned on. holdout: twelve questions nobody reads. fresh: answers to every question written
# after the cues of rubric-3 by writers who never saw a cue, read by nobody who tunes.
Split = Literal["dev", "holdout", "fresh"]
SPLITS: tuple[str, ...] = get_args(Split)


class LabelledFile(BaseModel):
    """One file of labelled answers to a single question."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    split: Split = "dev"
    answers: tuple[LabelledAnswer, ...] = Field(min_length=1)


@dataclass(frozen=True)
class LabelledSet:
    """Labelled answers to one question of the bank."""

    question: Question
    split: str
    answers: tuple[LabelledAnswer, ...]


def load_labelled(folder: Path, bank: QuestionBank) -> list[LabelledSet]:
    """Read every labelled file in a folder, checking ids against the bank."""
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise EvaluationError(f"no labelled answers (*.yaml) in {folder}")
    loaded = [_load_file(path, bank) for path in paths]
    _refuse_repeated_ids(loaded, paths)
    return loaded


def _refuse_repeated_ids(loaded: Sequence[LabelledSet], paths: Sequence[Path]) -> None:
    """Answer ids name one answer across the whole folder (mistakes are listed by id)."""
    seen: dict[str, Path] = {}
    for item, path in zip(loaded, paths, strict=True):
        for answer in item.answers:
            earlier = seen.get(answer.id)
            if earlier is not None:
                where = path.name if earlier == path else f"{earlier.name} and {path.name}"
                raise EvaluationError(f"answer id {answer.id} is used twice ({where})")
            seen[answer.id] = path


def _load_file(path: Path, bank: QuestionBank) -> LabelledSet:
    """Read one labelled file; unknown questions or criteria are errors."""
    try:
        data = LabelledFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise EvaluationError(f"{path}: {str(exc).splitlines()[0]}") from None
    question = bank.get(data.question)
    if question is None:
        raise EvaluationError(f"{path}: unknown question {data.question!r}")
    known = {criterion.id for criterion in question.rubric}
    for answer in data.answers:
        unknown = sorted(set(answer.covered) - known)
        if unknown:
            raise EvaluationError(f"{path}: {answer.id} names unknown criteria {unknown}")
    return LabelledSet(question, data.split, data.answers)


@dataclass(frozen=True)
class CriterionScore:
    """Agreement between grader and labels on one criterion of one question."""

    question_id: str
    criterion_id: str
    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float:
        """Share of the grader's ticks that the reviewer also gave (1.0 when none)."""
        ticked = self.true_positive + self.false_positive
        return self.true_positive / ticked if ticked else 1.0

    @property
    def recall(self) -> float:
        """Share of the reviewer's ticks the grader found (1.0 when none)."""
        labelled = self.true_positive + self.false_negative
        return self.true_positive / labelled if labelled else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, from the counts."""
        denominator = 2 * self.true_positive + self.false_positive + self.false_negative
        return 2 * self.true_positive / denominator if denominator else 1.0


@dataclass(frozen=True)
class Mistake:
    """One disagreement, for tuning: which answer, which criterion, which way."""

    answer_id: str
    criterion_id: str
    kind: str  # "missed" (false negative) or "wrong" (false positive)
    evidence: str | None


@dataclass(frozen=True)
class Graded:
    """One labelled answer as the grader saw it, beside the reviewer's labels."""

    question: Question
    split: str
    language: str
    answer: LabelledAnswer
    met: frozenset[str]
    evidence: Mapping[str, str | None]
    score: int


def language_of(text: str) -> str:
    """ "zh" for answers written in Chinese (mixed or traditional too), otherwise "en"."""
    return "zh" if cjk_share(text) >= ZH_SHARE else "en"


# Share of Chinese characters among letters and digits above which an answer counts as Chinese.
ZH_SHARE = 0.15


@dataclass(frozen=True)
class Report:
    """The measured quality of a grader on labelled answers."""

    graded: tuple[Graded, ...]

    @property
    def criteria(self) -> tuple[CriterionScore, ...]:
        """Agreement per criterion of every question present, counted on these answers."""
        counts: dict[tuple[str, str], list[int]] = {}
        for item in self.graded:
            for criterion in item.question.rubric:
                slot = _confusion_slot(
                    predicted=criterion.id in item.met, labelled=criterion.id in item.answer.covered
                )
                tally = counts.setdefault((item.question.id, criterion.id), [0, 0, 0])
                if slot is not None:
                    tally[slot] += 1
        return tuple(CriterionScore(q, c, *tally) for (q, c), tally in counts.items())

    @property
    def mistakes(self) -> tuple[Mistake, ...]:
        """Every disagreement with the labels, in answer order."""
        found = []
        for item in self.graded:
            for criterion in item.question.rubric:
                met, labelled = criterion.id in item.met, criterion.id in item.answer.covered
                if met and not labelled:
                    evidence = item.evidence.get(criterion.id)
                    found.append(Mistake(item.answer.id, criterion.id, "wrong", evidence))
                elif labelled and not met:
                    found.append(Mistake(item.answer.id, criterion.id, "missed", None))
        return tuple(found)

    @property
    def scores(self) -> tuple[int, ...]:
        """The grader's scores, in answer order."""
        return tuple(item.score for item in self.graded)

    @property
    def grades(self) -> tuple[int, ...]:
        """The reviewer's grades, in answer order."""
        return tuple(item.answer.grade for item in self.graded)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over criteria that the labels or the grader ticked at least once."""
        scored = [
            c.f1 for c in self.criteria if c.true_positive + c.false_positive + c.false_negative
        ]
        return statistics.fmean(scored) if scored else 0.0

    @property
    def spearman(self) -> float:
        """Rank correlation between grader scores and reviewer grades."""
        return spearman(self.scores, self.grades)

    @property
    def answers(self) -> int:
        """How many answers were graded."""
        return len(self.graded)

    def where(
        self, *, split: str | None = None, language: str | None = None, question: str | None = None
    ) -> Report:
        """The same measurement restricted to one split, language or question."""
        return Report(
            tuple(
                item
                for item in self.graded
                if split in (None, item.split)
                and language in (None, item.language)
                and question in (None, item.question.id)
            )
        )

    def by_question(self) -> list[tuple[str, Report]]:
        """One report per question, worst macro-F1 first."""
        ids = dict.fromkeys(item.question.id for item in self.graded)
        reports = [(qid, self.where(question=qid)) for qid in ids]
        return sorted(reports, key=lambda pair: (pair[1].macro_f1, pair[0]))


def evaluate(grader: Grader, labelled: Iterable[LabelledSet]) -> Report:
    """Grade every labelled answer and compare with the labels."""
    graded = []
    for item in labelled:
        for answer in item.answers:
            feedback = grader.grade(item.question, answer.text)
            graded.append(
                Graded(
                    question=item.question,
                    split=item.split,
                    language=language_of(answer.text),
                    answer=answer,
                    met=frozenset(r.id for r in feedback.criteria if r.met),
                    evidence={r.id: r.evidence for r in feedback.criteria},
                    score=feedback.score,
                )
            )
    return Report(tuple(graded))


def _confusion_slot(*, predicted: bool, labelled: bool) -> int | None:
    """Index into (tp, fp, fn), or None for a true negative."""
    if predicted and labelled:
        return 0
    if predicted:
        return 1
    if labelled:
        return 2
    return None


def ranks(values: Sequence[float]) -> list[float]:
    """Rank values from 1, giving tied values the mean of their ranks."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation (Pearson on tie-averaged ranks); 0.0 when undefined."""
    if len(xs) != len(ys):
        raise ValueError("spearman needs two sequences of the same length")
    if len(xs) < 2:
        return 0.0
    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    return cov / var if var else 0.0


@dataclass(frozen=True)
class BenchResult:
    """Grading speed on one core."""

    answers: int
    words: int
    per_second: float
    p50_ms: float
    p99_ms: float
    # Answers per second of this thread's own CPU time: what a busy, shared machine cannot skew.
    per_cpu_second: float = 0.0


def benchmark(
    grade: Callable[[Question, str], object],
    questions: Sequence[Question],
    *,
    words: int = 300,
    rounds: int = 3000,
) -> BenchResult:
    """Time `rounds` gradings of answers of `words` words built from the model answers."""
    answers = [(q, answer_of_length(q.model_answer, words)) for q in questions]
    timings = []
    started = time.perf_counter()
    for i in range(rounds):
        question, text = answers[i % len(answers)]
        begin = time.perf_counter()
        grade(question, text)
        timings.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    timings.sort()
    return BenchResult(
        answers=rounds,
        words=words,
        per_second=rounds / elapsed,
        p50_ms=1000 * timings[len(timings) // 2],
        p99_ms=1000 * timings[min(len(timings) - 1, math.ceil(0.99 * len(timings)) - 1)],
    )


def answer_of_length(seed: str, words: int) -> str:
    """Repeat (or cut) a text to exactly this many words, keeping its sentences."""
    source = seed.split()
    repeated = (source * (words // len(source) + 1))[:words]
    return " ".join(repeated)


@dataclass(frozen=True)
class Contender:
    """One grader on one set of answers, timed beside the others."""

    name: str
    grade: Callable[[Question, str], object]
    answers: Sequence[tuple[Question, str]]


def race(contenders: Sequence[Contender], *, rounds: int, chunk: int = 50) -> list[BenchResult]:
    """Time every contender in turns of `chunk` answers, so all share the machine's moods."""
    timings: list[list[float]] = [[] for _ in contenders]
    cpu = [0.0] * len(contenders)
    done = 0
    while done < rounds:
        size = min(chunk, rounds - done)
        for n, contender in enumerate(contenders):
            answers = contender.answers
            started = time.thread_time()
            for i in range(done, done + size):
                question, text = answers[i % len(answers)]
                begin = time.perf_counter()
                contender.grade(question, text)
                timings[n].append(time.perf_counter() - begin)
            cpu[n] += time.thread_time() - started
        done += size
    return [
        replace(_result(t, sum(t), words=0), per_cpu_second=len(t) / used if used else 0.0)
        for t, used in zip(timings, cpu, strict=True)
    ]


def _result(timings: list[float], elapsed: float, *, words: int) -> BenchResult:
    """Summarise one contender's timings."""
    timings = sorted(timings)
    return BenchResult(
        answers=len(timings),
        words=words,
        per_second=len(timings) / elapsed if elapsed else 0.0,
        p50_ms=1000 * timings[len(timings) // 2],
        p99_ms=1000 * timings[min(len(timings) - 1, math.ceil(0.99 * len(timings)) - 1)],
    )


def bench_answers(
    labelled: Iterable[LabelledSet], language: str, words: int
) -> list[tuple[Question, str]]:
    """Per question, its dev answers in one language joined into one answer of about `words`."""
    made = []
    for item in labelled:
        if item.split != "dev":
            continue
        texts = [a.text.strip() for a in item.answers if language_of(a.text) == language]
        if texts:
            made.append((item.question, _of_words(texts, words)))
    return made


def _of_words(texts: Sequence[str], words: int) -> str:
    """Join texts (repeating them if needed) to this many words: cut exactly in English,
    after the first whole sentence past the count in Chinese."""
    parts: list[str] = []
    count = 0
    while count < words:
        for text in texts:
            parts.append(text)
            count += len(text_words(text))
            if count >= words:
                break
    joined = "\n".join(parts)
    if language_of(joined) == "zh":
        kept: list[str] = []
        count = 0
        for sentence in split_sentences(joined):
            kept.append(sentence)
            count += len(text_words(sentence))
            if count >= words:
                break
        return "\n".join(kept)
    ends = [match.end() for match in re.finditer(r"\S+", joined)]
    return joined[: ends[words - 1]] if len(ends) >= words else joined
