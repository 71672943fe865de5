"""Discord adapter (not built yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from scalebot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from scalebot.services.context import AppContext


def create_adapter(ctx: AppContext, settings: Settings) -> NoReturn:
    """Refuse clearly until the Discord adapter exists."""
    raise SettingsError(
        "SCALEBOT_PLATFORM: the discord adapter is not built yet; try scalebot console"
    )
