"""An operator's question folder (SCALEBOT_QUESTIONS_DIR): same schema, merged, no id clashes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from scalebot.bank.loader import load_bank, shipped_files
from scalebot.db.engine import Database
from scalebot.domain.questions import QuestionBankError
from scalebot.domain.schedule import Days, Schedule
from scalebot.grading.rubric import RubricGrader
from scalebot.platforms.text_commands import run_command
from scalebot.services import channels, rounds
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext
from scalebot.services.questions import sync_questions
from tests.conftest import ALICE, CHANNEL, FakeMessenger

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def own_question(folder: Path, question_id: str, *, topic: str = "feature-stores") -> Path:
    """Write an operator's question: a shipped one under a new id and topic."""
    text = shipped_files()[0].read_text(encoding="utf-8")
    shipped_id = shipped_files()[0].stem
    lines = []
    for line in text.splitlines():
        if line.startswith("id:"):
            line = f"id: {question_id}"
        elif line.startswith("topic:"):
            line = f"topic: {topic}"
        elif line.startswith("title:"):
            line = f"title: Our own {question_id}"
        lines.append(line)
    assert shipped_id != question_id
    path = folder / f"{question_id}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_operators_questions_join_the_shipped_bank(tmp_path: Path) -> None:
    own_question(tmp_path, "our-feature-store")
    own_question(tmp_path, "our-embedding-index")
    merged = load_bank(tmp_path)
    shipped = load_bank()
    assert len(merged) == len(shipped) + 2
    assert merged.get("our-feature-store") is not None
    assert merged.ids() == sorted(merged.ids())


def test_a_bad_field_names_the_file_and_the_field_in_one_line(tmp_path: Path) -> None:
    path = own_question(tmp_path, "our-feature-store")
    path.write_text(path.read_text().replace("difficulty:", "difficulty: impossible\n#"))
    with pytest.raises(QuestionBankError) as raised:
        load_bank(tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{path}: difficulty: ")
    assert "\n" not in message


def test_broken_yaml_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "our-broken.yaml"
    path.write_text("id: our-broken\ntitle: [unclosed\n  prompt: x\n")
    with pytest.raises(QuestionBankError) as raised:
        load_bank(tmp_path)
    assert str(raised.value).startswith(f"{path}: not valid YAML")
    assert "\n" not in str(raised.value)


def test_an_id_the_shipped_bank_has_is_an_error(tmp_path: Path) -> None:
    clash = tmp_path / shipped_files()[0].name
    clash.write_text(shipped_files()[0].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(QuestionBankError) as raised:
        load_bank(tmp_path)
    assert str(raised.value) == (
        f"{clash}: id: '{clash.stem}' is a shipped question; give yours another id"
    )


def test_the_same_id_in_yaml_and_yml_is_an_error(tmp_path: Path) -> None:
    first = own_question(tmp_path, "our-feature-store")
    first.with_suffix(".yml").write_text(first.read_text())
    with pytest.raises(QuestionBankError, match=r"id: 'our-feature-store' is also "):
        load_bank(tmp_path)


async def test_a_channel_can_ask_only_the_operators_topic(
    database: Database, messenger: FakeMessenger, tmp_path: Path
) -> None:
    own_question(tmp_path, "our-feature-store")
    ctx = AppContext(database, load_bank(tmp_path), RubricGrader(), {"test": messenger})
    await sync_questions(ctx, now=NOW)
    schedule = Schedule(time(9), Days.DAILY, "UTC")
    info = await channels.enroll_channel(ctx, channel=CHANNEL, schedule=schedule, now=NOW)
    admin = Invocation(channel=CHANNEL, user=ALICE, is_admin=True, now=NOW)
    reply = await run_command(ctx, admin, "admin topics feature-stores")
    assert "1 question in the bank matches." in reply.body
    await rounds.post_round(ctx, channel_id=info.id, now=NOW)
    [(_channel, posted, _round_id)] = messenger.questions
    assert "Our own our-feature-store" in posted.title
