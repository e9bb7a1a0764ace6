"""One line per event on stderr, at the level of ``IPCEI_LOG_LEVEL`` (default ``WARNING``: events are ``INFO``).

An event line says who did what to which assessment, never user text (no titles, answers, comments or file
names), e.g.::

    2026-11-30T01:02:03Z INFO ipcei.event action=signed_off by="C. Bakker" assessment=233ebe98… revision=3 seq=7

The store logs an audit entry once its transaction has committed (see :func:`framework.store.engine.make_engine`),
so a line stands for something that happened. ``by`` is JSON-quoted: a name with a line break stays on one line.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

LOGGER = logging.getLogger("ipcei")
EVENTS = logging.getLogger("ipcei.event")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_HANDLER_NAME = "ipcei-stderr"


class _UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


def level_from_env() -> int:
    name = (os.environ.get("IPCEI_LOG_LEVEL") or "WARNING").strip().upper()
    return getattr(logging, name) if name in LEVELS else logging.WARNING


def configure() -> None:
    """Send the ``ipcei`` loggers to stderr at ``IPCEI_LOG_LEVEL``; safe to call on every Streamlit run."""
    LOGGER.setLevel(level_from_env())
    if any(h.get_name() == _HANDLER_NAME for h in LOGGER.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(_UTCFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.propagate = False


def event(action: str, *, by: str, assessment_id: str | None, revision: int | None, seq: int | None = None) -> None:
    """Log one event: the action (a lower-case word), who, which assessment and revision, the audit sequence."""
    if not EVENTS.isEnabledFor(logging.INFO):
        return
    EVENTS.info(
        "action=%s by=%s assessment=%s revision=%s seq=%s",
        action,
        json.dumps(str(by), ensure_ascii=False),
        assessment_id or "-",
        revision if revision is not None else "-",
        seq if seq is not None else "-",
    )
