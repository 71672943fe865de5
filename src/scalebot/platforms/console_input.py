"""What the console reads: line editing and history, pasted answers, and mistyped commands.

Line editing and history use the standard library's `readline` (GNU readline or libedit):
rich's `Console.input` reads through the built-in `input()`, which readline hooks, so the
arrow keys, Ctrl-R and a history file work with no extra dependency and without taking the
terminal away from rich (prompt_toolkit would need its own event loop integration and
renderer, and a second library drawing on the same screen). Where readline is missing
(Windows), input is plain and still works.
"""

from __future__ import annotations

import contextlib
import difflib
import select
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from scalebot.locales import Message, _

CONSOLE_COMMANDS = ("/scale", "/as", "/advance", "/quit", "/exit")
# Commands whose text runs on over the following lines when an answer is pasted.
_ANSWERS = ("/scale answer", "/scale practice answer")
HISTORY_LINES = 1000
# How long to wait for the rest of a paste after its first line arrived.
PASTE_SECONDS = 0.03


def is_command(line: str) -> bool:
    """Tell whether a line starts a console command (anything else may continue an answer)."""
    return line.lstrip().startswith("/")


def group_commands(lines: Iterable[str]) -> Iterator[str]:
    """Yield one command per entry: lines after an answer that are no command belong to it.

    A pasted multi-line answer is then graded as the whole text, as in a chat client.
    """
    current: list[str] = []
    for line in lines:
        for piece in line.rstrip("\r\n").split("\n"):
            if current and _continues(current[0]) and not is_command(piece):
                current.append(piece)
                continue
            if current:
                yield "\n".join(current)
            current = [piece]
    if current:
        yield "\n".join(current)


def _continues(first: str) -> bool:
    """Whether a command's text may run on over more lines (an answer does)."""
    words = " ".join(first.split()).lower()
    return any(words.startswith(prefix + " ") for prefix in _ANSWERS)


def not_a_command(line: str) -> Message:
    """Refuse a line that is no command, suggesting the command it most looks like."""
    word, _space, rest = line.strip().partition(" ")
    guess = word if word.startswith("/") else "/" + word
    close = difflib.get_close_matches(guess.lower(), CONSOLE_COMMANDS, n=1, cutoff=0.6)
    if close:
        meant = f"{close[0]} {rest}".strip()
        return _("'{line}' is not a command: did you mean {meant}?", line=line, meant=meant)
    return _("'{line}' is not a command: start with /scale, /as, /advance or /quit.", line=line)


class Prompter(Protocol):
    """Reads one line with a prompt (rich's Console.input)."""

    def input(self, prompt: str = "") -> str:
        """Read a line; raise EOFError at the end of input."""


class LineReader:
    """Interactive input: editing and history through readline, pastes kept whole."""

    def __init__(self, prompter: Prompter, *, prompt: str, history: Path | None) -> None:
        """Read through `prompter`, keeping history in `history` (None: this session only)."""
        self.prompter = prompter
        self.prompt = prompt
        self.history = history
        self.waiting: deque[str] = deque()
        self.editing = _load_readline(history)

    def read(self) -> str:
        """The next command: a typed line, or a pasted answer with all its lines."""
        lines = [self.waiting.popleft() if self.waiting else self.prompter.input(self.prompt)]
        while not self.waiting and _more_input():
            lines.append(input())  # the rest of a paste: already there, no prompt
        commands = list(group_commands(lines))
        self.waiting.extend(commands[1:])
        return commands[0]

    def save(self) -> None:
        """Write the history file (at the end of the session)."""
        if not self.editing or self.history is None:
            return
        import readline

        try:
            self.history.parent.mkdir(parents=True, exist_ok=True)
            readline.set_history_length(HISTORY_LINES)
            readline.write_history_file(str(self.history))
        except OSError:
            pass  # history is a convenience: a read-only home must not end the session


def _load_readline(history: Path | None) -> bool:
    """Turn on line editing and load earlier history; False where readline is missing."""
    try:
        import readline
    except ImportError:
        return False
    if history is not None and history.is_file():
        with contextlib.suppress(OSError):
            readline.read_history_file(str(history))
    return True


def _more_input() -> bool:
    """Whether more typed or pasted input is already waiting on stdin."""
    try:
        ready, _w, _x = select.select([sys.stdin], [], [], PASTE_SECONDS)
    except (OSError, ValueError):  # no selectable stdin (Windows consoles, closed streams)
        return False
    return bool(ready)
