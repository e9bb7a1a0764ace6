"""Local time for what people read: sign-off dates and times in the ministry's time zone.

The store keeps moments in UTC; a parafenlijst prints them in ``IPCEI_TIMEZONE`` (default ``Europe/Amsterdam``),
so that a draft made at 00:02 in The Hague is dated that day, not the day before.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from framework.errors import IpceiError

TIMEZONE_ENV = "IPCEI_TIMEZONE"
DEFAULT_TIMEZONE = "Europe/Amsterdam"


def local_zone() -> ZoneInfo:
    """The time zone of ``IPCEI_TIMEZONE`` (an IANA name such as ``Europe/Amsterdam``)."""
    name = os.environ.get(TIMEZONE_ENV, "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise IpceiError(f"{TIMEZONE_ENV}={name!r} is not a known time zone (for example {DEFAULT_TIMEZONE})") from None


def to_local(moment: datetime) -> datetime:
    """``moment`` in the local zone; a naive moment is taken to be UTC (as the store writes it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())
