"""User text shown as text: Streamlit renders labels, captions and alerts as Markdown, so escape it there."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")


def plain(text: object) -> str:
    """``text`` with every Markdown-active character escaped, so that it shows as typed and never as markup."""
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", "  \n")


def local_time(moment: datetime | None) -> datetime | None:
    """A stored (UTC) moment in the time of the Netherlands, where the users are."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Europe/Amsterdam"))
