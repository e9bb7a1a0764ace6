"""One verdict on an advice PDF, from a fixed set of headlines, for ``ipcei verify`` and «Advies controleren».

The evidence, and nothing else (a reason text a signer wrote is never evidence):

- every signature (:func:`framework.report.signatures.read_signatures`): intact, its ``/Contents`` exactly the
  signature, nothing changed after it but further signatures, the signer's certificate chaining to a trust root
  (``IPCEI_TRUST_ROOTS``, ``--trust``) or being a certificate this store recorded when it signed;
- the content hash of the embedded assessment (canonical JSON), in the file and in the file *as each signer
  signed it* (the bytes up to the end of the signature's byte range), which must be equal;
- with a store: its sign-off of that content hash, the SHA-256 of every advice PDF it issued (so any changed
  byte of an unsigned advice is found), and whether a newer version replaced it.

:func:`verify_advice` gives a :class:`Verdict`: one :class:`Headline`, and for a changed or damaged file the
:class:`Damage` found. Texts are in the catalog (``framework/texts/verify.yaml``), so the app and the command
line say the same in the user's language.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from framework.assessment import Status
from framework.errors import IpceiError
from framework.i18n import catalog, format_datetime, t

FINAL = (Status.VASTGESTELD, Status.GEARCHIVEERD)


class Headline(StrEnum):
    """The fixed set of answers to «can I rely on this advice PDF?»; only the first two are in order."""

    SIGNED = "signed"  # (a) digitally signed by a trusted signer and unchanged
    VASTGESTELD = "vastgesteld"  # (b) vastgesteld in this database and unchanged, not digitally signed
    UNKNOWN_SIGNER = "unknown_signer"  # (c) signed by a signer nobody here trusts
    CONCEPT = "concept"  # (d) a concept, not an advice
    CHANGED = "changed"  # (e) changed or damaged (see Damage)
    UNKNOWN = "unknown"  # (f) unknown to this database
    SUPERSEDED = "superseded"  # (g) replaced by a newer version

    @property
    def in_order(self) -> bool:
        return self in (Headline.SIGNED, Headline.VASTGESTELD)

    def text(self, lang: str | None = None) -> str:
        return t(f"verify_headline_{self.value}", lang)


class Damage(StrEnum):
    """What is changed or damaged, for :attr:`Headline.CHANGED`."""

    NOT_A_PDF = "not_a_pdf"
    SIGNATURE_BROKEN = "signature_broken"
    EMBEDDED_UNREADABLE = "embedded_unreadable"
    NOT_SIGNED_CONTENT = "not_signed_content"  # the embedded assessment differs from what the signer signed
    SIGNOFF_DIFFERS = "signoff_differs"  # ... from what this database signed off
    PAGES_DIFFER = "pages_differ"  # the embedded content is the signed-off one, the file is not the one issued

    def text(self, lang: str | None = None) -> str:
        return t(f"verify_damage_{self.value}", lang)


@dataclass(frozen=True)
class Note:
    """One translatable fact of the details: a catalog key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        params = {k: _moment(v, lang) if isinstance(v, datetime) else v for k, v in self.params.items()}
        if "status" in params:
            params["status"] = t(f"status_{params['status']}", lang)
        role_key = f"wf_role_{params.get('role', '')}"
        if "role" in params and role_key in catalog():  # «vaststeller» in Dutch, not the stored id «approver»
            params["role"] = t(role_key, lang)
        return t(self.key, lang, **params)


@dataclass
class Verdict:
    """The answer for one PDF: the headline, what is damaged, the facts behind it."""

    headline: Headline
    damage: list[Damage] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    pdf_sha256: str = ""
    content_hash: str | None = None
    signed_hash: str | None = None  # the embedded assessment as the (first) signer signed it
    status: Status | None = None  # as the embedded assessment says
    signatures: list[Any] = field(default_factory=list)  # SignatureCheck
    store_checked: bool = False
    stored_id: str | None = None
    newer_id: str | None = None
    technical: list[str] = field(default_factory=list)

    @property
    def in_order(self) -> bool:
        return self.headline.in_order

    def lines(self, lang: str | None = None) -> list[str]:
        """The details in ``lang``: what is damaged first, then the facts."""
        return [d.text(lang) for d in self.damage] + [n.text(lang) for n in self.notes]

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "headline": self.headline.value,
            "in_order": self.in_order,
            "text": self.headline.text(lang),
            "damage": [d.value for d in self.damage],
            "details": self.lines(lang),
            "pdf_sha256": self.pdf_sha256,
            "content_hash": self.content_hash,
            "signed_hash": self.signed_hash,
            "status": self.status.value if self.status else None,
            "signatures": [s.as_dict() for s in self.signatures],
            "store_checked": self.store_checked,
            "stored_id": self.stored_id,
            "newer_id": self.newer_id,
            "technical": list(self.technical),
        }


def _moment(value: datetime, lang: str | None) -> str:
    """A stored (UTC) moment in the time of the Netherlands, where the users are."""
    from zoneinfo import ZoneInfo

    return format_datetime(value.astimezone(ZoneInfo("Europe/Amsterdam")), lang or "nl")


def store_trust(store: Any) -> list[bytes]:
    """The signing certificates (DER) this store recorded when it issued signed advice."""
    return [base64.b64decode(cert) for cert in store.signing_certificates()]


def verify_advice(pdf_bytes: bytes, *, store: Any = None, trust: list[Any] | None = None) -> Verdict:
    """The verdict on an advice PDF; with ``store`` also against its sign-offs and issued PDFs.

    Args:
        trust: certificates a signer may chain to (``IPCEI_TRUST_ROOTS``, ``--trust``); with a store, the
            certificates it signed with are added.
    """
    from framework.report.render import extract_assessment
    from framework.report.signatures import UnreadablePdf, read_signatures

    verdict = Verdict(
        Headline.CHANGED, pdf_sha256=hashlib.sha256(pdf_bytes).hexdigest(), store_checked=store is not None
    )
    roots = [*(trust or []), *(store_trust(store) if store is not None else [])]
    if not pdf_bytes.startswith(b"%PDF-"):
        return _changed(verdict, Damage.NOT_A_PDF)
    try:
        verdict.signatures = read_signatures(pdf_bytes, roots)
    except UnreadablePdf as exc:
        verdict.technical.append(str(exc))
        return _changed(verdict, Damage.NOT_A_PDF)
    try:
        assessment = extract_assessment(pdf_bytes)
    except IpceiError as exc:
        verdict.technical.append(str(exc))
        assessment = None
    else:
        verdict.content_hash, verdict.status = assessment.content_hash(), assessment.meta.status
    signatures = verdict.signatures
    for check in signatures:
        verdict.technical += check.technical
        verdict.notes.append(_signer_note(check))
    if signatures:
        return _signed(verdict, store)
    verdict.notes.insert(0, Note("verify_note_unsigned"))
    if assessment is None:
        return _changed(verdict, Damage.EMBEDDED_UNREADABLE)
    _content_notes(verdict)
    if verdict.status not in FINAL:
        verdict.headline = Headline.CONCEPT
        return verdict
    if store is None:
        verdict.headline = Headline.UNKNOWN
        verdict.notes.append(Note("verify_note_no_store"))
        return verdict
    issued = store.issued_pdf(verdict.pdf_sha256)
    if issued is not None:
        verdict.notes.append(Note("verify_note_issued", {"at": issued.at, "by": issued.by}))
        return _in_store(verdict, store, Headline.VASTGESTELD, issued)
    if store.signoff_by_hash(verdict.content_hash) is not None:
        _in_store(verdict, store, Headline.CHANGED)
        return _changed(verdict, Damage.PAGES_DIFFER)
    verdict.headline = Headline.UNKNOWN
    return verdict


def _signed(verdict: Verdict, store: Any) -> Verdict:
    signatures = verdict.signatures
    if len(signatures) > 1:
        verdict.notes.insert(0, Note("verify_note_signatures", {"n": len(signatures)}))
    damage = []
    if not all(check.holds for check in signatures):
        for check in signatures:
            verdict.notes += [Note(f"verify_problem_{problem.value}") for problem in check.problems]
        damage.append(Damage.SIGNATURE_BROKEN)
    if verdict.content_hash is None:
        damage.append(Damage.EMBEDDED_UNREADABLE)
    else:
        signed_hashes = [_signed_content(check.signed_bytes) for check in signatures]
        verdict.signed_hash = signed_hashes[0]
        _content_notes(verdict)
        if any(h != verdict.content_hash for h in signed_hashes):
            damage.append(Damage.NOT_SIGNED_CONTENT)
            if store is not None and verdict.signed_hash and store.signoff_by_hash(verdict.signed_hash) is not None:
                damage.append(Damage.SIGNOFF_DIFFERS)
    if damage:
        verdict.headline, verdict.damage = Headline.CHANGED, damage
        return verdict
    if not all(check.trusted for check in signatures):
        verdict.headline = Headline.UNKNOWN_SIGNER
        verdict.notes.append(Note("verify_note_trust_how"))
        return verdict
    if verdict.status not in FINAL:
        verdict.headline = Headline.CONCEPT
        return verdict
    if store is None:
        verdict.headline = Headline.SIGNED
        return verdict
    issued = store.issued_pdf(verdict.pdf_sha256)
    if issued is not None:
        verdict.notes.append(Note("verify_note_issued", {"at": issued.at, "by": issued.by}))
    elif store.signoff_by_hash(verdict.content_hash) is None:
        verdict.headline = Headline.UNKNOWN
        return verdict
    return _in_store(verdict, store, Headline.SIGNED, issued)


def _signed_content(signed_bytes: bytes) -> str | None:
    """The content hash of the assessment embedded in the file as a signer signed it; None when it had none."""
    from framework.report.render import extract_assessment

    try:
        return extract_assessment(signed_bytes).content_hash()
    except IpceiError:
        return None


def _in_store(verdict: Verdict, store: Any, headline: Headline, issued: Any = None) -> Verdict:
    """The sign-off of the content (or the assessment the PDF was issued of): ``headline``, or superseded."""
    signed = store.signoff_by_hash(verdict.content_hash)
    verdict.headline = headline
    if signed is not None:
        verdict.notes.append(Note("verify_note_signoff", {"by": signed.by, "role": signed.role, "at": signed.at}))
    assessment_id = signed.assessment_id if signed is not None else issued.assessment_id if issued else None
    if assessment_id is None:
        return verdict
    verdict.stored_id = str(assessment_id)
    newer, draft = _replacement(store, assessment_id)
    if newer:
        verdict.newer_id = str(newer)
        verdict.notes.append(Note("verify_note_newer", {"id": str(newer)}))
        if headline.in_order:
            verdict.headline = Headline.SUPERSEDED
    elif headline.in_order:
        verdict.notes.append(Note("verify_note_latest"))
    if draft and not newer:
        verdict.notes.append(Note("walk2_verify_note_draft", {"id": str(draft)}))
    return verdict


def _replacement(store: Any, assessment_id: str) -> tuple[str | None, str | None]:
    """The signed-off version that replaces ``assessment_id`` (following the chain), and a later one not signed off.

    A new version replaces the advice only once it is signed off itself: until then the advice it started from
    is still the latest signed-off advice, and the newer concept is only work in progress.
    """
    seen = {assessment_id}
    replaced_by, draft = None, None
    _, newer = store.version_links(assessment_id)
    while newer and str(newer) not in seen:
        seen.add(str(newer))
        if store.signoff(str(newer)) is not None:
            replaced_by, draft = str(newer), None
        elif draft is None:
            draft = str(newer)
        _, newer = store.version_links(str(newer))
    return replaced_by, draft


def _changed(verdict: Verdict, damage: Damage) -> Verdict:
    verdict.headline = Headline.CHANGED
    if damage not in verdict.damage:
        verdict.damage.insert(0, damage)
    return verdict


def _content_notes(verdict: Verdict) -> None:
    if verdict.content_hash:
        verdict.notes.append(Note("verify_note_content", {"hash": verdict.content_hash}))
    if verdict.status is not None:
        verdict.notes.append(Note("verify_note_status", {"status": verdict.status.value}))


def _signer_note(check: Any) -> Note:
    from framework.assessment import terminal_text

    params = {"signer": terminal_text(check.signer) or "?", "at": check.signed_at or "?"}
    return Note("verify_note_signer_trusted" if check.trusted else "verify_note_signer_unknown", params)
