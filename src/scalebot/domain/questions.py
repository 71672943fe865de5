"""Question and rubric models, validated when the bank is loaded."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from scalebot.locales import Language

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Difficulty(StrEnum):
    """How hard a question is."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class CriterionChinese(BaseModel):
    """A criterion's Chinese title, hint and cues (written, not translated word by word)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Text
    hint: Text
    cues: tuple[Text, ...] = Field(min_length=1)


class QuestionChinese(BaseModel):
    """A question's Chinese title, prompt, model answer and follow-ups."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Text
    prompt: Text
    model_answer: Text
    follow_ups: tuple[Text, ...] = Field(min_length=1)


class Criterion(BaseModel):
    """One rubric criterion: what it means, the phrases that show it, a hint when missed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    title: Text | None = None
    weight: int = Field(ge=1, le=10)
    description: Text
    cues: tuple[Text, ...] = Field(min_length=1)
    hint: Text
    zh: CriterionChinese | None = None

    @property
    def label(self) -> str:
        """Short human name: the title, or the id made readable."""
        return self.title or self.id.replace("-", " ").capitalize()

    def label_in(self, language: Language) -> str:
        """The criterion's name in a language (English where it has no Chinese)."""
        return self.zh.title if language is Language.ZH and self.zh else self.label

    def hint_in(self, language: Language) -> str:
        """The hint for a member who missed it, in a language."""
        return self.zh.hint if language is Language.ZH and self.zh else self.hint

    @field_validator("cues")
    @classmethod
    def _cues_have_words(cls, cues: tuple[str, ...]) -> tuple[str, ...]:
        """Reject cues with no letters or digits; they could never match."""
        for cue in cues:
            if not re.search(r"\w", cue):
                raise ValueError(f"cue {cue!r} has no words")
        return cues


class Question(BaseModel):
    """One scaling question with its rubric, model answer and follow-ups."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    title: Text
    prompt: Text
    topic: Slug
    difficulty: Difficulty
    rubric: tuple[Criterion, ...] = Field(min_length=1)
    model_answer: Text
    follow_ups: tuple[Text, ...] = Field(min_length=1)
    zh: QuestionChinese | None = None

    @model_validator(mode="after")
    def _criterion_ids_unique(self) -> Question:
        """Reject a rubric that names the same criterion twice."""
        ids = [criterion.id for criterion in self.rubric]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"rubric repeats criterion ids: {', '.join(duplicates)}")
        return self

    def title_in(self, language: Language) -> str:
        """The title in a language (English where the question has no Chinese)."""
        return self.zh.title if language is Language.ZH and self.zh else self.title

    def prompt_in(self, language: Language) -> str:
        """The prompt in a language."""
        return self.zh.prompt if language is Language.ZH and self.zh else self.prompt

    def model_answer_in(self, language: Language) -> str:
        """The model answer in a language."""
        return self.zh.model_answer if language is Language.ZH and self.zh else self.model_answer

    def follow_up_in(self, follow_up: str, language: Language) -> str:
        """A follow-up (as the grader chose it, in English) in a language."""
        if language is not Language.ZH or not self.zh or follow_up not in self.follow_ups:
            return follow_up
        index = self.follow_ups.index(follow_up)
        return self.zh.follow_ups[min(index, len(self.zh.follow_ups) - 1)]

    def missing_chinese(self) -> list[str]:
        """Every Chinese field the question lacks ('zh', 'rubric.ID.zh', 'zh.follow_ups')."""
        missing = [] if self.zh else ["zh (title, prompt, model_answer, follow_ups)"]
        if self.zh and len(self.zh.follow_ups) != len(self.follow_ups):
            missing.append(
                f"zh.follow_ups: {len(self.zh.follow_ups)}, "
                f"want one per follow-up ({len(self.follow_ups)})"
            )
        missing.extend(
            f"rubric.{criterion.id}.zh (title, hint, cues)"
            for criterion in self.rubric
            if criterion.zh is None
        )
        return missing

    @property
    def total_weight(self) -> int:
        """Sum of the rubric weights."""
        return sum(criterion.weight for criterion in self.rubric)

    def criterion(self, criterion_id: str) -> Criterion:
        """Return the criterion with this id."""
        for criterion in self.rubric:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def content_hash(self) -> str:
        """Return a stable hash of the content, used to version the stored copy."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


CANONICAL_QUESTION_ID = "scale-ml-model"


class QuestionBankError(ValueError):
    """A question file is missing, unreadable or does not match the schema."""


@dataclass(frozen=True)
class QuestionBank:
    """All questions, in a stable order (by id)."""

    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        """Refuse two questions with one id."""
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise QuestionBankError(f"duplicate question id {question.id!r}")
            seen.add(question.id)

    def get(self, question_id: str) -> Question | None:
        """Return the question with this id, or None."""
        return self._by_id().get(question_id)

    def ids(self) -> list[str]:
        """Return every question id in bank order."""
        return [question.id for question in self.questions]

    def __len__(self) -> int:
        """Return the number of questions."""
        return len(self.questions)

    def _by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}
