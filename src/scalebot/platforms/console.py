"""Console mode: the same bot in a terminal, on a simulated clock, with no tokens.

A platform adapter like Slack's and Discord's: app.py builds it, binds it to the context and
the scheduler, and runs it; `/advance` fires the scheduler's round jobs as the clock passes them.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from scalebot.domain.clock import SimulatedClock
from scalebot.domain.refs import ChannelRef, UserRef
from scalebot.domain.replies import Action, Reply, Tone
from scalebot.domain.rounds import PostStatus
from scalebot.domain.schedule import Days, Schedule, parse_time
from scalebot.locales import Translator, _, translator
from scalebot.platforms.console_input import LineReader, group_commands, not_a_command
from scalebot.platforms.text_commands import run_command
from scalebot.services import channels, languages, rounds
from scalebot.services.commands import Invocation
from scalebot.services.context import AppContext, Messenger
from scalebot.services.rounds import PostOutcome

CONSOLE_CHANNEL = ChannelRef("console", "local", "practice")
# Commands typed in earlier sessions (arrow up, Ctrl-R), like ~/.python_history.
DEFAULT_HISTORY = Path.home() / ".scalebot_history"
MAX_ADVANCE = timedelta(days=366)
_ADVANCE = re.compile(r"^(\d{1,4})\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_STYLES = {
    Tone.INFO: "cyan",
    Tone.ERROR: "red",
    Tone.QUESTION: "magenta",
    Tone.FEEDBACK: "green",
    Tone.SUMMARY: "blue",
}
# Translators: a Babel date pattern (CLDR symbols), not text: EEE weekday, yyyy year.
CLOCK_PATTERN = _("EEE dd MMM yyyy")
CONSOLE_HELP = _(
    "Console only: /as NAME (act as another member), /advance 1d (move the clock; "
    "also 12h, 30m), /quit."
)


def render(reply: Reply) -> Panel | Text:
    """Turn a reply into a rich panel; user text is never parsed as markup."""
    parts: list[Text] = []
    if reply.body:
        parts.append(Text(reply.body))
    for item in reply.fields:
        inline = len(item.value) <= 40 and "\n" not in item.value
        colon = translator(reply.language)(_(": "))
        parts.append(Text.assemble((item.name, "bold"), colon if inline else "\n", item.value))
    if reply.footer:
        parts.append(Text(reply.footer, style="dim"))
    parts.extend(_typed(action) for action in reply.actions)
    if not parts:
        return Text(reply.title, style=_STYLES[reply.tone])
    return Panel(
        Group(*parts),
        title=Text(reply.title, style="bold"),
        title_align="left",
        border_style=_STYLES[reply.tone],
    )


def save_files(reply: Reply, folder: Path, t: Translator) -> list[Text]:
    """Write a reply's files into `folder`; one line per file says where it went (or why not)."""
    lines = []
    for attachment in reply.attachments:
        path = (folder / attachment.name).resolve()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(attachment.data)
        except OSError as exc:
            failed = _("Could not save {name}: {reason}", name=attachment.name, reason=exc.strerror)
            lines.append(Text(t(failed), style="red"))
            continue
        lines.append(Text(t(_("Saved {path}", path=str(path))), style="green"))
    return lines


def _typed(action: Action) -> Text:
    """A button as the console shows it: its label and the command that does the same."""
    style = "bold red" if action.danger else "bold"
    return Text.assemble((f"[{action.label}]", style), " → ", (f"/scale {action.command}", "bold"))


class RoundJobs(Protocol):
    """The scheduler as the console drives it: when rounds are due, and firing one."""

    def fire_times(
        self, schedule: Schedule, after: datetime, until: datetime
    ) -> Iterator[datetime]:
        """Each post instant in (after, until], as the scheduler would fire them."""
        ...

    async def fire(self, channel_id: int) -> PostOutcome:
        """Run a channel's round job now."""
        ...

    async def remind(self) -> int:
        """Send the reminders due now."""
        ...


class ConsoleMessenger:
    """Posts to the terminal instead of a chat channel."""

    def __init__(self, console: Console) -> None:
        """Print through a rich console."""
        self.console = console
        self.posted: set[int] = set()

    async def post_question(self, channel: ChannelRef, reply: Reply, round_id: int) -> str:
        """Show the daily post."""
        label = translator(reply.language)(_("new round"))
        self.console.print(Text(f"#{channel.channel_id} · {label}", style="dim"))
        if reply.ping is not None:
            self.console.print(Text(f"@{reply.ping}", style="bold"))
        self.console.print(render(reply))
        self.posted.add(round_id)
        return f"console-{round_id}"

    async def find_question(
        self, channel: ChannelRef, round_id: int, since: datetime
    ) -> str | None:
        """The reference of a round shown in this session, or None."""
        return f"console-{round_id}" if round_id in self.posted else None

    async def post_in_thread(self, channel: ChannelRef, thread: str | None, reply: Reply) -> None:
        """Show a thread reply (the round summary), or a channel message (the weekly digest)."""
        label = translator(reply.language)(_("thread") if thread else _("channel"))
        self.console.print(Text(f"#{channel.channel_id} · {label}", style="dim"))
        self.console.print(render(reply))

    async def notify_admins(self, channel: ChannelRef, reply: Reply) -> None:
        """Show an admin notice."""
        self.console.print(render(reply))

    async def send_private(self, channel: ChannelRef, user_id: str, reply: Reply) -> None:
        """Show a private message to a member (a reminder)."""
        label = translator(reply.language)(_("private to {name}", name=user_id))
        self.console.print(Text(f"#{channel.channel_id} · {label}", style="dim"))
        self.console.print(render(reply))


def default_user_name() -> str:
    """The console member's name: $USER, or the login name."""
    return os.environ.get("USER") or getpass.getuser() or "you"


class ConsoleSession:
    """One terminal session: a simulated workspace with one channel."""

    def __init__(
        self,
        ctx: AppContext,
        console: Console,
        *,
        user_name: str,
        post_time: str,
        timezone: str,
        clock: SimulatedClock,
        files_dir: Path,
        jobs: RoundJobs,
    ) -> None:
        """Prepare a session; call start() before handling lines."""
        self.ctx = ctx
        self.files_dir = files_dir
        # The member's language for the console's own lines; start() and each reply update it.
        self.t = translator(ctx.language)
        self.console = console
        self.clock = clock
        self.scheduler = jobs
        self.owner = self._user(user_name)
        self.user = self.owner
        self.default_schedule = Schedule(parse_time(post_time), Days.DAILY, timezone)

    @staticmethod
    def _user(name: str) -> UserRef:
        return UserRef("console", "local", name.strip().lower(), name.strip())

    async def start(self) -> None:
        """Enroll the channel on first start and make sure a question is out."""
        info = await channels.get_channel(self.ctx, channel=CONSOLE_CHANNEL)
        if info is None:
            info = await channels.enroll_channel(
                self.ctx, channel=CONSOLE_CHANNEL, schedule=self.default_schedule, now=self.clock()
            )
        # Start no earlier than today's post time (so /advance 1d always brings a new round)
        # and never before the newest round (the clock only moves forward).
        latest = await rounds.latest_post_time(self.ctx, channel=CONSOLE_CHANNEL)
        first_post = info.schedule.post_instant(info.schedule.local_date(self.clock.now))
        self.clock.now = max(self.clock.now, latest or first_post)
        self.t = await languages.reader(self.ctx, channel=CONSOLE_CHANNEL, user=self.user)
        banner = _(
            "scalebot console · #{channel} · you are {name} · {now}\n"
            "Type /scale help for commands. {help}",
            channel=CONSOLE_CHANNEL.channel_id,
            name=self.user.display_name,
            now=self._local_time(),
            help=CONSOLE_HELP,
        )
        self._say(self.t(banner))
        if latest is None:
            await rounds.post_round(self.ctx, channel_id=info.id, now=self.clock(), manual=True)
        elif info.active and info.schedule.is_due(self.clock.now):
            outcome = await self.scheduler.fire(info.id)  # catch up, as the bot does at start
            if outcome.status is not PostStatus.POSTED:
                await self._show("/scale today")

    async def handle(self, line: str) -> bool:
        """Run one input line; return False when the session should end."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit"):
            return False
        if line.startswith("/as"):
            self._switch_user(line[3:])
        elif line.startswith("/advance"):
            await self._advance(line[len("/advance") :].strip())
        elif line == "/scale" or line.startswith("/scale "):
            await self._show(line)
        else:
            self._error(self.t(not_a_command(line)))
        return True

    async def _show(self, line: str) -> None:
        """Run a /scale command as the current member and print the reply."""
        invocation = Invocation(
            channel=CONSOLE_CHANNEL,
            user=self.user,
            is_admin=self.user == self.owner,
            now=self.clock(),
        )
        reply = await run_command(self.ctx, invocation, line[len("/scale") :])
        if reply.private:  # in the member's language: the console speaks it from now on
            self.t = translator(reply.language)
        self.console.print(render(reply))
        if not reply.attachments:
            return
        for saved in save_files(reply, self.files_dir, self.t):
            # Unwrapped and outside the panel, so the path can be copied as it is.
            self.console.print(saved, soft_wrap=True)

    def _switch_user(self, name: str) -> None:
        """Act as another member (only the console's owner is an admin)."""
        if not name.strip() or not re.fullmatch(r"[\w .'-]{1,40}", name.strip()):
            self._error(
                self.t(_("Usage: /as NAME, with letters, digits, spaces, . ' or - (up to 40)."))
            )
            return
        self.user = self._user(name)
        if self.user == self.owner:
            said = _("You are now {name} (admin).", name=self.user.display_name)
        else:
            said = _("You are now {name} (member).", name=self.user.display_name)
        self._say(self.t(said))

    async def _advance(self, amount: str) -> None:
        """Move the clock; rounds due on the way are posted and closed as the scheduler would."""
        match = _ADVANCE.match(amount)
        if not match:
            self._error(self.t(_("Usage: /advance 1d (or 12h, 30m): how far to move the clock.")))
            return
        delta = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        if delta > MAX_ADVANCE or delta <= timedelta(0):
            self._error(self.t(_("Advance between 1 minute and 366 days at a time.")))
            return
        target = self.clock.now + delta
        info = await channels.get_channel(self.ctx, channel=CONSOLE_CHANNEL)
        if info is not None and info.active:
            before = self.ctx.delivery.remind_before
            for moment in self.scheduler.fire_times(info.schedule, self.clock.now, target):
                # Reminders fall due before the round they close: look once on the way.
                self.clock.now = max(self.clock.now, moment - before)
                await self.scheduler.remind()
                self.clock.now = moment
                await self.scheduler.fire(info.id)
        self.clock.now = target
        await self.scheduler.remind()
        if info is not None and not info.active:
            moved = _(
                "The clock is now {time} (paused: no rounds until /scale admin resume).",
                time=self._local_time(),
            )
        else:
            moved = _("The clock is now {time}.", time=self._local_time())
        self._say(self.t(moved))

    def _local_time(self) -> str:
        """The simulated time in the channel's zone."""
        zone = self.default_schedule.zone
        local = self.clock.now.astimezone(zone)
        return f"{self.t.date(local, style=self.t(CLOCK_PATTERN))} {local:%H:%M} {zone.key}"

    def _say(self, message: str) -> None:
        self.console.print(Text(message, style="dim"))

    def _error(self, message: str) -> None:
        self.console.print(Text(message, style="red"))


class ConsoleAdapter:
    """The terminal as a platform: its messenger prints, its session reads commands."""

    name = "console"

    def __init__(
        self,
        *,
        lines: Iterable[str] | None,
        clock: SimulatedClock,
        output: TextIO | None = None,
        user_name: str | None = None,
        post_time: str = "09:00",
        timezone: str = "UTC",
        files_dir: Path | None = None,
        history: Path | None = DEFAULT_HISTORY,
    ) -> None:
        """Read `lines` (interactive when None) and print to `output` (the terminal when None).

        Files a command delivers (exports, the stats picture) are saved in `files_dir`, by
        default the current directory.
        """
        self.console = Console(file=output, width=100) if output else Console()
        self.messenger: Messenger = ConsoleMessenger(self.console)
        self.lines = lines
        self.clock = clock
        self.user_name = user_name or default_user_name()
        self.post_time = post_time
        self.timezone = timezone
        self.files_dir = files_dir or Path.cwd()
        self.history = history
        self._session: ConsoleSession | None = None

    def bind(self, ctx: AppContext, scheduler: RoundJobs) -> None:
        """Serve the complete context; `/advance` fires the scheduler's jobs."""
        self._session = ConsoleSession(
            ctx,
            self.console,
            user_name=self.user_name,
            post_time=self.post_time,
            timezone=self.timezone,
            clock=self.clock,
            files_dir=self.files_dir,
            jobs=scheduler,
        )

    @property
    def session(self) -> ConsoleSession:
        """The session bind() prepared."""
        if self._session is None:
            raise RuntimeError("the console is not bound to a context yet")
        return self._session

    async def start(self) -> None:
        """Enroll the channel on first start and make sure a question is out."""
        await self.session.start()

    async def connected(self) -> bool:
        """The terminal is always there."""
        return True

    async def wait_closed(self) -> None:
        """Handle commands until /quit or the end of the input."""
        if self.lines is None:
            await self._interactive()
            return
        for command in group_commands(self.lines):
            if command.strip():
                shown = command.rstrip().replace("\n", "\n  ")
                self.console.print(Text(f"› {shown}", style="bold"))
            if not await self.session.handle(command):
                break

    async def _interactive(self) -> None:
        """Read from the terminal with line editing and history; pasted answers stay whole."""
        reader = LineReader(self.console, prompt="[bold]› [/bold]", history=self.history)
        try:
            while True:
                try:
                    command = reader.read()
                except (EOFError, KeyboardInterrupt):
                    break
                if not await self.session.handle(command):
                    break
        finally:
            reader.save()

    async def stop(self) -> None:
        """Nothing to close: the terminal stays."""
