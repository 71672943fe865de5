"""Log setup: plain lines for people, or one JSON object per line for log collectors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_BELOW_DEBUG = ("alembic", "apscheduler")


def configure_logging(level: str, log_format: LogFormat = "text") -> None:
    """Send logs to stderr at `level`, as text lines or JSON objects."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "name": "logger", "asctime": "time"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    # Like basicConfig: a process that already has handlers (a test runner) keeps them.
    logging.basicConfig(level=level, handlers=[handler])
    if level != "DEBUG":
        for chatty in QUIET_BELOW_DEBUG:
            logging.getLogger(chatty).setLevel(logging.WARNING)


def log_to_file(path: Path) -> Path:
    """Send every log line to a file instead of the terminal (the console's screen is the bot's).

    Returns the file's resolved path. If the file cannot be opened, logs go nowhere rather
    than onto the screen.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            root.removeHandler(handler)
    resolved = path.resolve()
    try:
        resolved.parent.mkdir(parents=True, exist_ok=True)
        to_file: logging.Handler = logging.FileHandler(resolved, encoding="utf-8")
    except OSError:
        to_file = logging.NullHandler()
    to_file.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(to_file)
    return resolved
