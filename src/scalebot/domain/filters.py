"""Which questions a channel's rounds ask: its topic and difficulty filters."""

from __future__ import annotations

from dataclasses import dataclass

from scalebot.domain.questions import Difficulty, Question, QuestionBank

DIFFICULTY_NAMES = frozenset(level.value for level in Difficulty)


@dataclass(frozen=True)
class QuestionFilter:
    """Topics and difficulties a channel asks; an empty set means every one."""

    topics: frozenset[str] = frozenset()
    difficulties: frozenset[Difficulty] = frozenset()

    @classmethod
    def stored(cls, topics: str | None, difficulties: str | None) -> QuestionFilter:
        """The filter kept in a channel's row (comma-separated, NULL for all)."""
        return cls(
            frozenset(_split(topics)),
            frozenset(Difficulty(d) for d in _split(difficulties) if d in DIFFICULTY_NAMES),
        )

    @property
    def is_open(self) -> bool:
        """Tell whether every question passes."""
        return not self.topics and not self.difficulties

    def matches(self, question: Question) -> bool:
        """Tell whether a question may be asked."""
        topic_ok = not self.topics or question.topic in self.topics
        return topic_ok and (not self.difficulties or question.difficulty in self.difficulties)

    def count_in(self, bank: QuestionBank) -> int:
        """How many of the bank's questions pass."""
        return sum(1 for question in bank.questions if self.matches(question))

    def apply(self, bank: QuestionBank) -> QuestionBank:
        """The bank's questions that pass; the whole bank when none do (it changed since)."""
        chosen = tuple(question for question in bank.questions if self.matches(question))
        return QuestionBank(chosen) if chosen else bank


def stored_list(values: frozenset[str]) -> str | None:
    """A set of slugs as a channel's row keeps it (sorted, comma-separated; NULL when empty)."""
    return ",".join(sorted(values)) or None


def ordered_difficulties(values: frozenset[Difficulty]) -> list[Difficulty]:
    """Difficulties from easy to hard."""
    return [level for level in Difficulty if level in values]


def bank_topics(bank: QuestionBank) -> list[str]:
    """Every topic the bank asks about, sorted."""
    return sorted({question.topic for question in bank.questions})


def _split(text: str | None) -> list[str]:
    """The items of a comma-separated value."""
    return [item for item in (text or "").split(",") if item]
