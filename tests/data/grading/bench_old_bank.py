"""Time the grader with today's cues beside the frozen baseline with the cues of an older commit.

`scalebot bench grade` runs both graders on today's bank, so cue lists that grow slow both
alike and the ratio hides it. This script answers the other question: how fast is grading now
against grading before the cues grew? Run from the repository root, on a quiet machine:

    .venv/bin/python tests/data/grading/bench_old_bank.py dd5a142

It reads the bank files of that commit with `git show`, builds the same 300-word English dev
answers for both banks, and races three graders in turns of 50 answers on one core.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from scalebot.bank.loader import load_bank, load_files
from scalebot.domain.questions import QuestionBank
from scalebot.grading.baseline.rubric import RubricGrader as BaselineGrader
from scalebot.grading.evaluation import (
    Contender,
    bench_answers,
    default_data_dir,
    load_labelled,
    race,
)
from scalebot.grading.rubric import RubricGrader

_BANK = "src/scalebot/bank/questions"


def bank_at(revision: str, folder: Path) -> QuestionBank:
    """The shipped bank as it was at a commit."""
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{revision}:{_BANK}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in names:
        text = subprocess.run(
            ["git", "show", f"{revision}:{_BANK}/{name}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (folder / name).write_text(text, encoding="utf-8")
    files = sorted(folder.glob("*.yaml"))
    return QuestionBank(tuple(sorted(load_files(files), key=lambda q: q.id)))


def main(revision: str, answers: int = 5000) -> None:
    """Print answers per second for the three graders and the ratio that matters."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    with tempfile.TemporaryDirectory() as tmp:
        old_bank = bank_at(revision, Path(tmp))
    new_bank = load_bank()
    old, new = (
        bench_answers(load_labelled(default_data_dir(), bank), "en", 300)
        for bank in (old_bank, new_bank)
    )
    contenders = [
        Contender(f"baseline, bank at {revision}", BaselineGrader().grade, old),
        Contender("baseline, today's bank", BaselineGrader().grade, new),
        Contender(f"{RubricGrader.version}, today's bank", RubricGrader().grade, new),
    ]
    race(contenders, rounds=200)  # warm caches
    results = race(contenders, rounds=answers)
    for contender, result in zip(contenders, results, strict=True):
        print(
            f"{contender.name}: {result.per_second:,.0f} answers/s "
            f"({result.per_cpu_second:,.0f} per CPU-second)"
        )
    then, now = results[0], results[2]
    print(
        f"today vs {revision}: {now.per_second / then.per_second:.2f}x "
        f"({now.per_cpu_second / then.per_cpu_second:.2f}x in CPU time)"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dd5a142")
