"""Phases of an IPCEI dossier: the next phase starts from the last signed-off advice, and never goes back.

An IPCEI runs through phases (verkenning, pre-notificatie, notificatie, uitvoering, afgerond: the framework's
``phases`` list); each phase gets its own advice, and the assessments of one IPCEI form a dossier
(:mod:`framework.dossier`). :func:`start_next_phase` makes the assessment of the next phase: a new concept that
starts from the dossier's latest signed-off (vastgesteld) assessment, with its answers carried over, linked to it
in the store (``phase_links``) in the same transaction. A phase before (or equal to) the signed-off one is refused
with a message that names both; nothing is stored then. :func:`phase_refusals` holds the same rule on every
create and on a save that changes the phase (:mod:`framework.workflow`).

:func:`reference` finds the signed-off advice an assessment is compared with («wat is er veranderd sinds het
vastgestelde advies»): the one it started from as next phase, else the version it replaces, else the dossier's
latest signed-off assessment signed off before this one was made. :func:`carried_over` names the answers still
as they were carried over (each shown «overgenomen uit het vastgestelde advies van DATUM» until changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from framework import gates
from framework.assessment import Assessment, Status, is_empty
from framework.compare.sides import normalised
from framework.dossier import dossier_key, next_phase_of, phase_rank
from framework.gates import GateError, Refusal
from framework.localtime import to_local
from framework.models import Framework
from framework.store import Record, Store, audit
from framework.store.dossiers import add_phase_link
from framework.store.signoffs import SignOff

STARTING_ROLES = frozenset({"author", "approver"})  # as for a new version of a signed-off assessment


@dataclass(frozen=True)
class Reference:
    """The signed-off advice an assessment is compared with, and how they are related."""

    id: str
    revision: int
    assessment: Assessment
    framework: Framework
    signoff: SignOff
    how: str  # "phase" (started from it), "version" (replaces it) or "dossier" (the dossier's latest)

    @property
    def signed_on(self) -> date:
        return to_local(self.signoff.at).date()

    @property
    def carries_over(self) -> bool:
        """Whether the assessment was made from this advice (so equal answers were carried over, not typed)."""
        return self.how in ("phase", "version")


def _label(framework: Framework, phase: str) -> Any:
    return lambda lang: framework.label("phases", phase, lang) if phase else "—"


def _backwards(framework: Framework, phase: str, latest: Any, latest_phase: str) -> Refusal:
    return Refusal(
        "phases_backwards",
        {
            "phase": _label(framework, phase),
            "signed": _label(framework, latest_phase),
            "title": latest.title,
            "date": to_local(latest.signed_off_at).strftime("%d-%m-%Y") if latest.signed_off_at else "",
        },
    )


def phase_refusals(store: Store, framework: Framework, assessment: Assessment, exclude: str | None = None) -> list:
    """A phase earlier than the dossier's latest signed-off phase: the dossier may not go back (empty when fine)."""
    phase = assessment.meta.phase
    rank = phase_rank(framework, phase)
    dossier = dossier_key(assessment.meta.model_dump(mode="json"))
    if rank is None or not dossier:
        return []
    latest = store.latest_signed_off(dossier, exclude=exclude)
    if latest is None:
        return []
    latest_rank = phase_rank(framework, latest.phase)
    if latest_rank is not None and rank < latest_rank:
        return [_backwards(framework, phase, latest, latest.phase)]
    return []


def check_phase(store: Store, framework: Framework, assessment: Assessment, exclude: str | None = None) -> None:
    """Raise the GateError of :func:`phase_refusals`, if any."""
    if problems := phase_refusals(store, framework, assessment, exclude):
        raise GateError(problems)


def start_next_phase(store: Store, assessment_id: str, actor: Any, phase: str | None = None) -> Record:
    """A new concept for the next phase of the dossier of ``assessment_id``, from its latest signed-off assessment.

    Args:
        assessment_id: any assessment of the dossier (the start is always the dossier's latest signed-off one).
        actor: a :class:`framework.workflow.Actor` whose role may start a new version (author or approver).
        phase: the phase of the new assessment (default: the phase after the signed-off one); it must come
            after the signed-off phase in the framework's order.

    Raises:
        GateError: no signed-off assessment in the dossier, an unknown phase, a phase that is not after the
            signed-off one, or a role that does not start one. Nothing is stored then.
    """
    if actor is None:
        raise gates.refuse("gate_no_actor")
    gates.check_actor(actor)
    if actor.role.value not in STARTING_ROLES:
        raise gates.refuse("phases_role", name=actor.name, role=actor.role.value)
    dossier = store.dossier_of(assessment_id)
    latest = store.latest_signed_off(dossier)
    if latest is None:
        raise gates.refuse("phases_no_signed_off", ipcei=store.get(assessment_id).assessment.meta.ipcei)
    base = store.get(latest.id)
    framework = store.framework_for(base)
    current = base.assessment.meta.phase
    target = phase if phase else next_phase_of(framework, current)
    if target is None:
        raise gates.refuse("phases_no_next", phase=_label(framework, current))
    if phase_rank(framework, target) is None:
        known = ", ".join(e.id for e in framework.phases)
        raise gates.refuse("phases_unknown", phase=target, known=known)
    current_rank = phase_rank(framework, current)
    if current_rank is not None and phase_rank(framework, target) <= current_rank:  # type: ignore[operator]
        raise GateError([_backwards(framework, target, latest, current)])
    revision = latest.signed_off_revision or base.revision

    def link(conn: Any, new_id: str, at: datetime) -> None:
        add_phase_link(conn, new_id, latest.id, revision, actor.name, at)
        detail = {"next_phase": new_id, "phase": target}
        audit.append(conn, at=at, by=actor.name, action="next_phase", assessment_id=latest.id, detail=detail)

    detail = {"phase_from": current, "phase": target, "based_on_revision": revision}
    return store.duplicate(latest.id, actor.name, meta={"phase": target}, detail=detail, after=link)


def reference(store: Store, record: Record) -> Reference | None:
    """The signed-off advice ``record`` is compared with (see the module docstring); None when there is none."""
    candidates: list[tuple[str, str]] = []
    if (link := store.phase_link(record.id)) is not None:
        candidates.append((link.based_on, "phase"))
    older, _ = store.version_links(record.id)
    if older is not None:
        candidates.append((older, "version"))
    latest = store.latest_signed_off(store.dossier_of(record.id), exclude=record.id)
    if latest is not None and latest.signed_off_at is not None and latest.signed_off_at < record.created_at:
        candidates.append((latest.id, "dossier"))
    for base_id, how in candidates:
        signoff = store.signoff(base_id)
        if signoff is None:
            continue
        assessment = store.revision(base_id, signoff.revision)
        framework = store.framework_of_revision(base_id, signoff.revision)
        return Reference(base_id, signoff.revision, assessment, framework, signoff, how)
    return None


def carried_over(ref: Reference | None, assessment: Assessment) -> set[tuple[str, str]]:
    """The ``(question, field)`` answers that are still as carried over from ``ref`` (none when not made from it)."""
    if ref is None or not ref.carries_over:
        return set()
    found = set()
    for question_id, fields in assessment.answers.items():
        for field_id, value in fields.items():
            if is_empty(value):
                continue
            if normalised(ref.assessment.value(question_id, field_id), "") == normalised(value, ""):
                found.add((question_id, field_id))
    return found


def is_final(status: Status | str) -> bool:
    return Status(status) in (Status.VASTGESTELD, Status.GEARCHIVEERD)


def changes_since(store: Store, record: Record, lang: str = "nl", ref: Reference | None = None) -> Any:
    """«Wat is er veranderd sinds het vastgestelde advies» for ``record`` (a :class:`framework.compare.since.Since`),
    or None when it follows no signed-off advice."""
    from framework.compare.sides import Subject
    from framework.compare.since import since

    ref = ref if ref is not None else reference(store, record)
    if ref is None:
        return None
    base = Subject(ref.assessment, ref.framework, ref=ref.id, revision=ref.revision)
    current = Subject(record.assessment, store.framework_for(record), ref=record.id, revision=record.revision)
    return since(base, current, signed_on=ref.signed_on, signed_by=ref.signoff.by, lang=lang)
