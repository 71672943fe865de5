"""Grading cost grows linearly with the answer, even when one cue repeats in a long sentence."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from scalebot.bank.loader import load_bank
from scalebot.grading.rubric import RubricGrader

GRADER = RubricGrader()
# One long sentence (no full stops) in which the words of multi-word cues keep coming back.
REPEATED = {
    "plain": "distributed systems need training data parallel across machines with model "
    "serving latency and ",
    "negated": "not distributed training, not data parallel, but a checkpoint and a checkpoint "
    "and kubernetes kubernetes ",
    "chinese": "分布式系统需要训练数据，并行到多台机器上，不需要重新训练，"
    "也不用检查点，但是要用 GPU 和 Kubernetes ",
}


def _of_length(unit: str, chars: int) -> str:
    """Repeat a phrase to about this many characters."""
    return (unit * (chars // len(unit) + 1))[:chars]


def _operations(text: str) -> int:
    """Count the Python calls and lines one grading executes (a cost that ignores the clock)."""
    question = load_bank().get("scale-ml-model")
    assert question is not None
    GRADER.grade(question, text)  # compile the rubric and fill caches first
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        GRADER.grade(question, text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("kind", sorted(REPEATED))
def test_grading_4000_characters_costs_at_most_6x_grading_1000(kind: str) -> None:
    unit = REPEATED[kind]
    small, large = _operations(_of_length(unit, 1000)), _operations(_of_length(unit, 4000))
    assert large <= 6 * small, (small, large)
