"""The `scalebot` command line."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from scalebot.cli import bench as _bench_commands  # noqa: F401  (registers bench commands)
from scalebot.cli import platform_bench as _platform_benches  # noqa: F401  (fanout, ack)
from scalebot.cli.evaluation import bench_app, eval_command

if TYPE_CHECKING:
    from scalebot.domain.questions import QuestionBank
    from scalebot.grading.feedback import Feedback
    from scalebot.settings import Settings

app = typer.Typer(
    help="scalebot: daily 'How would you scale it?' practice.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Rich's help renderer imports Markdown, Pygments and
    # tracebacks, which took more than half of `scalebot --help` (see `scalebot bench cli`).
    rich_markup_mode=None,
    context_settings={"max_content_width": 120},  # whole command summaries in a wide terminal
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
questions_app = typer.Typer(help="The question bank.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(questions_app, name="questions")
discord_app = typer.Typer(
    help="Discord: register the /scale commands, print the invite URL.", no_args_is_help=True
)
app.add_typer(discord_app, name="discord")
slack_app = typer.Typer(help="Slack: print the app manifest.", no_args_is_help=True)
app.add_typer(slack_app, name="slack")
T = TypeVar("T")
# Where an interactive console writes its logs (in SCALEBOT_DATA_DIR), off the screen.
CONSOLE_LOG = "console.log"


def _fail(message: str) -> typer.Exit:
    """Print one clear line on stderr and return an exit to raise."""
    for line in message.splitlines() or [""]:
        typer.echo(f"error: {line}", err=True)
    return typer.Exit(code=2)


def _settings() -> Settings:
    """Load settings, or stop with the one-line reason."""
    from scalebot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    from scalebot.ops.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    return settings


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine, turning settings errors into one line."""
    import asyncio

    from scalebot.settings import SettingsError

    try:
        return asyncio.run(coroutine)
    except SettingsError as exc:
        raise _fail(str(exc)) from None


@app.command()
def console() -> None:
    """Practise in the terminal: a simulated channel on a local database, no tokens."""
    import logging

    settings = _settings()
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)  # keep the transcript clean
    if sys.stdin.isatty():  # log lines would break into the screen: they go to a file
        from scalebot.ops.logs import log_to_file

        log_to_file(settings.data_dir / CONSOLE_LOG)
    _run(_console(settings, interactive=sys.stdin.isatty()))


async def _console(settings: Settings, *, interactive: bool) -> None:
    from scalebot.app import ConsoleOptions, run_bot

    lines = None if interactive else sys.stdin
    await run_bot(settings, ["console"], console=ConsoleOptions(lines=lines))


@app.command()
def run(
    platform: Annotated[
        str | None,
        typer.Argument(help="slack, discord, all or console (default: SCALEBOT_PLATFORM)"),
    ] = None,
    http: Annotated[
        bool,
        typer.Option("--http", help="Slack: serve HTTP at /slack/events instead of Socket Mode"),
    ] = False,
    host: Annotated[
        str | None, typer.Option("--host", help="Slack HTTP mode: address (default 0.0.0.0)")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", min=1, max=65535, help="Slack HTTP mode: port (default 3000)"),
    ] = None,
) -> None:
    """Start the bot on a platform."""
    settings = _settings()
    chosen = platform or settings.platform
    settings = _slack_http_options(settings, chosen, http=http, host=host, port=port)
    if chosen == "console":
        _run(_console(settings, interactive=sys.stdin.isatty()))
        return
    if chosen not in ("slack", "discord", "all"):
        raise _fail(f"unknown platform '{chosen}': use slack, discord, all or console")
    from scalebot.app import run_bot

    platforms = ["slack", "discord"] if chosen == "all" else [chosen]
    _run(run_bot(settings, platforms))


def _slack_http_options(
    settings: Settings, chosen: str, *, http: bool, host: str | None, port: int | None
) -> Settings:
    """Fold `run --http --host --port` into the settings (they apply to Slack only)."""
    if not (http or host or port):
        return settings
    if chosen not in ("slack", "all"):
        raise _fail("--http, --host and --port apply to Slack: use `scalebot run slack --http`")
    if not (http or settings.slack.http):
        raise _fail("--host and --port apply to Slack's HTTP mode: add --http")
    update: dict[str, object] = {"http": True}
    if host:
        update["host"] = host
    if port:
        update["port"] = port
    return settings.model_copy(update={"slack": settings.slack.model_copy(update=update)})


@slack_app.command("manifest")
def slack_manifest(
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Public https:// base URL for HTTP mode (request URLs go to URL/slack/events); "
            "omit it for Socket Mode",
        ),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="App and bot name")] = "scalebot",
) -> None:
    """Print the Slack app manifest (JSON) to paste into "Create New App → From a manifest"."""
    from scalebot.platforms.slack.manifest import build_manifest

    if url is not None and not re.fullmatch(r"https://[^/\s]+(/\S*)?", url.strip()):
        raise _fail(f"--url: '{url}' is not an https:// URL (Slack only calls https)")
    if not 1 <= len(name.strip()) <= 35:
        raise _fail("--name: use 1 to 35 characters (Slack's limit for app names)")
    settings = _settings()
    manifest = build_manifest(
        name=name.strip(),
        url=url.strip() if url else None,
        thread_answers=settings.slack.thread_answers,
    )
    typer.echo(json.dumps(manifest, indent=2, ensure_ascii=False))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the database schema to the newest revision."""
    settings = _settings()
    revision = _run(_upgrade(settings))
    typer.echo(f"database is at revision {revision}")


async def _upgrade(settings: Settings) -> str | None:
    from scalebot.app import open_database
    from scalebot.db.migrate import current_revision

    database = await open_database(settings)
    try:
        return await current_revision(database)
    finally:
        await database.dispose()


def _bank() -> QuestionBank:
    """The shipped bank with SCALEBOT_QUESTIONS_DIR merged in, or stop with the one-line reason."""
    from scalebot.app import question_bank

    settings = _settings()
    return _run_settings(lambda: question_bank(settings))


@questions_app.command("list")
def questions_list() -> None:
    """List the questions: the shipped bank and SCALEBOT_QUESTIONS_DIR's."""
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "topic", "difficulty", "criteria", "title")
    for question in _bank().questions:
        table.add_row(
            question.id,
            question.topic,
            question.difficulty.value,
            str(len(question.rubric)),
            question.title,
        )
    Console().print(table)


@questions_app.command("lint")
def questions_lint(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="YAML files or folders of them (default: the shipped bank)"),
    ] = None,
) -> None:
    """Validate question files against the schema; a folder's ids must not clash with the bank."""
    problems = checked = 0
    targets: list[Path | None] = list(files) if files else [None]
    for target in targets:
        found, count = _lint(target) if target is None else _lint_path(target)
        problems, checked = problems + len(found), checked + count
        for problem in found:
            typer.echo(f"✗ {problem}", err=True)
    if problems:
        raise typer.Exit(code=1)
    typer.echo(f"{checked} question file{'s' if checked != 1 else ''} OK")


def _lint_path(path: Path) -> tuple[list[str], int]:
    """Lint one file, or an operator's folder as SCALEBOT_QUESTIONS_DIR would load it."""
    from scalebot.bank.loader import load_bank, load_operator_questions, operator_files
    from scalebot.domain.questions import QuestionBankError

    if not path.is_dir():
        return _lint(path)
    try:
        files = operator_files(path)
    except QuestionBankError as exc:
        return [str(exc)], 0
    problems = [problem for file in files for problem in _lint(file)[0]]
    if not problems:
        try:
            load_operator_questions(path, load_bank())
        except (QuestionBankError, OSError) as exc:
            problems.append(str(exc))
    return problems, len(files)


def _lint(path: Path | None) -> tuple[list[str], int]:
    """Lint one file (None: every shipped file); return the problems and how many were read."""
    from scalebot.bank.loader import load_files, shipped_files
    from scalebot.domain.questions import QuestionBankError

    paths = [path] if path is not None else list(shipped_files())
    problems = []
    for each in paths:
        try:
            load_files([each])
        except (QuestionBankError, OSError) as exc:
            problems.append(str(exc))
    return problems, len(paths)


@app.command()
def catalogs() -> None:
    """Extract messages into the .pot, merge them into each language's .po and compile the .mo."""
    from scalebot.locales.catalogs import TEMPLATE, po_path, refresh

    missing = refresh()
    typer.echo(f"wrote {TEMPLATE.name}")
    for language, count in missing.items():
        state = f"{count} untranslated" if count else "complete"
        typer.echo(f"{po_path(language).relative_to(TEMPLATE.parent)}: {state}")
    if any(missing.values()):
        typer.echo("Translate the empty msgstr entries, then run this again.", err=True)
        raise typer.Exit(code=1)


@app.command()
def grade(
    question_id: Annotated[str, typer.Argument(help="Question id, see `scalebot questions list`")],
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Answer file (default: stdin)")
    ] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help='Read JSON lines {"id", "text"}; write one per answer')
    ] = False,
) -> None:
    """Grade an answer (or many, with --jsonl) and print the feedback."""
    from scalebot.grading.rubric import RubricGrader

    question = _bank().get(question_id)
    if question is None:
        raise _fail(f"unknown question '{question_id}': see `scalebot questions list`")
    try:
        source = file.read_text(encoding="utf-8") if file else sys.stdin.read()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror}") from None
    grader = RubricGrader()
    if not jsonl:
        if not source.strip():
            raise _fail("the answer is empty: pass --file or pipe the text on stdin")
        from rich.console import Console

        from scalebot.locales import ENGLISH
        from scalebot.platforms.console import render
        from scalebot.services.replies import feedback_reply

        feedback = grader.grade(question, source)
        reply = feedback_reply(feedback, question, streak=0, late=False, revision=1, t=ENGLISH)
        Console().print(render(reply))
        return
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            continue
        record = _parse_jsonl(line, number)
        typer.echo(json.dumps(feedback_json(record["id"], grader.grade(question, record["text"]))))


def _parse_jsonl(line: str, number: int) -> dict[str, Any]:
    """Parse one input line of --jsonl, or stop naming the line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _fail(f"line {number}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise _fail(f'line {number}: expected an object with a "text" string')
    if "id" not in record:
        raise _fail(f'line {number}: expected an "id" beside the "text"')
    return record


def feedback_json(answer_id: object, feedback: Feedback) -> dict[str, Any]:
    """The --jsonl output record for one answer."""
    return {
        "id": answer_id,
        "question": feedback.question_id,
        "score": feedback.score,
        "criteria": [
            {"id": r.id, "met": r.met, "evidence": r.evidence, "hint": r.hint}
            for r in feedback.criteria
        ],
        "follow_up": feedback.follow_up,
    }


@discord_app.command("sync")
def discord_sync(
    guild: Annotated[
        str | None,
        typer.Option("--guild", help="Server id: register there only (instant; for testing)"),
    ] = None,
) -> None:
    """Register the /scale commands with Discord (never done on start)."""
    from scalebot.platforms.discord.config import DiscordConfig
    from scalebot.platforms.discord.tools import sync_commands

    if guild is not None and not guild.strip().isdigit():
        raise _fail(f"--guild: '{guild}' is not a server id (Developer Mode → Copy Server ID)")
    settings = _settings()
    config = _run_settings(lambda: DiscordConfig.from_settings(settings))
    result = _run(sync_commands(config, guild_id=int(guild) if guild else None))
    where = f"in server {result.guild_id}" if result.guild_id else "globally"
    names = ", ".join(f"/{name}" for name in result.names)
    typer.echo(f"Synced {names} ({result.subcommands} subcommands) {where}.")


@discord_app.command("invite")
def discord_invite() -> None:
    """Print the URL that adds the bot to a server with the permissions it needs."""
    from scalebot.platforms.discord.config import DiscordConfig
    from scalebot.platforms.discord.tools import invite_url

    settings = _settings()
    config = _run_settings(lambda: DiscordConfig.from_settings(settings))
    typer.echo(_run(invite_url(config)))


def _run_settings(build: Callable[[], T]) -> T:
    """Build something from settings, turning a settings error into one line."""
    from scalebot.settings import SettingsError

    try:
        return build()
    except SettingsError as exc:
        raise _fail(str(exc)) from None


app.add_typer(bench_app, name="bench")
app.command("eval")(eval_command)


def main() -> None:
    """Entry point of the `scalebot` script."""
    app()
