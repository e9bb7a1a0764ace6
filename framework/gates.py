"""The gates of the workflow: what must hold before a save, a submission or a sign-off, checked in one place.

Every path in (the app, the ``ipcei`` command, an import, a direct call) reaches the store through
:mod:`framework.workflow`, which asks this module first:

- **who acts** (:func:`check_actor`): a name that is not blank and a role in the list;
- **an edit** (:func:`edit_refusals`): management (reader) and records officers never edit answers; while the
  assessment is «ter review» its text is fixed (the author withdraws the submission to edit again);
- **a submission** (:func:`submit_refusals`): no error finding and no empty required field, unless the author
  states a reason («toch indienen, omdat …») of at least :data:`MIN_REASON` characters;
- **a sign-off** (:func:`signoff_refusals`): only from «ter review», after a complete review of this content
  (every question has a verdict, none «te corrigeren»), no error finding open, each open warning acknowledged by
  the approver with a reason, and the approver is not the author, not an editor and not a reviewer of it.

A refusal is a :class:`GateError` that carries every reason as a catalog key with its values, so the app shows
it in the user's language and the command line in ``IPCEI_LANG``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from framework.assessment import Assessment, Status
from framework.errors import TransitionError
from framework.i18n import default_language, t
from framework.models import Framework, Severity
from framework.rules import Finding, check

MIN_REASON = 10  # characters (spaces collapsed) of a reason to submit anyway or to accept a warning
MAX_REASON = 2000
SHOWN = 8  # findings or questions named in one refusal before «… and N more»
EDITING_ROLES = frozenset({"author", "reviewer", "approver"})


@dataclass(frozen=True, slots=True)
class Refusal:
    """One reason a step is not allowed: a catalog key (``gate_…``) and the values it names."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        lang = lang or default_language()
        return t(self.key, lang, **{k: v(lang) if callable(v) else v for k, v in self.params.items()})


class GateError(TransitionError):
    """A step refused by a gate; :meth:`message` names every reason in a language."""

    def __init__(self, refusals: list[Refusal]):
        if not refusals:
            raise ValueError("GateError needs at least one refusal")
        self.refusals = list(refusals)
        super().__init__(self.message(default_language()))

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.refusals]

    def message(self, lang: str | None = None) -> str:
        return " · ".join(r.text(lang) for r in self.refusals)


def refuse(key: str, **params: Any) -> GateError:
    return GateError([Refusal(key, params)])


def listed(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" (+{len(items) - SHOWN})" if len(items) > SHOWN else "")


# --- who acts ------------------------------------------------------------------------------------------------


def clean_name(name: Any) -> str:
    return " ".join(str(name or "").split())


def check_actor(actor: Any) -> None:
    """Refuse a write without its person: no actor, a blank name, or a role outside the list."""
    from framework.transitions import ROLE_ALIASES, Role

    if actor is None:
        raise refuse("gate_no_actor")
    name, role = clean_name(getattr(actor, "name", "")), getattr(actor, "role", None)
    problems = []
    if not name:
        problems.append(Refusal("gate_no_name"))
    elif len(name) > 120:
        problems.append(Refusal("gate_name_too_long"))
    if not isinstance(role, Role):
        problems.append(Refusal("gate_bad_role", {"role": str(role), "known": ", ".join(sorted(ROLE_ALIASES))}))
    if problems:
        raise GateError(problems)


def check_reason(reason: str | None, what: str) -> str:
    """A reason of at least :data:`MIN_REASON` characters (spaces collapsed), else a refusal naming ``what``."""
    text = clean_name(reason)
    if len(text) < MIN_REASON:
        raise refuse("gate_reason_too_short", what=what, minimum=MIN_REASON, reason=text)
    if len(text) > MAX_REASON:
        raise refuse("gate_reason_too_long", what=what, maximum=MAX_REASON)
    return text


# --- findings ------------------------------------------------------------------------------------------------


def finding_key(finding: Finding) -> str:
    """The name of a finding for ``--accept KEY=REASON``: the rule, with the field where there is one."""
    return f"{finding.rule}:{finding.field}" if finding.field else finding.rule


def _describe(findings: list[Finding]) -> Any:
    """The findings named, in the language the refusal is shown in: errors and warnings first, with their message;
    then every empty required field by its place (``q4.zero_option``), all of them."""

    def text(lang: str) -> str:
        named = [f for f in findings if f.rule != "required"]
        named.sort(key=lambda f: f.severity is not Severity.ERROR)
        parts = [f"{finding_key(f)} ({f.message(lang)})" for f in named]
        empty = [f.field or "" for f in findings if f.rule == "required"]
        if empty:
            parts.append(t("gate_empty_fields", lang, fields=", ".join(empty)))
        return "; ".join(parts)

    return text


def submit_blockers(framework: Framework, assessment: Assessment) -> list[Finding]:
    """What stops a plain submission: error findings and empty required fields."""
    return [f for f in check(framework, assessment).findings if f.severity is Severity.ERROR or f.rule == "required"]


def open_findings(framework: Framework, assessment: Assessment) -> tuple[list[Finding], list[Finding]]:
    """``(errors, warnings)`` open on the assessment (an info finding asks nothing of the approver)."""
    findings = check(framework, assessment).findings
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    return errors, warnings


def submit_refusals(framework: Framework, assessment: Assessment, reason: str | None) -> tuple[list[Refusal], str]:
    """Why the author may not submit now (empty when allowed), and the reason kept when they submit anyway."""
    blockers = submit_blockers(framework, assessment)
    if not blockers:
        return [], ""
    if not clean_name(reason):
        return [Refusal("gate_submit_blocked", {"count": len(blockers), "findings": _describe(blockers)})], ""
    try:
        return [], check_reason(reason, "submit")
    except GateError as exc:
        return exc.refusals, ""


# --- review --------------------------------------------------------------------------------------------------


@dataclass
class ReviewState:
    """The review of the current content: verdicts that count, questions without one, questions to correct."""

    verdicts: dict[str, Any]
    missing: list[str]
    to_correct: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.to_correct

    @property
    def reviewers(self) -> set[str]:
        return {clean_name(e.by).casefold() for e in self.verdicts.values()}


def content_revision(store: Any, assessment_id: str, history: list[Any] | None = None) -> tuple[int, set[str]]:
    """The revision where the current content was last changed, and everyone who changed the content (from
    ``history`` when the caller has read it already)."""
    history = store.history(assessment_id) if history is None else history
    edits = [r for r in history if r.kind != "status_changed"] or history
    return edits[-1].number, {clean_name(r.by).casefold() for r in edits}


def review_state(store: Any, record: Any, framework: Framework) -> ReviewState:
    """The verdicts given on (or after) the last change of the content, newest per question."""
    since, _ = content_revision(store, record.id)
    latest: dict[str, Any] = {}
    for entry in store.reviews(record.id):
        if entry.revision >= since:
            latest[entry.question_id] = entry
    questions = [q.id for q in framework.questions()]
    missing = [q for q in questions if q not in latest]
    to_correct = [q for q in questions if q in latest and latest[q].verdict == "to_correct"]
    return ReviewState(latest, missing, to_correct)


# --- edits, sign-off -----------------------------------------------------------------------------------------


def edit_refusals(record: Any, actor: Any) -> list[Refusal]:
    """Why ``actor`` may not change the content of ``record`` (empty when allowed)."""
    check_actor(actor)
    role = actor.role.value
    if role not in EDITING_ROLES:
        return [Refusal("gate_edit_role", {"name": actor.name, "role": role})]
    if record.status == Status.TER_REVIEW:
        key = "gate_edit_in_review_author" if role == "author" else "gate_edit_in_review"
        return [Refusal(key)]
    return []


def signoff_refusals(
    store: Any, record: Any, actor: Any, accepted: dict[str, str] | None = None
) -> tuple[list[Refusal], dict[str, str]]:
    """Every reason ``actor`` may not sign off ``record`` now, and the accepted warnings with their reasons."""
    framework = store.framework_for(record)
    problems: list[Refusal] = []
    state = review_state(store, record, framework)
    if state.missing:
        problems.append(Refusal("gate_signoff_no_verdict", {"questions": ", ".join(state.missing)}))
    if state.to_correct:
        problems.append(Refusal("gate_signoff_to_correct", {"questions": ", ".join(state.to_correct)}))
    errors, warnings = open_findings(framework, record.assessment)
    if errors:
        problems.append(Refusal("gate_signoff_errors", {"findings": _describe(errors)}))
    given = {str(k).strip(): v for k, v in (accepted or {}).items()}
    open_keys = {finding_key(f): f for f in warnings}
    unknown = sorted(set(given) - set(open_keys))
    if unknown:
        known = listed(sorted(open_keys)) or "—"
        problems.append(Refusal("gate_unknown_finding", {"keys": ", ".join(unknown), "known": known}))
    kept: dict[str, str] = {}
    unacknowledged = []
    for key, finding in open_keys.items():
        if key not in given:
            unacknowledged.append(finding)
            continue
        try:
            kept[key] = check_reason(given[key], key)
        except GateError as exc:
            problems += exc.refusals
    if unacknowledged:
        problems.append(Refusal("gate_signoff_warnings", {"findings": _describe(unacknowledged)}))
    problems += four_eyes(store, record, actor, state)
    return problems, kept


def four_eyes(store: Any, record: Any, actor: Any, state: ReviewState | None = None) -> list[Refusal]:
    """The approver is not the author, not an editor of this content and not its reviewer."""
    me = clean_name(actor.name).casefold()
    problems = []
    if me in {clean_name(record.assessment.meta.author).casefold(), clean_name(record.created_by).casefold()}:
        problems.append(Refusal("gate_four_eyes_author", {"name": actor.name}))
    _, editors = content_revision(store, record.id)
    if me in editors:
        problems.append(Refusal("gate_four_eyes_editor", {"name": actor.name}))
    if state is None:
        state = review_state(store, record, store.framework_for(record))
    if me in state.reviewers:
        problems.append(Refusal("gate_four_eyes_reviewer", {"name": actor.name}))
    return problems


def involvement(store: Any, record: Any, name: str) -> str | None:
    """How ``name`` took part in the text of ``record``: "author" (named as its author), "creator" (created or
    imported it), "editor" (changed its content), or None. The one answer both rules below ask."""
    me = clean_name(name).casefold()
    if me == clean_name(record.assessment.meta.author).casefold():
        return "author"
    if me == clean_name(record.created_by).casefold():
        return "creator"
    _, editors = content_revision(store, record.id)
    return "editor" if me in editors else None


def authorship(store: Any, record: Any, actor: Any) -> list[Refusal]:
    """Who submits or withdraws an assessment answers for its text: its author, whoever stored it (created or
    imported it), or someone who edited its content (a co-author). Anyone else with the author role is refused,
    so a colleague who never touched it cannot send it to review or take it back from the reviewer."""
    if involvement(store, record, actor.name) is not None:
        return []
    author = clean_name(record.assessment.meta.author) or "—"
    return [Refusal("walk2_not_an_author", {"name": actor.name, "author": author})]


def review_four_eyes(store: Any, record: Any, actor: Any) -> list[Refusal]:
    """The reviewer is not the author and not an editor of the content judged: no one reviews their own text."""
    took_part = involvement(store, record, actor.name)
    return [Refusal(f"walk2_review_own_{took_part}", {"name": actor.name})] if took_part else []


__all__ = [
    "MIN_REASON",
    "GateError",
    "Refusal",
    "ReviewState",
    "authorship",
    "check_actor",
    "check_reason",
    "edit_refusals",
    "finding_key",
    "four_eyes",
    "involvement",
    "open_findings",
    "review_four_eyes",
    "review_state",
    "signoff_refusals",
    "submit_blockers",
    "submit_refusals",
]
