"""User text shown as text: Streamlit renders labels, captions and alerts as Markdown, so escape it there."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")
# Streamlit turns "http://…", "www.…" and "name@host.tld" into links and ":material/icon:" / ":streamlit:" into
# icons after escapes are resolved, so escaping cannot stop it; an invisible WORD JOINER (U+2060) after "http(s)",
# "www", "@" and a colon before a letter does.
_AUTOLINK = re.compile(r"(?i)(?:https?(?=:)|www(?=\.)|@|:(?=[a-z]))")


def plain(text: object) -> str:
    """``text`` with every Markdown-active character escaped, so that it shows as typed and never as markup
    (not even as a link made from a URL or an e-mail address in it, or as an icon)."""
    unlinked = _AUTOLINK.sub(lambda m: m.group() + "\u2060", str(text))
    return _MARKDOWN.sub(r"\\\1", unlinked).replace("\n", "  \n")


def local_time(moment: datetime | None) -> datetime | None:
    """A stored (UTC) moment in the time of the Netherlands, where the users are."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Europe/Amsterdam"))
