"""What a grader returns, and the protocols every grader implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from scalebot.domain.questions import Question


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
    # The criterion whose quote is the same sentence: shown once, not twice.
    same_as: str | None = None


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
