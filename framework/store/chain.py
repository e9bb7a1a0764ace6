"""The hash chains of revisions and of the audit log, and their verification.

A revision's ``hash`` covers who saved what when (the document through its content hash) and the hash of the
revision before it; an audit entry's ``hash`` covers the entry and the hash of the entry before it. So a
changed, removed or reordered row breaks the chain at that row. The audit entry of every save also records
the revision's hash, which ties each assessment's chain to the one global log: rewriting a history means
rewriting the log after it too, and the hash of the last audit entry (``Store.verify_anchor``) can be kept
elsewhere (in a report or sign-off) to show that it was not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def stamp(moment: datetime) -> str:
    """A timestamp as it enters a hash: UTC, microseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def revision_hash(
    *,
    assessment_id: str,
    number: int,
    saved_at: datetime,
    saved_by: str,
    kind: str,
    status: str,
    framework_sha256: str,
    content_hash: str,
    previous_hash: str,
) -> str:
    return sha256_text(
        canonical(
            {
                "assessment_id": assessment_id,
                "number": number,
                "saved_at": stamp(saved_at),
                "saved_by": saved_by,
                "kind": kind,
                "status": status,
                "framework_sha256": framework_sha256,
                "content_hash": content_hash,
                "previous_hash": previous_hash,
            }
        )
    )


def audit_hash(
    *,
    seq: int,
    acted_at: datetime,
    acted_by: str,
    action: str,
    assessment_id: str | None,
    revision: int | None,
    detail: str,
    previous_hash: str,
) -> str:
    return sha256_text(
        canonical(
            {
                "seq": seq,
                "acted_at": stamp(acted_at),
                "acted_by": acted_by,
                "action": action,
                "assessment_id": assessment_id,
                "revision": revision,
                "detail": detail,
                "previous_hash": previous_hash,
            }
        )
    )


def revision_row_hash(row: Any) -> str:
    return revision_hash(
        assessment_id=row.assessment_id,
        number=row.number,
        saved_at=row.saved_at,
        saved_by=row.saved_by,
        kind=row.kind,
        status=row.status,
        framework_sha256=row.framework_sha256,
        content_hash=row.content_hash,
        previous_hash=row.previous_hash,
    )


class _Last(NamedTuple):
    """What is kept of an assessment's last revision while checking (not its document)."""

    number: int
    hash: str
    content_hash: str
    status: str
    framework_sha256: str


def check_revisions(rows: Iterable[Any]) -> tuple[list[str], dict[str, Any]]:
    """Problems in the revision chains; rows must come ordered by assessment id and number.

    Returns:
        The problems found, and the last revision row of each assessment (to compare with the head rows).
    """
    problems: list[str] = []
    last: dict[str, Any] = {}
    for row in rows:
        where = f"assessment {row.assessment_id} revision {row.number}"
        before = last.get(row.assessment_id)
        expected_number = before.number + 1 if before is not None else 1
        expected_previous = before.hash if before is not None else GENESIS
        if row.number != expected_number:
            problems.append(f"{where}: expected revision {expected_number} here; revisions removed or reordered")
        if sha256_text(row.document) != row.content_hash:
            problems.append(f"{where}: the document was changed (its content hash does not match)")
        if row.previous_hash != expected_previous:
            problems.append(f"{where}: does not follow the revision before it (chain broken)")
        if revision_row_hash(row) != row.hash:
            problems.append(f"{where}: the revision record was changed (its hash does not match)")
        last[row.assessment_id] = _Last(row.number, row.hash, row.content_hash, row.status, row.framework_sha256)
    return problems, last


def check_audit(rows: Iterable[Any], head_seq: int, head_hash: str) -> tuple[list[str], dict[tuple, str]]:
    """Problems in the audit chain; rows must come ordered by ``seq``.

    Returns:
        The problems found, and for each revision-writing entry ``(assessment_id, revision) -> revision hash``.
    """
    problems: list[str] = []
    revision_hashes: dict[tuple, str] = {}
    previous_seq, previous_hash = 0, GENESIS
    for row in rows:
        where = f"audit entry {row.seq}"
        if row.seq != previous_seq + 1:
            problems.append(f"{where}: expected entry {previous_seq + 1} here; entries removed or reordered")
        if row.previous_hash != previous_hash:
            problems.append(f"{where}: does not follow the entry before it (chain broken)")
        recomputed = audit_hash(
            seq=row.seq,
            acted_at=row.acted_at,
            acted_by=row.acted_by,
            action=row.action,
            assessment_id=row.assessment_id,
            revision=row.revision,
            detail=row.detail,
            previous_hash=row.previous_hash,
        )
        if recomputed != row.hash:
            problems.append(f"{where}: the entry was changed (its hash does not match)")
        if row.revision is not None and row.assessment_id is not None:
            try:
                revision_hashes[(row.assessment_id, row.revision)] = json.loads(row.detail).get("hash", "")
            except (ValueError, AttributeError):
                problems.append(f"{where}: its detail is not valid JSON")
        previous_seq, previous_hash = row.seq, row.hash
    if (previous_seq, previous_hash) != (head_seq, head_hash):
        problems.append(
            f"audit log: ends at entry {previous_seq} but the log head records entry {head_seq}; "
            "entries at the end were removed or changed"
        )
    return problems, revision_hashes
