"""Load the question bank: one YAML file per question, validated on load.

The shipped files come with the package; an operator may add a folder of their own
(SCALEBOT_QUESTIONS_DIR), validated by the same schema and merged in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from scalebot.domain.questions import Question, QuestionBank, QuestionBankError


def _describe(error: ValidationError) -> str:
    """Turn a pydantic error into short 'field: problem' lines."""
    parts = []
    for item in error.errors():
        where = ".".join(str(step) for step in item["loc"]) or "(top level)"
        parts.append(f"{where}: {' '.join(str(item['msg']).split())}")
    return "; ".join(parts)


def parse_question(text: str, source: str) -> Question:
    """Parse and validate one question from YAML text; errors name the source."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())  # PyYAML's message spans lines: keep it one
        raise QuestionBankError(f"{source}: not valid YAML ({reason})") from exc
    if not isinstance(data, dict):
        raise QuestionBankError(f"{source}: expected a mapping of question fields")
    try:
        question = Question.model_validate(data)
    except ValidationError as exc:
        raise QuestionBankError(f"{source}: {_describe(exc)}") from exc
    stem = Path(source).stem
    if stem != question.id:
        raise QuestionBankError(f"{source}: file name must match the id ({question.id}.yaml)")
    missing = question.missing_chinese()
    if missing:
        # The bot speaks both languages: a question it cannot show in Chinese is incomplete.
        raise QuestionBankError(f"{source}: missing Chinese: {'; '.join(missing)}")
    return question


def load_files(paths: Iterable[Path]) -> list[Question]:
    """Load and validate question files from disk."""
    return [parse_question(_read(path), str(path)) for path in paths]


def _read(path: Path) -> str:
    """Read a question file as UTF-8, naming the file when it is not text."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionBankError(f"{path}: not UTF-8 text ({exc.reason})") from None


def shipped_files() -> Sequence[Path]:
    """Return the YAML files shipped inside the package."""
    folder = resources.files("scalebot.bank") / "questions"
    return sorted(
        (Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda path: path.name,
    )


def operator_files(folder: Path) -> list[Path]:
    """The question files in an operator's folder (not its subfolders), by name."""
    if not folder.is_dir():
        raise QuestionBankError(f"{folder}: not a folder of question files")
    return sorted(
        (path for path in folder.iterdir() if path.suffix in (".yaml", ".yml") and path.is_file()),
        key=lambda path: path.name,
    )


def load_operator_questions(folder: Path, shipped: QuestionBank) -> list[Question]:
    """Load an operator's questions; an id the shipped bank (or another file) has is an error."""
    questions: list[Question] = []
    seen: dict[str, Path] = {}
    for path in operator_files(folder):
        [question] = load_files([path])
        if shipped.get(question.id) is not None:
            raise QuestionBankError(
                f"{path}: id: '{question.id}' is a shipped question; give yours another id"
            )
        if question.id in seen:
            raise QuestionBankError(f"{path}: id: '{question.id}' is also {seen[question.id]}")
        seen[question.id] = path
        questions.append(question)
    return questions


@cache
def load_bank(extra: Path | None = None) -> QuestionBank:
    """Load the shipped bank, and an operator's folder merged in, once per process."""
    questions = sorted(load_files(shipped_files()), key=lambda question: question.id)
    if not questions:
        raise QuestionBankError("the question bank is empty")
    shipped = QuestionBank(tuple(questions))
    if extra is None:
        return shipped
    added = load_operator_questions(extra, shipped)
    return QuestionBank(tuple(sorted((*questions, *added), key=lambda question: question.id)))
