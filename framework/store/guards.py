"""The store's own sign-off guards, on every path that writes a revision (create, import, save, status change).

Vastgesteld (or gearchiveerd) only with the store's own sign-off record, written in the same transaction; a
signed-off assessment never changes (the one step left is archiving it); a plain save never changes the status.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from framework.assessment import Assessment, Status
from framework.store.errors import FrozenError, StatusError
from framework.store.records import Action
from framework.store.tables import assessments, signoffs

# Statuses whose content is frozen: after sign-off only the step to 'gearchiveerd' is allowed, no other change.
FROZEN = frozenset({Status.VASTGESTELD, Status.GEARCHIVEERD})
_HEAD_STATUS = select(assessments.c.status).where(assessments.c.id == bindparam("b_id"))
_SIGNED = select(signoffs.c.assessment_id).where(signoffs.c.assessment_id == bindparam("b_id"))


def require_signoff(conn: Connection, aid: str, status: str, unsaved: Assessment) -> None:
    """Vastgesteld (or gearchiveerd) only with the store's own sign-off record, written in the same transaction."""
    if Status(status) in FROZEN and conn.execute(_SIGNED, {"b_id": aid}).first() is None:
        raise StatusError(
            f"assessment {aid}: the status {status} comes only from a sign-off in this store "
            "(framework.workflow.sign_off); nothing was stored",
            unsaved=unsaved,
        )


def refuse_frozen(conn: Connection, aid: str, status: str, unsaved: Assessment, kind: str | None) -> None:
    """A signed-off assessment never changes; the one step left is archiving it (status only).

    A plain save (``kind`` None) never changes the status either: only a workflow step (``Store.set_status``) does.
    """
    current = conn.execute(_HEAD_STATUS, {"b_id": aid}).scalar()
    if kind is None and current is not None and current != status:
        raise StatusError(
            f"assessment {aid} is {current}: a save does not change the status to {status}; "
            "the status changes only through a workflow step (framework.workflow)",
            unsaved=unsaved,
        )
    if current is None or Status(current) not in FROZEN:
        return
    archiving = kind == Action.STATUS_CHANGED and current == Status.VASTGESTELD and status == Status.GEARCHIVEERD
    if not archiving:
        raise FrozenError(
            f"assessment {aid} is {current} (signed off) and can no longer be changed; make a new version instead",
            unsaved=unsaved,
        )
