"""The Slack app manifest to paste when creating the app (Socket Mode or HTTP)."""

from __future__ import annotations

from typing import Any

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
BOT_SCOPES = (
    "commands",  # /scale
    "chat:write",  # daily posts, summaries, admin DMs
    "channels:join",  # join a public channel enrolled before the bot was invited
    "users:read",  # display names, and admins/owners for admin commands
    "reactions:write",  # ✅ on graded thread replies
    "channels:history",  # thread replies in public channels
    "groups:history",  # thread replies in private channels
    "im:write",  # open a DM for export-me files and admin notices
    "files:write",  # export-me, the stats picture and admin export as files
)
BOT_EVENTS = ("message.channels", "message.groups")
USAGE = (
    "help | today | answer [TEXT] | streak | leaderboard | stats | forget-me | export-me"
    " | admin setup HH:MM ZONE [daily|weekdays] | admin pause | admin resume"
    " | admin post-now | admin leaderboard [week|month|all] [public]"
)


def build_manifest(
    *, name: str = "scalebot", url: str | None = None, thread_answers: bool = True
) -> dict[str, Any]:
    """An app manifest: Socket Mode without `url`, HTTP request URLs under `url` with it."""
    base = url.rstrip("/") if url else None
    command: dict[str, Any] = {
        "command": "/scale",
        "description": "Daily 'How would you scale it?' practice",
        "usage_hint": USAGE,
        "should_escape": False,
    }
    settings: dict[str, Any] = {
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": base is None,
        "token_rotation_enabled": False,
    }
    oauth: dict[str, Any] = {"scopes": {"bot": list(BOT_SCOPES)}}
    if thread_answers:
        settings["event_subscriptions"] = {"bot_events": list(BOT_EVENTS)}
    if base is not None:
        command["url"] = base + EVENTS_PATH
        settings["interactivity"]["request_url"] = base + EVENTS_PATH
        if thread_answers:
            settings["event_subscriptions"]["request_url"] = base + EVENTS_PATH
        oauth["redirect_urls"] = [base + REDIRECT_PATH]
    return {
        "display_information": {
            "name": name,
            "description": "A daily scaling question, private rubric feedback, streaks.",
            "background_color": "#1d3557",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": False,
                "messages_tab_enabled": True,  # admin notices and export-me files arrive here
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": oauth,
        "settings": settings,
    }
