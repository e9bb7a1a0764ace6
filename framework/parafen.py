"""What the record says of who did what: the parafenlijst of the advice, the reviewer's latest verdicts, and the
notes of a submission made despite open findings and of the warnings acknowledged at sign-off."""

from __future__ import annotations

from framework.i18n import LANGUAGES
from framework.report.phase_view import PhaseNotes, since_block
from framework.report.view import ReviewNote, SignOffEntry, SignOffSheet
from framework.store import Record, Store
from framework.store.signoffs import ReviewEntry


def _role_id(name: str) -> str:
    """The workflow role of a stated role name (``vaststeller`` -> ``approver``), else the name as stated."""
    from framework.errors import TransitionError
    from framework.transitions import role_of

    try:
        return role_of(name).value
    except TransitionError:
        return name


def parafenlijst(store: Store, assessment_id: str) -> SignOffSheet:
    """Who drafted, reviewed and approved, with roles and moments, the reviewers' verdicts and comments, the
    reason of a submission made despite open findings and the warnings acknowledged at sign-off.

    Roles are workflow role ids (the report prints them as the app shows them, in the document's language);
    moments are kept in UTC and printed in ``IPCEI_TIMEZONE``.
    """
    record = store.get(assessment_id)
    drafted = SignOffEntry(
        name=record.assessment.meta.author, role="author", date=record.created_at.date(), at=record.created_at
    )
    imported = None
    history = store.history(assessment_id)
    first = history[0]
    if first.kind == "imported":  # drafted elsewhere: the file's own date, and who brought it in, and when
        drafted = SignOffEntry(name=record.assessment.meta.author, role="author", date=record.assessment.meta.created)
        imported = SignOffEntry(name=first.by, role="", date=first.at.date(), at=first.at)
    seen: dict[str, SignOffEntry] = {}
    notes = []
    from framework.gates import content_revision

    current, _ = content_revision(store, assessment_id, history)
    for entry in store.reviews(assessment_id):
        seen[entry.by.casefold()] = SignOffEntry(
            name=entry.by, role=_role_id(entry.role), date=entry.at.date(), at=entry.at
        )
        notes.append(
            ReviewNote(
                question=entry.question_id,
                verdict=entry.verdict,
                comment=entry.comment,
                by=entry.by,
                at=entry.at,
                earlier=entry.revision < current,
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
    reason, accepted = submission_notes(store, assessment_id)
    return SignOffSheet(
        phases=phase_notes(store, record),
        drafted_by=drafted,
        imported_by=imported,
        reviewed_by=list(seen.values())[:10],
        approved_by=approved,
        reviews=notes[-500:],
        submit_reason=reason,
        accepted=[f"{key}: {why}" for key, why in accepted.items()][:50],
    )


def phase_notes(store: Store, record: Record) -> PhaseNotes | None:
    """What the advice prints of the signed-off advice ``record`` follows (``framework.phases``): what changed since
    (in both languages) and the answers still as carried over; None when it follows none."""
    from framework.phases import carried_over, changes_since, reference

    ref = reference(store, record)
    if ref is None:
        return None
    since = {lang: since_block(changes_since(store, record, lang, ref)) for lang in LANGUAGES}
    carried = sorted(f"{q}.{f}" for q, f in carried_over(ref, record.assessment))
    return PhaseNotes(signed_on=ref.signed_on, since=since, carried=carried)


def submission_notes(store: Store, assessment_id: str) -> tuple[str, dict[str, str]]:
    """The reason of the latest submission made despite open findings (or ''), and the warnings the approver
    acknowledged at sign-off ``{finding: reason}``: what the reviewer and the parafenlijst must show."""
    reason, accepted = "", {}
    for entry in store.audit(assessment_id, limit=500):  # newest first
        if entry.action in ("submitted", "resubmitted") and not reason:
            reason = str(entry.detail.get("reason") or "")
            break
        if entry.action == "signed_off" and not accepted:
            accepted = dict(entry.detail.get("accepted") or {})
    return reason, accepted


def latest_reviews(store: Store, assessment_id: str) -> dict[str, ReviewEntry]:
    """The newest verdict per question (what the author should act on)."""
    latest: dict[str, ReviewEntry] = {}
    for entry in store.reviews(assessment_id):
        latest[entry.question_id] = entry
    return latest
