"""``Store.verify``: recompute every hash chain and compare the head rows with the revisions they stand for."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from framework.store.chain import check_audit, check_revisions
from framework.store.records import REVISION_ACTIONS, Action
from framework.store.rows import columns_from_data
from framework.store.tables import assessments, audit_head, audit_log, revisions, signoffs

_HEAD_FIELDS = ("content_hash", "status", "framework_sha256")


def verify_all(conn: Connection) -> list[str]:
    """All problems found, in the order: revisions, heads, audit log, links between them."""
    streamed = conn.execution_options(yield_per=500)
    revision_rows = streamed.execute(select(revisions).order_by(revisions.c.assessment_id, revisions.c.number))
    hashes: dict[tuple[str, int], str] = {}
    expected: dict[str, dict | None] = {}  # list columns from each assessment's last document

    def remember(rows):
        current, document = None, ""
        for row in rows:
            if current is not None and row.assessment_id != current:
                expected[current] = _columns(document)
            current, document = row.assessment_id, row.document
            hashes[(row.assessment_id, row.number)] = row.hash
            yield row
        if current is not None:
            expected[current] = _columns(document)

    problems, last = check_revisions(remember(revision_rows))
    problems += _check_heads(conn, last, expected)

    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    audit_rows = streamed.execute(select(audit_log).order_by(audit_log.c.seq))
    archive_state: dict[str, bool] = {}
    logged_actions: dict[tuple[str, int], str] = {}

    def watch(rows):
        for row in rows:
            if row.assessment_id is not None and row.action in (Action.ARCHIVED, Action.RESTORED):
                archive_state[row.assessment_id] = row.action == Action.ARCHIVED
            if row.assessment_id is not None and row.revision is not None:
                logged_actions[(row.assessment_id, row.revision)] = row.action
            yield row

    audit_problems, logged = check_audit(watch(audit_rows), head.seq, head.hash)
    problems += audit_problems

    for key, digest in hashes.items():
        aid, number = key
        if key not in logged:
            problems.append(f"assessment {aid} revision {number}: no audit entry records it")
        elif logged[key] != digest:
            problems.append(f"assessment {aid} revision {number}: differs from the hash its audit entry records")
    for (aid, number), action in logged_actions.items():
        if (aid, number) not in hashes and action in REVISION_ACTIONS:
            problems.append(f"assessment {aid} revision {number}: in the audit log but missing from the revisions")
    for aid, archived in _archived_flags(conn).items():
        if archived != archive_state.get(aid, False):
            problems.append(f"assessment {aid}: archived flag does not match the audit log")
    problems += _check_signoffs(conn)
    problems += _unsigned_final(conn)
    return problems


def _check_signoffs(conn: Connection) -> list[str]:
    """Every sign-off names a revision that exists and has the content hash that was approved."""
    problems = []
    query = select(signoffs.c.assessment_id, signoffs.c.revision, signoffs.c.content_hash, revisions.c.content_hash)
    query = query.select_from(
        signoffs.outerjoin(
            revisions,
            (revisions.c.assessment_id == signoffs.c.assessment_id) & (revisions.c.number == signoffs.c.revision),
        )
    )
    for aid, number, approved, stored in conn.execute(query):
        if stored is None:
            problems.append(f"assessment {aid}: signed off at revision {number}, which is missing")
        elif stored != approved:
            problems.append(f"assessment {aid}: the sign-off of revision {number} approved other content")
    return problems


def _unsigned_final(conn: Connection) -> list[str]:
    """Every vastgesteld or gearchiveerd assessment must have the store's own sign-off record."""
    signed = select(signoffs.c.assessment_id)
    rows = conn.execute(
        select(assessments.c.id, assessments.c.status)
        .where(assessments.c.status.in_(("vastgesteld", "gearchiveerd")), assessments.c.id.not_in(signed))
        .order_by(assessments.c.id)
    )
    return [f"assessment {row.id}: status {row.status} without a sign-off record in this store" for row in rows]


def _columns(document: str) -> dict | None:
    try:
        return columns_from_data(json.loads(document))
    except (ValueError, TypeError, AttributeError):
        return None


def _check_heads(conn: Connection, last: dict, expected: dict[str, dict | None]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for head in conn.execute(select(assessments)):
        seen.add(head.id)
        final = last.get(head.id)
        if final is None:
            problems.append(f"assessment {head.id}: has no revisions")
            continue
        if head.revision != final.number:
            problems.append(
                f"assessment {head.id}: head says revision {head.revision}, the last revision is {final.number}"
            )
        changed = [name for name in _HEAD_FIELDS if getattr(head, name) != getattr(final, name)]
        columns = expected.get(head.id)
        if columns is None:
            problems.append(f"assessment {head.id}: its last revision is not a valid assessment document")
            continue
        changed += [name for name, value in columns.items() if getattr(head, name) != value]
        if changed:
            problems.append(f"assessment {head.id}: head row differs from its last revision in {', '.join(changed)}")
    for aid in sorted(set(last) - seen):
        problems.append(f"assessment {aid}: revisions without an assessment row")
    return problems


def _archived_flags(conn: Connection) -> dict[str, bool]:
    return {row.id: bool(row.archived) for row in conn.execute(select(assessments.c.id, assessments.c.archived))}
