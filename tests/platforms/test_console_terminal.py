"""The real `scalebot console` in a pseudo-terminal: line editing, history, pastes, quiet logs."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROMPT = "› ".encode()
WAIT_SECONDS = 60.0
UP, CTRL_A = b"\x1b[A", b"\x01"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")


class Terminal:
    """A console process on a pty: type into it, wait for what it prints."""

    def __init__(self, home: Path) -> None:
        """Start `scalebot console` with its data, history and cwd in `home`."""
        env = {**os.environ, "SCALEBOT_DATA_DIR": str(home), "HOME": str(home), "USER": "dana"}
        env |= {"TERM": "xterm", "COLUMNS": "100"}
        self.master, slave = pty.openpty()
        scalebot = Path(sys.executable).with_name("scalebot")
        self.process = subprocess.Popen(
            [str(scalebot), "console"], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=home
        )
        os.close(slave)
        self.screen = b""

    def wait_for(self, text: bytes, count: int = 1) -> None:
        """Read the screen until `text` appeared `count` times."""
        deadline = time.monotonic() + WAIT_SECONDS
        while self.screen.count(text) < count:
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{self.text()[-2000:]}"
            ready, _w, _x = select.select([self.master], [], [], 0.1)
            if ready:
                self.screen += os.read(self.master, 65536)

    def type(self, keys: bytes, *, then: bytes = PROMPT) -> None:
        """Type keys and wait for the next prompt."""
        prompts = self.screen.count(then)
        os.write(self.master, keys)
        self.wait_for(then, prompts + 1)

    def text(self) -> str:
        """Everything printed so far."""
        return self.screen.decode(errors="replace")

    def close(self) -> None:
        """Quit and wait for the process."""
        os.write(self.master, b"/quit\r")
        self.process.wait(timeout=WAIT_SECONDS)
        os.close(self.master)


def test_the_console_edits_remembers_and_keeps_pastes_whole(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    try:
        terminal.wait_for(PROMPT)
        terminal.type(b"/scal today\r")
        assert "did you mean /scale today?" in terminal.text()
        # A paste arrives as two lines at once: one answer.
        terminal.type(b"/scale answer I would shard by user id\nand cache the hot reads.\r")
        terminal.type(b"scale streak" + CTRL_A + b"/\r")  # Ctrl-A: back to the line's start
        assert "Your streak: 1" in terminal.text()
        terminal.type(UP * 4 + b"\r")  # four commands back: the mistyped one again
        assert terminal.text().count("did you mean /scale today?") == 2
    finally:
        terminal.close()
    assert terminal.process.returncode == 0
    assert terminal.text().count("is not a command") == 2  # the mistyped line, twice; not the paste
    with sqlite3.connect(tmp_path / "scalebot.db") as db:
        [(text,)] = db.execute("SELECT text FROM answers").fetchall()
    assert text == "I would shard by user id\nand cache the hot reads."
    history = (tmp_path / ".scalebot_history").read_text().splitlines()
    assert history[:2] == ["/scal today", "/scale answer I would shard by user id"]
    assert (tmp_path / "console.log").exists()
    assert " WARNING " not in terminal.text()
    assert " INFO " not in terminal.text()
