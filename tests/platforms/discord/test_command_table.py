"""Every Discord app command under /scale is a command of the services' table, and back."""

from __future__ import annotations

from discord import app_commands

from scalebot.platforms.discord.handlers import build_scale_group
from scalebot.services.commands import ADMIN_COMMANDS, COMMANDS


def subcommands(group: app_commands.Group) -> dict[str, object]:
    """The group's subcommands and subgroups by name."""
    return {command.name: command for command in group.commands}


def test_every_discord_command_maps_to_a_table_entry_and_back() -> None:
    scale = subcommands(build_scale_group())
    admin = scale.pop("admin")
    assert isinstance(admin, app_commands.Group)
    assert set(scale) == {command.name for command in COMMANDS}
    assert set(subcommands(admin)) == {command.name for command in ADMIN_COMMANDS}
