"""forget-me in the console: it asks, and /scale forget-me confirm deletes everything."""

from __future__ import annotations

from scalebot.domain.refs import UserRef
from scalebot.services.context import AppContext
from tests.mentions import member_id, mentions
from tests.platforms.test_console import STRONG, transcript


async def test_forget_me_asks_then_confirm_deletes_everything(ctx: AppContext) -> None:
    out = await transcript(ctx, [STRONG, "/scale forget-me"])
    assert "Delete everything scalebot stores about you here?" in out
    assert "[Delete my data] → /scale forget-me confirm" in out
    dana = UserRef("console", "local", "dana", "Dana")
    her = await member_id(ctx.db, dana)
    assert await mentions(ctx.db, dana, her) != {}  # asking deleted nothing
    out = await transcript(ctx, ["/scale forget-me confirm"])
    assert "Deleted: scalebot no longer stores anything about you here." in out
    assert "1 answer deleted; you are off the leaderboards of 1 channel." in out
    assert await mentions(ctx.db, dana, her) == {}
