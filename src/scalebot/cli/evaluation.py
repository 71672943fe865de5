"""The `scalebot eval` and `scalebot bench grade` commands: measured grading quality and speed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from scalebot.grading.evaluation import BenchResult, LabelledSet, Report

bench_app = typer.Typer(help="Speed measurements.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    """Print one clear line on stderr and return an exit to raise."""
    from rich.console import Console

    Console(stderr=True).print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    return typer.Exit(code=2)


def eval_command(
    questions: Annotated[
        list[str] | None,
        typer.Option("--questions", "-q", help="Question ids (repeat or comma-separate)"),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Folder of labelled answers (default: the shipped set)"),
    ] = None,
    split: Annotated[str, typer.Option(help="dev, holdout, fresh or all")] = "dev",
    mistakes: Annotated[bool, typer.Option("--mistakes", help="List every disagreement")] = False,
    criteria: Annotated[
        bool, typer.Option("--criteria", help="Also print P/R/F1 for every criterion")
    ] = False,
) -> None:
    """Measure the rubric grader on labelled answers: P/R/F1 per criterion, macro-F1, Spearman."""
    from scalebot.bank.loader import load_bank
    from scalebot.grading.evaluation import EvaluationError, default_data_dir, load_labelled

    try:
        folder = data if data is not None else default_data_dir()
        labelled = _select(load_labelled(folder, load_bank()), questions or [], split)
    except EvaluationError as exc:
        raise _fail(str(exc)) from None
    from scalebot.grading.evaluation import evaluate
    from scalebot.grading.rubric import RubricGrader

    report = evaluate(RubricGrader(), labelled)
    _print_report(report, show_mistakes=mistakes, criteria=criteria)


def _select(labelled: list[LabelledSet], questions: list[str], split: str) -> list[LabelledSet]:
    """Keep the chosen questions and split, or explain what was wrong with the choice."""
    from scalebot.grading.evaluation import SPLITS, EvaluationError

    if split not in (*SPLITS, "all"):
        raise EvaluationError(f"unknown split '{split}': use {', '.join(SPLITS)} or all")
    wanted = {q.strip() for item in questions for q in item.split(",") if q.strip()}
    known = {item.question.id for item in labelled}
    unknown = sorted(wanted - known)
    if unknown:
        raise EvaluationError(
            f"no labelled answers for {', '.join(unknown)}; labelled: {', '.join(sorted(known))}"
        )
    chosen = [
        item
        for item in labelled
        if (not wanted or item.question.id in wanted) and split in ("all", item.split)
    ]
    if not chosen:
        raise EvaluationError(f"no labelled answers in split '{split}' for these questions")
    return chosen


_WORST = 10


def _print_report(report: Report, *, show_mistakes: bool, criteria: bool) -> None:
    """Print the figures by split and language, per question (worst first) and the summary."""
    from rich.console import Console

    console = Console()
    if criteria:
        console.print(_criteria_table(report))
    console.print(_groups_table(report))
    console.print(_questions_table(report))
    if show_mistakes:
        for m in report.mistakes:
            evidence = f": {m.evidence}" if m.evidence else ""
            console.print(f"{m.kind:6} {m.answer_id} {m.criterion_id}{evidence}", highlight=False)
    worst = [qid for qid, sub in report.by_question()[:_WORST] if sub.macro_f1 < 1.0]
    if worst:
        typer.echo(f"worst questions: {', '.join(worst)}")
    typer.echo(f"answers: {report.answers}   criteria: {len(report.criteria)}")
    typer.echo(f"macro-F1: {report.macro_f1:.3f}")
    typer.echo(f"Spearman rank correlation (score vs grade): {report.spearman:.3f}")


def _criteria_table(report: Report) -> Table:
    """Precision, recall and F1 per criterion."""
    from rich.table import Table

    table = Table("question", "criterion", "P", "R", "F1", "tp", "fp", "fn")
    for c in report.criteria:
        table.add_row(
            c.question_id,
            c.criterion_id,
            f"{c.precision:.2f}",
            f"{c.recall:.2f}",
            f"{c.f1:.2f}",
            str(c.true_positive),
            str(c.false_positive),
            str(c.false_negative),
        )
    return table


def _groups_table(report: Report) -> Table:
    """Macro-F1 and Spearman per split and language (zh: Chinese, mixed and traditional)."""
    from rich.table import Table

    table = Table("split", "language", "answers", "questions", "macro-F1", "Spearman")
    splits = dict.fromkeys(item.split for item in report.graded)
    for split in splits:
        for language in ("en", "zh", None):
            sub = report.where(split=split, language=language)
            if sub.answers:
                table.add_row(
                    split,
                    language or "all",
                    str(sub.answers),
                    str(len({item.question.id for item in sub.graded})),
                    f"{sub.macro_f1:.3f}",
                    f"{sub.spearman:.3f}",
                )
    return table


def _questions_table(report: Report) -> Table:
    """Per question, worst macro-F1 first: overall and per language."""
    from rich.table import Table

    table = Table("question", "split", "answers", "macro-F1", "en", "zh", "Spearman")
    for qid, sub in report.by_question():
        en, zh = sub.where(language="en"), sub.where(language="zh")
        table.add_row(
            qid,
            sub.graded[0].split,
            str(sub.answers),
            f"{sub.macro_f1:.2f}",
            f"{en.macro_f1:.2f}" if en.answers else "-",
            f"{zh.macro_f1:.2f}" if zh.answers else "-",
            f"{sub.spearman:.2f}",
        )
    return table


@bench_app.command("grade")
def bench_grade(
    words: Annotated[int, typer.Option(min=20, max=2000, help="Words per answer")] = 300,
    answers: Annotated[
        int, typer.Option(min=100, max=1_000_000, help="Answers per grader and language")
    ] = 5000,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Folder of labelled answers (default: the shipped set)"),
    ] = None,
) -> None:
    """Time the grader against the frozen rubric-2 baseline (English) and on Chinese, in turns."""
    core = _pin_to_one_core()
    from scalebot.bank.loader import load_bank
    from scalebot.grading.baseline.rubric import RubricGrader as BaselineGrader
    from scalebot.grading.evaluation import (
        Contender,
        EvaluationError,
        bench_answers,
        default_data_dir,
        load_labelled,
        race,
    )
    from scalebot.grading.rubric import RubricGrader

    bank = load_bank()
    try:
        labelled = load_labelled(data if data is not None else default_data_dir(), bank)
    except EvaluationError as exc:
        raise _fail(str(exc)) from None
    english, chinese = (bench_answers(labelled, lang, words) for lang in ("en", "zh"))
    if not english or not chinese:
        raise _fail("the labelled set needs English and Chinese dev answers to time")
    grader = RubricGrader()
    contenders = [
        Contender("baseline", BaselineGrader().grade, english),
        Contender("en", grader.grade, english),
        Contender("zh", grader.grade, chinese),
    ]
    race(contenders, rounds=min(answers, 200))  # warm caches
    old, en, zh = race(contenders, rounds=answers)
    where = f"core {core}" if core is not None else "one thread (no CPU pinning here)"
    typer.echo(
        f"{answers} answers of about {words} words per grader, over {len(english)} questions, "
        f"taking turns on {where}"
    )
    for name, result in (
        ("rubric-2 (baseline), English", old),
        (f"{grader.version}, English", en),
        (f"{grader.version}, Chinese", zh),
    ):
        typer.echo(
            f"{name}: {result.per_second:,.0f} answers/s "
            f"({result.per_cpu_second:,.0f} per CPU-second), "
            f"p50 {result.p50_ms:.3f} ms, p99 {result.p99_ms:.3f} ms"
        )
    typer.echo(
        f"English vs baseline: {en.per_second / old.per_second:.2f}x "
        f"({en.per_cpu_second / old.per_cpu_second:.2f}x in CPU time); "
        f"Chinese vs English: {zh.per_second / en.per_second:.2f}x "
        f"({zh.per_cpu_second / en.per_cpu_second:.2f}x in CPU time)"
    )
    typer.echo(json.dumps(_bench_json(old, en, zh, words)))


def _bench_json(old: BenchResult, en: BenchResult, zh: BenchResult, words: int) -> dict[str, Any]:
    """The machine-readable last line (issue 11 shape, English first, then per language)."""
    return {
        "answers_per_s": round(en.per_second, 1),
        "p99_ms": round(en.p99_ms, 3),
        "words": words,
        "answers": en.answers,
        "en_answers_per_s": round(en.per_second, 1),
        "en_p99_ms": round(en.p99_ms, 3),
        "zh_answers_per_s": round(zh.per_second, 1),
        "zh_p99_ms": round(zh.p99_ms, 3),
        "baseline_answers_per_s": round(old.per_second, 1),
        "baseline_p99_ms": round(old.p99_ms, 3),
        "en_vs_baseline": round(en.per_second / old.per_second, 3),
        "zh_vs_en": round(zh.per_second / en.per_second, 3),
        "en_vs_baseline_cpu": round(en.per_cpu_second / old.per_cpu_second, 3),
        "zh_vs_en_cpu": round(zh.per_cpu_second / en.per_cpu_second, 3),
    }


def _pin_to_one_core() -> int | None:
    """Pin this process to one CPU where the OS allows it; return the core or None."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core
