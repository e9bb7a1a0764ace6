"""Review and sign-off: the one function every change of status goes through, and the edits around it.

Every change of status (UI, CLI, API) is :func:`transition`: it checks the current status against
:data:`TRANSITIONS`, the actor's role, and the gates of :mod:`framework.gates` (a submission with open findings
needs a reason; a sign-off needs a complete review, no error, every warning acknowledged, and an approver who is
not the author, an editor or the reviewer); the store then writes the new revision, the audit entry and any
sign-off or review rows in one transaction. Every edit of the content is :func:`save` (role and status checked).
A signed-off assessment is frozen by the store itself (:class:`~framework.store.FrozenError`);
a change means :func:`new_version`, a new concept that "vervangt versie …" of its predecessor.

The roles, verdicts, steps and transitions as data, and :class:`Actor`, are in :mod:`framework.transitions`
(importable from here too).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from framework import gates
from framework.assessment import Assessment, Status
from framework.gates import GateError, Refusal
from framework.parafen import latest_reviews, parafenlijst, submission_notes
from framework.store import Record, Store, audit
from framework.store.signoffs import ReviewEntry, SignOff, add_reviews, add_signoff, add_supersession
from framework.transitions import (
    BY_STEP,
    ROLE_ALIASES,
    TRANSITIONS,
    Actor,
    Role,
    Step,
    Transition,
    Verdict,
    role_of,
    same_person,
    steps_from,
)

MAX_COMMENT = 4000


def four_eyes_problems(store: Store, record: Record, approver: Actor) -> list[Refusal]:
    """Why ``approver`` may not sign off ``record``: the author, an editor or the reviewer (empty when allowed)."""
    return gates.four_eyes(store, record, approver)


def review_four_eyes_problems(store: Store, record: Record, reviewer: Actor) -> list[Refusal]:
    """Why ``reviewer`` may not review ``record``: its author, who stored it or an editor (empty when allowed)."""
    return gates.review_four_eyes(store, record, reviewer)


def refusals(store: Store, record: Record, step: Step, actor: Actor) -> list[Refusal]:
    """The reasons of status and role the step is not allowed now (empty when it is); the gates add their own."""
    gates.check_actor(actor)
    rule = BY_STEP[Step(step)]
    problems = []
    if record.archived:
        problems.append(Refusal("gate_archived", {"id": record.id}))
    if record.status != rule.source:
        problems.append(
            Refusal("gate_step_status", {"step": step.value, "source": rule.source.value, "status": record.status})
        )
    if actor.role not in rule.roles:
        allowed = " / ".join(sorted(rule.roles))
        problems.append(
            Refusal("gate_step_role", {"step": step.value, "roles": allowed, "name": actor.name, "role": actor.role})
        )
    return problems


def transition(
    store: Store,
    assessment_id: str,
    step: Step | str,
    actor: Actor,
    *,
    based_on: int | None = None,
    note: str = "",
    verdicts: list[tuple[str, str, str]] | None = None,
    reason: str | None = None,
    accepted: dict[str, str] | None = None,
) -> Record:
    """Take one workflow step; the only way the status of an assessment changes.

    Args:
        based_on: the revision the actor saw (default: the latest); a newer one refuses with RevisionConflict.
        note: a comment for the audit log (e.g. why it was returned).
        verdicts: review rows ``(question, verdict, comment)`` stored with the step.
        reason: submit (or resubmit) despite open findings, because … (kept in the audit log).
        accepted: sign-off: ``{finding: reason}`` for each open warning the approver acknowledges.

    Raises:
        GateError: the status, the role, the four-eyes rule or a gate forbids the step (all reasons named).
    """
    step = Step(step)
    rule = BY_STEP[step]
    record = store.get(assessment_id)
    problems = refusals(store, record, step, actor)
    detail: dict[str, Any] = {"step": step.value, "role": actor.role.value, "from": rule.source.value}
    in_place = record.status == rule.source  # the gates below speak of this status; else the status says it all
    if in_place and step in (Step.SUBMIT, Step.RESUBMIT):
        framework = store.framework_for(record)
        found, kept = gates.submit_refusals(framework, record.assessment, reason)
        problems += found
        if kept:
            blockers = gates.submit_blockers(framework, record.assessment)
            detail |= {"reason": kept, "findings": [gates.finding_key(f) for f in blockers][:200]}
    elif step is Step.RETURN and not problems:
        problems += gates.review_four_eyes(store, record, actor)
    if step in (Step.SUBMIT, Step.RESUBMIT, Step.WITHDRAW) and not problems:
        problems += gates.authorship(store, record, actor)
    elif in_place and step is Step.SIGN_OFF:
        found, kept_accepted = gates.signoff_refusals(store, record, actor, accepted)
        problems += found
        from framework.phases import phase_refusals

        problems += phase_refusals(store, store.framework_for(record), record.assessment, exclude=assessment_id)
        if kept_accepted:
            detail["accepted"] = kept_accepted
    if problems:
        raise GateError(problems)
    based_on = record.revision if based_on is None else based_on
    approved = record.assessment.model_copy(
        update={"meta": record.assessment.meta.model_copy(update={"status": rule.target})}
    )
    content_hash = approved.content_hash()

    def after(conn: Any, revision: int, at: datetime) -> None:
        detail.update({"to": rule.target.value, "revision": revision})
        if note:
            detail["note"] = note[:MAX_COMMENT]
        if step is Step.SIGN_OFF:
            detail["content_hash"] = content_hash
            add_signoff(conn, assessment_id, revision, content_hash, actor.name, actor.role.value, at)
        if verdicts:
            add_reviews(conn, assessment_id, revision - 1, verdicts, actor.name, actor.role.value, at)
        audit.append(conn, at=at, by=actor.name, action=rule.action, assessment_id=assessment_id, detail=detail)

    return store.set_status(assessment_id, rule.target, actor.name, based_on, after=after)


def submit(
    store: Store, assessment_id: str, actor: Actor, *, reason: str | None = None, based_on: int | None = None
) -> Record:
    """Concept (or returned) to review; with open findings only with ``reason`` («toch indienen, omdat …»)."""
    status = store.get(assessment_id).status
    step = Step.RESUBMIT if status == Status.TERUGGESTUURD else Step.SUBMIT
    return transition(store, assessment_id, step, actor, reason=reason, based_on=based_on)


def sign_off(
    store: Store,
    assessment_id: str,
    actor: Actor,
    *,
    accepted: dict[str, str] | None = None,
    based_on: int | None = None,
) -> Record:
    """Ter review to vastgesteld: after a complete review, each open warning acknowledged in ``accepted``."""
    return transition(store, assessment_id, Step.SIGN_OFF, actor, accepted=accepted, based_on=based_on)


def withdraw(store: Store, assessment_id: str, actor: Actor, *, based_on: int | None = None) -> Record:
    """The author takes a submission back (ter review to concept), to edit it again; an audited step."""
    return transition(store, assessment_id, Step.WITHDRAW, actor, based_on=based_on)


def create(store: Store, assessment: Assessment, actor: Actor | None) -> Record:
    """A new assessment (always a concept) by a person whose role edits answers."""
    if actor is None:
        raise gates.refuse("gate_no_actor")
    gates.check_actor(actor)
    if actor.role.value not in gates.EDITING_ROLES:
        raise gates.refuse("gate_edit_role", name=actor.name, role=actor.role.value)
    concept = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.CONCEPT})})
    _check_phase(store, concept)
    return store.create(concept, actor.name)


def _check_phase(store: Store, assessment: Assessment, exclude: str | None = None) -> None:
    """The dossier never goes back in phase (``framework.phases``): refused before anything is stored."""
    from framework.loading import find_framework
    from framework.phases import check_phase

    found = find_framework(assessment.framework.id, assessment.framework.version)
    if found is not None:
        check_phase(store, found, assessment, exclude)


def save(store: Store, assessment_id: str, assessment: Assessment, actor: Actor, based_on: int) -> Record:
    """Every edit of the content: refused for a role that does not edit, or while the text is under review."""
    if actor is None:
        raise gates.refuse("gate_no_actor")
    record = store.get(assessment_id)
    problems = gates.edit_refusals(record, actor)
    if problems:
        raise GateError(problems)
    old, new = record.assessment.meta, assessment.meta
    if (old.phase, old.ipcei) != (new.phase, new.ipcei) or getattr(old, "dossier", "") != getattr(new, "dossier", ""):
        _check_phase(store, assessment, exclude=assessment_id)
    return store.save(assessment_id, assessment, actor.name, based_on)


def check_verdicts(assessment: Assessment, verdicts: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """``{question: (verdict, comment)}`` checked: known questions of the assessment's framework, known verdicts."""
    from framework.loading import find_framework

    framework = find_framework(assessment.framework.id, assessment.framework.version)
    known = {q.id for q in framework.questions()} if framework is not None else None
    rows: list[tuple[str, str, str]] = []
    problems: list[Refusal] = []
    for question, (verdict, comment) in verdicts.items():
        if known is not None and question not in known:
            problems.append(
                Refusal("gate_no_such_question", {"question": question, "framework": assessment.framework.key})
            )
            continue
        try:
            value = Verdict(str(verdict).strip().lower().replace(" ", "_").replace("-", "_"))
        except ValueError:
            known_verdicts = ", ".join(v.value for v in Verdict)
            problems.append(
                Refusal("gate_bad_verdict", {"question": question, "verdict": verdict, "known": known_verdicts})
            )
            continue
        if len(comment) > MAX_COMMENT:
            problems.append(Refusal("gate_comment_too_long", {"question": question, "maximum": MAX_COMMENT}))
            continue
        rows.append((question, value.value, comment.strip()))
    if problems:
        raise GateError(problems)
    return rows


def review(
    store: Store, assessment_id: str, actor: Actor, verdicts: dict[str, tuple[str, str]], *, send_back: bool = False
) -> Record:
    """Record a reviewer's verdicts (status ter review); with ``send_back`` the assessment is returned to its author.

    A review that does not send the assessment back is complete: together with the verdicts already given on this
    content, every question of the framework has one (else it is refused, naming the questions without one). The
    verdicts are kept per revision; the author sees them in the wizard, and sign-off needs a complete review.
    """
    gates.check_actor(actor)
    record = store.get(assessment_id)
    rows = check_verdicts(record.assessment, verdicts)
    if send_back:
        return transition(store, assessment_id, Step.RETURN, actor, verdicts=rows)
    problems = refusals(store, record, Step.RETURN, actor)
    if not problems:
        problems += gates.review_four_eyes(store, record, actor)
    if not problems:
        state = gates.review_state(store, record, store.framework_for(record))
        missing = [q for q in state.missing if q not in {row[0] for row in rows}]
        if missing:
            problems.append(Refusal("gate_review_incomplete", {"questions": ", ".join(missing)}))
    if problems:
        raise GateError(problems)

    def write(conn: Any, at: datetime) -> None:
        add_reviews(conn, assessment_id, record.revision, rows, actor.name, actor.role.value, at)
        detail = {"role": actor.role.value, "verdicts": {q: v for q, v, _ in rows}, "revision": record.revision}
        audit.append(conn, at=at, by=actor.name, action="reviewed", assessment_id=assessment_id, detail=detail)

    store.write_rows(f"review assessment {assessment_id}", write)
    return store.get(assessment_id)


def new_version(store: Store, assessment_id: str, actor: Actor) -> Record:
    """A new concept that replaces a signed-off assessment; the old one is marked superseded."""
    record = store.get(assessment_id)
    gates.check_actor(actor)
    if record.status not in (Status.VASTGESTELD, Status.GEARCHIVEERD):
        raise gates.refuse("gate_new_version_status", status=record.status.value)
    if actor.role not in (Role.AUTHOR, Role.APPROVER):
        raise gates.refuse("gate_new_version_role", name=actor.name, role=actor.role.value)
    _, newer = store.version_links(assessment_id)
    if newer is not None:
        raise gates.refuse("gate_already_replaced", id=assessment_id, newer=newer)
    meta = record.assessment.meta
    lang_en = meta.language == "en"
    line = f"{'Replaces version' if lang_en else 'Vervangt versie'} {assessment_id} ({record.content_hash[:12]})"
    note = (line + ("\n" + meta.note if meta.note else ""))[:2000]
    today = datetime.now(UTC).date()
    fresh = record.assessment.model_copy(
        update={
            "meta": meta.model_copy(update={"status": Status.CONCEPT, "note": note, "created": today, "updated": None})
        }
    )

    def after(conn: Any, new_id: str, at: datetime) -> None:
        add_supersession(conn, new_id, assessment_id, actor.name, at)
        audit.append(
            conn, at=at, by=actor.name, action="superseded", assessment_id=assessment_id, detail={"by_version": new_id}
        )

    return store.create_version(fresh, actor.name, assessment_id, after=after)


__all__ = [
    "BY_STEP",
    "MAX_COMMENT",
    "ROLE_ALIASES",
    "TRANSITIONS",
    "Actor",
    "ReviewEntry",
    "Role",
    "SignOff",
    "Step",
    "Transition",
    "Verdict",
    "create",
    "four_eyes_problems",
    "latest_reviews",
    "new_version",
    "parafenlijst",
    "refusals",
    "review",
    "review_four_eyes_problems",
    "role_of",
    "same_person",
    "save",
    "sign_off",
    "steps_from",
    "submission_notes",
    "submit",
    "transition",
    "withdraw",
]
