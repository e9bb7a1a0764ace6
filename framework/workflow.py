"""Review and sign-off: the status transitions as data, and the one function every path goes through.

Every change of status (UI, CLI, API) is :func:`transition`: it checks the current status against
:data:`TRANSITIONS`, the actor's role, and for sign-off the four-eyes rule (the approver is neither the author
nor the last editor); the store then writes the new revision, the audit entry and any sign-off or review rows
in one transaction. A signed-off assessment is frozen by the store itself (:class:`~framework.store.FrozenError`);
a change means :func:`new_version`, a new concept that "vervangt versie …" of its predecessor.

Roles are stated (single-machine mode) or come from the roles file (deployment, see ``docs/signoff.md``);
the names the UI offers (beleidsmedewerker, vaststeller …) map to the three workflow roles by :data:`ROLE_ALIASES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from framework.assessment import Assessment, Status
from framework.errors import TransitionError
from framework.i18n import t
from framework.report.view import ReviewNote, SignOffEntry, SignOffSheet
from framework.store import Record, Store, audit
from framework.store.signoffs import ReviewEntry, SignOff, add_reviews, add_signoff, add_supersession

MAX_COMMENT = 4000


class Role(StrEnum):
    AUTHOR = "author"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    RECORDS_OFFICER = "records_officer"  # files a signed-off advice in the archive
    READER = "reader"  # management: reads and compares, takes no workflow step


# Role names people state (or a roles file uses) for the workflow roles.
ROLE_ALIASES: dict[str, Role] = {
    "author": Role.AUTHOR,
    "auteur": Role.AUTHOR,
    "beleidsmedewerker": Role.AUTHOR,
    "reviewer": Role.REVIEWER,
    "approver": Role.APPROVER,
    "vaststeller": Role.APPROVER,
    "records_officer": Role.RECORDS_OFFICER,
    "records officer": Role.RECORDS_OFFICER,
    "archivaris": Role.RECORDS_OFFICER,
    "reader": Role.READER,
    "lezer": Role.READER,
    "management": Role.READER,
}


def role_of(name: str | Role | None) -> Role:
    """The workflow role for a stated role name; raises TransitionError for an unknown one."""
    key = str(name or "").strip().lower()
    if key not in ROLE_ALIASES:
        known = ", ".join(sorted(ROLE_ALIASES))
        raise TransitionError(f"unknown role {name!r}; use one of: {known}")
    return ROLE_ALIASES[key]


class Verdict(StrEnum):
    """A reviewer's verdict on one answer."""

    ACCEPTABLE = "acceptable"
    TO_IMPROVE = "to_improve"
    TO_CORRECT = "to_correct"


class Step(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    RESUBMIT = "resubmit"
    SIGN_OFF = "sign_off"
    ARCHIVE = "archive"


@dataclass(frozen=True, slots=True)
class Transition:
    """One allowed step: from which status to which, who may take it, and what the audit log calls it."""

    step: Step
    source: Status
    target: Status
    roles: frozenset[Role]
    action: str
    four_eyes: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Step.SUBMIT, Status.CONCEPT, Status.TER_REVIEW, frozenset({Role.AUTHOR}), "submitted"),
    Transition(
        Step.RETURN, Status.TER_REVIEW, Status.TERUGGESTUURD, frozenset({Role.REVIEWER, Role.APPROVER}), "returned"
    ),
    Transition(Step.RESUBMIT, Status.TERUGGESTUURD, Status.TER_REVIEW, frozenset({Role.AUTHOR}), "resubmitted"),
    Transition(
        Step.SIGN_OFF, Status.TER_REVIEW, Status.VASTGESTELD, frozenset({Role.APPROVER}), "signed_off", four_eyes=True
    ),
    Transition(
        Step.ARCHIVE, Status.VASTGESTELD, Status.GEARCHIVEERD, frozenset({Role.APPROVER, Role.RECORDS_OFFICER}), "filed"
    ),
)
BY_STEP = {t.step: t for t in TRANSITIONS}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a name and a workflow role (stated, or from the identity provider and the roles file)."""

    name: str
    role: Role

    @classmethod
    def of(cls, name: str, role: str | Role) -> Actor:
        name = " ".join(str(name or "").split())
        if not name:
            raise TransitionError("state your name before you submit, review or sign off")
        return cls(name, role_of(role))


def same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def steps_from(status: Status | str) -> list[Transition]:
    """The transitions that leave ``status``."""
    return [t for t in TRANSITIONS if t.source == Status(status)]


def last_editor(store: Store, assessment_id: str) -> str:
    """Who last changed the content (a status change is not an edit)."""
    history = store.history(assessment_id)
    edits = [r for r in history if r.kind != "status_changed"]
    return (edits or history)[-1].by


def four_eyes_problems(store: Store, record: Record, approver: str, lang: str = "en") -> list[str]:
    """Why ``approver`` may not sign off ``record``: the author or the last editor (empty when allowed).

    Args:
        lang: the language of the reasons (the app passes the user's; the command line keeps English).
    """
    problems = []
    authors = {record.assessment.meta.author, record.created_by}
    if any(same_person(approver, a) for a in authors):
        problems.append(t("robust_four_eyes_author", lang, name=approver))
    editor = last_editor(store, record.id)
    if same_person(approver, editor):
        problems.append(t("robust_four_eyes_editor", lang, name=approver))
    return problems


def refusals(store: Store, record: Record, step: Step, actor: Actor) -> list[str]:
    """Every reason the step is not allowed now (empty when it is): status, role, four eyes."""
    rule = BY_STEP[Step(step)]
    problems = []
    if record.archived:
        problems.append(f"assessment {record.id} is archived (hidden); restore it first")
    if record.status != rule.source:
        problems.append(f"'{step}' needs status {rule.source}, but the assessment is {record.status}")
    if actor.role not in rule.roles:
        allowed = " or ".join(sorted(rule.roles))
        problems.append(f"'{step}' needs the role {allowed}; {actor.name} acts as {actor.role}")
    if rule.four_eyes:
        problems += four_eyes_problems(store, record, actor.name)
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
) -> Record:
    """Take one workflow step; the only way the status of an assessment changes.

    Args:
        based_on: the revision the actor saw (default: the latest); a newer one refuses with RevisionConflict.
        note: a comment for the audit log (e.g. why it was returned).
        verdicts: review rows ``(question, verdict, comment)`` stored with the step.

    Raises:
        TransitionError: the status, the role or the four-eyes rule forbids the step (all reasons named).
    """
    step = Step(step)
    rule = BY_STEP[step]
    record = store.get(assessment_id)
    problems = refusals(store, record, step, actor)
    if problems:
        raise TransitionError("; ".join(problems))
    based_on = record.revision if based_on is None else based_on
    approved = record.assessment.model_copy(
        update={"meta": record.assessment.meta.model_copy(update={"status": rule.target})}
    )
    content_hash = approved.content_hash()

    def after(conn: Any, revision: int, at: datetime) -> None:
        detail: dict[str, Any] = {"step": step.value, "role": actor.role.value, "from": rule.source.value}
        detail |= {"to": rule.target.value, "revision": revision}
        if note:
            detail["note"] = note[:MAX_COMMENT]
        if step is Step.SIGN_OFF:
            detail["content_hash"] = content_hash
            add_signoff(conn, assessment_id, revision, content_hash, actor.name, actor.role.value, at)
        if verdicts:
            add_reviews(conn, assessment_id, revision - 1, verdicts, actor.name, actor.role.value, at)
        audit.append(conn, at=at, by=actor.name, action=rule.action, assessment_id=assessment_id, detail=detail)

    return store.set_status(assessment_id, rule.target, actor.name, based_on, after=after)


def submit(store: Store, assessment_id: str, actor: Actor) -> Record:
    """Concept (or returned) to review."""
    status = store.get(assessment_id).status
    step = Step.RESUBMIT if status == Status.TERUGGESTUURD else Step.SUBMIT
    return transition(store, assessment_id, step, actor)


def sign_off(store: Store, assessment_id: str, actor: Actor) -> Record:
    return transition(store, assessment_id, Step.SIGN_OFF, actor)


def check_verdicts(assessment: Assessment, verdicts: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """``{question: (verdict, comment)}`` checked: known questions of the assessment's framework, known verdicts."""
    from framework.loading import find_framework

    framework = find_framework(assessment.framework.id, assessment.framework.version)
    known = {q.id for q in framework.questions()} if framework is not None else None
    rows, problems = [], []
    for question, (verdict, comment) in verdicts.items():
        if known is not None and question not in known:
            problems.append(f"{question}: no such question in {assessment.framework.key}")
            continue
        try:
            value = Verdict(verdict.strip().lower().replace(" ", "_").replace("-", "_"))
        except ValueError:
            problems.append(f"{question}: verdict {verdict!r} is not one of {', '.join(v.value for v in Verdict)}")
            continue
        if len(comment) > MAX_COMMENT:
            problems.append(f"{question}: a comment is limited to {MAX_COMMENT} characters")
            continue
        rows.append((question, value.value, comment.strip()))
    if problems:
        raise TransitionError("; ".join(problems))
    return rows


def review(
    store: Store, assessment_id: str, actor: Actor, verdicts: dict[str, tuple[str, str]], *, send_back: bool = False
) -> Record:
    """Record a reviewer's verdicts (status ter review); with ``send_back`` the assessment is returned to its author.

    Verdicts are not a precondition of sign-off; they are kept per revision so the author sees them in the wizard.
    """
    record = store.get(assessment_id)
    rows = check_verdicts(record.assessment, verdicts)
    if send_back:
        return transition(store, assessment_id, Step.RETURN, actor, verdicts=rows)
    problems = [p for p in refusals(store, record, Step.RETURN, actor)]
    if problems:
        raise TransitionError("; ".join(p.replace("'return'", "a review") for p in problems))

    def write(conn: Any, at: datetime) -> None:
        add_reviews(conn, assessment_id, record.revision, rows, actor.name, actor.role.value, at)
        detail = {"role": actor.role.value, "verdicts": {q: v for q, v, _ in rows}, "revision": record.revision}
        audit.append(conn, at=at, by=actor.name, action="reviewed", assessment_id=assessment_id, detail=detail)

    store.write_rows(f"review assessment {assessment_id}", write)
    return store.get(assessment_id)


def new_version(store: Store, assessment_id: str, actor: Actor) -> Record:
    """A new concept that replaces a signed-off assessment; the old one is marked superseded."""
    record = store.get(assessment_id)
    if record.status not in (Status.VASTGESTELD, Status.GEARCHIVEERD):
        raise TransitionError(f"a new version is made from a signed-off assessment; this one is {record.status}")
    if actor.role not in (Role.AUTHOR, Role.APPROVER):
        raise TransitionError(f"a new version needs the role author or approver; {actor.name} acts as {actor.role}")
    _, newer = store.version_links(assessment_id)
    if newer is not None:
        raise TransitionError(f"assessment {assessment_id} was already replaced by {newer}")
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


def _role_id(name: str) -> str:
    """The workflow role of a stated role name (``vaststeller`` -> ``approver``), else the name as stated."""
    try:
        return role_of(name).value
    except TransitionError:
        return name


def parafenlijst(store: Store, assessment_id: str) -> SignOffSheet:
    """Who drafted, reviewed and approved, with roles and moments, and the reviewers' verdicts and comments.

    Roles are workflow role ids (the report prints them as the app shows them, in the document's language);
    moments are kept in UTC and printed in ``IPCEI_TIMEZONE``.
    """
    record = store.get(assessment_id)
    drafted = SignOffEntry(
        name=record.assessment.meta.author, role="author", date=record.created_at.date(), at=record.created_at
    )
    seen: dict[str, SignOffEntry] = {}
    notes = []
    for entry in store.reviews(assessment_id):
        seen[entry.by.casefold()] = SignOffEntry(
            name=entry.by, role=_role_id(entry.role), date=entry.at.date(), at=entry.at
        )
        notes.append(
            ReviewNote(
                question=entry.question_id, verdict=entry.verdict, comment=entry.comment, by=entry.by, at=entry.at
            )
        )
    for entry in store.audit(assessment_id, limit=500):
        if entry.action == "returned" and entry.by.casefold() not in seen:
            seen[entry.by.casefold()] = SignOffEntry(name=entry.by, role="reviewer", date=entry.at.date(), at=entry.at)
    signed = store.signoff(assessment_id)
    approved = None
    if signed is not None:
        approved = SignOffEntry(name=signed.by, role=_role_id(signed.role), date=signed.at.date(), at=signed.at)
        seen.pop(signed.by.casefold(), None)
    return SignOffSheet(
        drafted_by=drafted, reviewed_by=list(seen.values())[:10], approved_by=approved, reviews=notes[-500:]
    )


def latest_reviews(store: Store, assessment_id: str) -> dict[str, ReviewEntry]:
    """The newest verdict per question (what the author should act on)."""
    latest: dict[str, ReviewEntry] = {}
    for entry in store.reviews(assessment_id):
        latest[entry.question_id] = entry
    return latest


__all__ = [
    "BY_STEP",
    "TRANSITIONS",
    "Actor",
    "ReviewEntry",
    "Role",
    "SignOff",
    "Step",
    "Transition",
    "Verdict",
    "four_eyes_problems",
    "latest_reviews",
    "new_version",
    "parafenlijst",
    "refusals",
    "review",
    "sign_off",
    "submit",
    "transition",
]
