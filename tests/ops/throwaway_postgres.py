"""A PostgreSQL server of the test's own, to stop or freeze (never the shared one)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.platforms.processes import free_port


def _bin(name: str) -> str | None:
    """A PostgreSQL server program from PATH or the distribution's folder."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


def available() -> bool:
    """Tell whether initdb and pg_ctl are installed."""
    return _bin("initdb") is not None and _bin("pg_ctl") is not None


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    """Run as `owner` when we are root (initdb refuses root)."""
    return ["runuser", "-u", owner, "--", *command] if owner else command


class Server:
    """A running throwaway server: its URL, and freeze / thaw of all its processes."""

    def __init__(self, folder: Path, port: int) -> None:
        """Describe a server in `folder` listening on `port`."""
        self.folder, self.port = folder, port
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def pids(self) -> list[int]:
        """The postmaster and its children (the backends serving connections)."""
        postmaster = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def signal(self, which: signal.Signals) -> None:
        """Send a signal to every process of the server."""
        for pid in self.pids():
            with suppress(ProcessLookupError):
                os.kill(pid, which)


@contextmanager
def throwaway_postgres() -> Iterator[Server]:
    """initdb into a fresh folder, start on a free port, and always stop and remove it."""
    owner = "postgres" if os.geteuid() == 0 else None
    # Not under pytest's tmp_path: the server's user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="scalebot-pg-"))
    folder.chmod(0o755)
    if owner:
        shutil.chown(folder, pwd.getpwnam(owner).pw_name)
    data = folder / "data"
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    assert initdb is not None
    assert pg_ctl is not None
    subprocess.run(
        _as_owner([initdb, "-D", str(data), "-U", "postgres", "-A", "trust"], owner),
        check=True,
        capture_output=True,
    )
    server = Server(folder, free_port())
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1"
    start = [pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
    subprocess.run(_as_owner(start, owner), check=True, capture_output=True)
    try:
        yield server
    finally:
        server.signal(signal.SIGCONT)
        stop = [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_owner(stop, owner), check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
