"""The signed-off advice: render a stored assessment (signed when a key is configured) and record what is issued.

Every advice PDF of a signed-off assessment that leaves the store through :func:`advice_pdf` or
:func:`issue_advice` is recorded there by its SHA-256, with the signing certificate when it is signed, so that
:func:`framework.verification.verify_advice` finds any changed byte and trusts the certificate this store signed
with. The content hash is also printed on the sign-off page and named in the signature's reason, for a human
reader; the verdict never reads either.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from framework.assessment import Status
from framework.errors import IpceiError, ReportError
from framework.render_pool import RenderLimits
from framework.report.signing import configured_key, sign_pdf

REASON = "Vastgesteld advies IPCEI afwegingskader; inhoud sha256:{hash}"
FINAL = (Status.VASTGESTELD, Status.GEARCHIVEERD)


KINDS = ("pdf", "docx")  # the advice as PDF/A (signed when approved and a key is set), or as editable Word


def advice_pdf(
    store: Any, assessment_id: str, *, lang: str | None = None, sign: bool | None = None, by: str | None = None
) -> bytes:
    """The advice PDF of a stored assessment, with its parafenlijst; a signed-off one is recorded as issued.

    A signed-off assessment is signed when a key is configured (``sign=None``), always (``True``: an error without
    a key) or never (``False``). ``by``: who the PDF is issued to (default ``IPCEI_USER``, else the login name).
    """
    return advice_document(store, assessment_id, lang=lang, sign=sign, by=by)


def advice_document(
    store: Any,
    assessment_id: str,
    *,
    lang: str | None = None,
    sign: bool | None = None,
    kind: str = "pdf",
    variant: str = "advies",
    limits: RenderLimits | None = None,
    by: str | None = None,
) -> bytes:
    """The advice of a stored assessment as ``kind`` (``pdf`` or ``docx``), with its parafenlijst.

    The PDF of a signed-off assessment is recorded in the store as issued (:func:`issue_advice`); a Word
    document is a working copy, never an official record, and is not.
    """
    from framework.workflow import parafenlijst

    record = store.get(assessment_id)
    final = record.status in FINAL
    if sign and (not final or kind != "pdf"):
        raise IpceiError(f"assessment {assessment_id} is {record.status}; only a signed-off advice PDF is signed")
    sheet = parafenlijst(store, assessment_id)
    lang = lang or record.assessment.meta.language
    document = render_advice(
        record.assessment,
        store.framework_for(record),
        sheet,
        lang=lang,
        sign=sign,
        kind=kind,
        variant=variant,
        limits=limits,
    )
    if final and kind == "pdf":
        issue_advice(store, assessment_id, record.revision, record.assessment.content_hash(), document, by)
    return document


def issue_advice(store: Any, assessment_id: str, revision: int, content_hash: str, pdf: bytes, by: str | None) -> Any:
    """Record in ``store`` that it issued ``pdf`` (its SHA-256, and the signing certificate if it is signed)."""
    from framework.report.signatures import signer_certificate

    if not by:
        import getpass
        import os

        try:
            by = os.environ.get("IPCEI_USER") or getpass.getuser()
        except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
            by = "ipcei"
    cert = signer_certificate(pdf)
    return store.record_issued_pdf(
        hashlib.sha256(pdf).hexdigest(),
        assessment_id,
        revision,
        content_hash,
        by,
        signer_certificate=base64.b64encode(cert).decode("ascii") if cert else None,
    )


def render_advice(
    assessment: Any,
    framework: Any,
    sheet: Any,
    *,
    lang: str,
    sign: bool | None = None,
    limits: RenderLimits | None = None,
    kind: str = "pdf",
    variant: str = "advies",
) -> bytes:
    """The advice PDF with a parafenlijst; signed off and ``sign`` (or ``None`` and a key configured): signed.

    ``kind="docx"`` gives the editable Word document instead (``variant`` ``advies`` or ``beslisnota``), never
    signed; it goes through the same bounded workers as the PDF.

    With ``limits`` the render runs in a worker process (:mod:`framework.render_pool`), under those limits: a
    server's other sessions keep their CPU share (WeasyPrint holds the GIL while it lays out), and a render that
    runs too long or grows too large is stopped with a :class:`ReportError` instead of stalling the server.
    """
    if kind not in KINDS:
        raise ReportError(f"unknown document kind {kind!r}; choose one of {', '.join(KINDS)}")
    if limits is not None:
        return _render_bounded(limits, assessment, framework, sheet, lang, sign, kind, variant)
    if kind == "docx":
        from framework.report.docx import render_docx

        return render_docx(assessment, framework, lang=lang, signoff=sheet, variant=variant)
    from framework.report.render import render_pdf

    pdf = render_pdf(assessment, framework, lang=lang, signoff=sheet)
    final = assessment.meta.status in FINAL
    if sign is None:
        sign = final and configured_key() is not None
    if sign:
        pdf = sign_pdf(pdf, reason=REASON.format(hash=assessment.content_hash()))
    return pdf


def _render_bounded(
    limits: RenderLimits,
    assessment: Any,
    framework: Any,
    sheet: Any,
    lang: str,
    sign: Any,
    kind: str = "pdf",
    variant: str = "advies",
) -> bytes:
    """Run :func:`render_advice` in a worker process (:mod:`framework.render_pool`) under ``limits``."""
    from framework.assessment import canonical_json
    from framework.render_pool import render

    payload = {
        "assessment": canonical_json(assessment),
        "framework": framework.model_dump_json(),
        "sheet": sheet.model_dump_json() if sheet is not None else None,
        "lang": lang,
        "sign": sign,
        "kind": kind,
        "variant": variant,
    }
    document = render("advice", payload, limits)
    if not document.startswith(b"%PDF-" if kind == "pdf" else b"PK\x03\x04"):
        raise ReportError(f"the render worker returned no {kind} document")
    return document


def render_job(payload: dict[str, Any]) -> bytes:
    """The worker's side of :func:`_render_bounded`: the payload back into models, then the document."""
    from framework.assessment import Assessment
    from framework.models import Framework
    from framework.report.view import SignOffSheet

    assessment = Assessment.model_validate_json(payload["assessment"])
    framework = Framework.model_validate_json(payload["framework"])
    sheet = SignOffSheet.model_validate_json(payload["sheet"]) if payload["sheet"] else None
    return render_advice(
        assessment,
        framework,
        sheet,
        lang=payload["lang"],
        sign=payload["sign"],
        kind=payload.get("kind", "pdf"),
        variant=payload.get("variant", "advies"),
    )
