"""Every shipped question speaks Chinese too: a missing Chinese field stops the bank loading."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scalebot.bank.loader import load_bank, parse_question, shipped_files
from scalebot.domain.questions import Question, QuestionBankError
from scalebot.locales import Language

SHIPPED = shipped_files()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_every_shipped_question_has_every_chinese_field(path: Path) -> None:
    question = parse_question(path.read_text(encoding="utf-8"), str(path))
    assert question.missing_chinese() == []
    assert question.zh is not None
    assert len(question.zh.follow_ups) == len(question.follow_ups)
    assert all(criterion.zh is not None for criterion in question.rubric)


def _without(path: Path, *keys: str) -> str:
    """The question's YAML with one Chinese field removed (a dotted path)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = data
    *parents, last = keys
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    del target[last]
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize(
    ("keys", "named"),
    [
        (("zh",), "missing Chinese: zh"),
        (("zh", "title"), "zh.title"),
        (("zh", "prompt"), "zh.prompt"),
        (("zh", "model_answer"), "zh.model_answer"),
        (("zh", "follow_ups"), "zh.follow_ups"),
        (("rubric", "0", "zh"), ".zh (title, hint, cues)"),
        (("rubric", "1", "zh", "title"), "rubric.1.zh.title"),
        (("rubric", "1", "zh", "hint"), "rubric.1.zh.hint"),
        (("rubric", "2", "zh", "cues"), "rubric.2.zh.cues"),
    ],
)
def test_a_question_missing_a_chinese_field_is_refused_naming_it(
    keys: tuple[str, ...], named: str
) -> None:
    path = SHIPPED[0]
    with pytest.raises(QuestionBankError) as refused:
        parse_question(_without(path, *keys), str(path))
    assert named in str(refused.value)
    assert str(path) in str(refused.value)


def test_chinese_follow_ups_must_pair_with_the_english_ones() -> None:
    path = SHIPPED[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["zh"]["follow_ups"] = data["zh"]["follow_ups"][:1]
    with pytest.raises(QuestionBankError, match=r"zh\.follow_ups: 1, want one per follow-up"):
        parse_question(yaml.safe_dump(data, allow_unicode=True), str(path))


def test_a_question_reads_in_each_language() -> None:
    question: Question | None = load_bank().get("scale-ml-model")
    assert question is not None
    assert question.zh is not None
    criterion = question.rubric[0]
    assert criterion.zh is not None
    assert question.title_in(Language.ZH) == question.zh.title
    assert question.title_in(Language.EN) == question.title
    assert question.prompt_in(Language.ZH) == question.zh.prompt
    assert question.model_answer_in(Language.ZH) == question.zh.model_answer
    assert criterion.label_in(Language.ZH) == criterion.zh.title
    assert criterion.hint_in(Language.ZH) == criterion.zh.hint
    last = question.follow_ups[-1]
    assert question.follow_up_in(last, Language.ZH) == question.zh.follow_ups[-1]
    assert question.follow_up_in(last, Language.EN) == last
