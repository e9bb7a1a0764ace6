"""Appending to and reading the audit log (one global hash chain, ordered by the locked ``audit_head`` row)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from framework.store.chain import audit_hash, canonical
from framework.store.records import ACTION_PATTERN, AuditEntry
from framework.store.tables import audit_head, audit_log

MAX_DETAIL_CHARS = 16_000
PENDING_EVENTS = "ipcei_pending_events"

_LOCK_HEAD = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
_MOVE_HEAD = update(audit_head).where(audit_head.c.id == 1)


def check_action(action: str) -> str:
    action = str(action)
    if not ACTION_PATTERN.match(action):
        raise ValueError(f"an audit action is a lower-case word (a-z and _), not {action!r}")
    return action


def detail_text(detail: dict[str, Any] | None) -> str:
    if detail is not None and not isinstance(detail, dict):
        raise ValueError("the detail of an audit entry is a mapping")
    try:
        text = canonical(detail or {})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the detail of an audit entry must be plain JSON data: {exc}") from None
    if len(text) > MAX_DETAIL_CHARS:
        raise ValueError(f"the detail of an audit entry is limited to {MAX_DETAIL_CHARS} characters")
    return text


def append(
    conn: Connection,
    *,
    at: datetime,
    by: str,
    action: str,
    assessment_id: str | None,
    revision: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction; locks the log head until that transaction ends."""
    head = conn.execute(_LOCK_HEAD).one()
    seq = head.seq + 1
    text = detail_text(detail)
    digest = audit_hash(
        seq=seq,
        acted_at=at,
        acted_by=by,
        action=action,
        assessment_id=assessment_id,
        revision=revision,
        detail=text,
        previous_hash=head.hash,
    )
    conn.execute(
        audit_log.insert(),
        {
            "seq": seq,
            "acted_at": at,
            "acted_by": by,
            "action": action,
            "assessment_id": assessment_id,
            "revision": revision,
            "detail": text,
            "previous_hash": head.hash,
            "hash": digest,
        },
    )
    conn.execute(_MOVE_HEAD, {"seq": seq, "hash": digest})
    # logged when the transaction commits (framework.store.engine), never for one that rolls back
    conn.info.setdefault(PENDING_EVENTS, []).append((action, by, assessment_id, revision, seq))
    return AuditEntry(
        seq=seq,
        action=action,
        by=by,
        at=at,
        assessment_id=assessment_id,
        revision=revision,
        detail=json.loads(text),
        hash=digest,
        previous_hash=head.hash,
    )


def read(conn: Connection, assessment_id: str | None, limit: int, offset: int = 0) -> list[AuditEntry]:
    """Entries, newest first."""
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit).offset(offset)
    if assessment_id is not None:
        query = query.where(audit_log.c.assessment_id == assessment_id)
    return [
        AuditEntry(
            seq=row.seq,
            action=row.action,
            by=row.acted_by,
            at=row.acted_at,
            assessment_id=row.assessment_id,
            revision=row.revision,
            detail=json.loads(row.detail),
            hash=row.hash,
            previous_hash=row.previous_hash,
        )
        for row in conn.execute(query)
    ]
