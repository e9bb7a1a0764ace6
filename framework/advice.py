"""The signed-off advice: render a stored assessment (signed when a key is configured) and check a PDF.

A signed advice carries the content hash of the approved assessment three times: printed on the sign-off page,
as the hash of the embedded ``assessment.json``, and in the signature's /Reason (which the signature covers).
:func:`check_advice` compares them, so that a PDF can be checked offline; with a store it also says whether
the assessment is the latest version or superseded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from framework.assessment import Status
from framework.errors import IpceiError
from framework.render_pool import RenderLimits
from framework.report.signing import VerifyResult, configured_key, sign_pdf, verify_pdf

REASON = "Vastgesteld advies IPCEI afwegingskader; inhoud sha256:{hash}"
_REASON_HASH = re.compile(r"sha256:([0-9a-f]{64})")
FINAL = (Status.VASTGESTELD, Status.GEARCHIVEERD)


def advice_pdf(store: Any, assessment_id: str, *, lang: str | None = None, sign: bool | None = None) -> bytes:
    """The advice PDF of a stored assessment, with its parafenlijst.

    A signed-off assessment is signed when a key is configured (``sign=None``), always (``True``: an error without
    a key) or never (``False``).
    """
    from framework.workflow import parafenlijst

    record = store.get(assessment_id)
    final = record.status in FINAL
    if sign and not final:
        raise IpceiError(f"assessment {assessment_id} is {record.status}; only a signed-off advice is signed")
    sheet = parafenlijst(store, assessment_id)
    lang = lang or record.assessment.meta.language
    return render_advice(record.assessment, store.framework_for(record), sheet, lang=lang, sign=sign)


def render_advice(
    assessment: Any,
    framework: Any,
    sheet: Any,
    *,
    lang: str,
    sign: bool | None = None,
    limits: RenderLimits | None = None,
) -> bytes:
    """The advice PDF with a parafenlijst; signed off and ``sign`` (or ``None`` and a key configured): signed.

    With ``limits`` the render runs in a process of its own, under those limits: a server's other sessions keep
    their CPU share (WeasyPrint holds the GIL while it lays out), and a render that runs too long or grows too
    large is stopped with a :class:`ReportError` instead of stalling or exhausting the server.
    """
    if limits is not None:
        return _render_bounded(limits, assessment, framework, sheet, lang, sign)
    from framework.report.render import render_pdf

    pdf = render_pdf(assessment, framework, lang=lang, signoff=sheet)
    final = assessment.meta.status in FINAL
    if sign is None:
        sign = final and configured_key() is not None
    if sign:
        pdf = sign_pdf(pdf, reason=REASON.format(hash=assessment.content_hash()))
    return pdf


def _render_bounded(limits: RenderLimits, assessment: Any, framework: Any, sheet: Any, lang: str, sign: Any) -> bytes:
    """Run :func:`render_advice` in a worker process (:mod:`framework.render_pool`) under ``limits``."""
    from framework.assessment import canonical_json
    from framework.render_pool import render

    payload = {
        "assessment": canonical_json(assessment),
        "framework": framework.model_dump_json(),
        "sheet": sheet.model_dump_json() if sheet is not None else None,
        "lang": lang,
        "sign": sign,
    }
    return render("advice", payload, limits)


def render_job(payload: dict[str, Any]) -> bytes:
    """The worker's side of :func:`_render_bounded`: the payload back into models, then the advice PDF."""
    from framework.assessment import Assessment
    from framework.models import Framework
    from framework.report.view import SignOffSheet

    assessment = Assessment.model_validate_json(payload["assessment"])
    framework = Framework.model_validate_json(payload["framework"])
    sheet = SignOffSheet.model_validate_json(payload["sheet"]) if payload["sheet"] else None
    return render_advice(assessment, framework, sheet, lang=payload["lang"], sign=payload["sign"])


@dataclass
class AdviceCheck:
    """The answer to "can I trust this advice PDF?"."""

    signature: VerifyResult
    embedded_hash: str | None = None
    signed_hash: str | None = None
    stored: str = ""  # "latest", "superseded by <id>", "not in this store", "" (no store)
    stored_id: str | None = None  # the signed-off assessment in the store, when found
    newer_id: str | None = None  # the version that replaced it, when superseded
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signature.ok and self.embedded_hash is not None and self.embedded_hash == self.signed_hash

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "signature": self.signature.as_dict(),
            "embedded_hash": self.embedded_hash,
            "signed_hash": self.signed_hash,
            "stored": self.stored,
            "problems": [*self.signature.problems, *self.problems],
        }


def check_advice(pdf_bytes: bytes, *, store: Any = None, trust: list[Any] | None = None) -> AdviceCheck:
    """Signature intact and by whom; embedded assessment equal to the signed hash; latest version in the store."""
    from framework.report.render import extract_assessment

    result = AdviceCheck(signature=verify_pdf(pdf_bytes, trust=trust))
    try:
        assessment = extract_assessment(pdf_bytes)
        result.embedded_hash = assessment.content_hash()
    except IpceiError as exc:
        result.problems.append(f"the embedded assessment cannot be read: {exc}")
    result.signed_hash = _signed_hash(pdf_bytes) if result.signature.signed else None
    if result.signature.signed and result.signed_hash is None:
        result.problems.append("the signature does not name the content hash of an approved assessment")
    elif result.embedded_hash and result.signed_hash and result.embedded_hash != result.signed_hash:
        result.problems.append("the embedded assessment differs from the one that was signed off")
    if store is not None and result.embedded_hash:
        signed = store.signoff_by_hash(result.embedded_hash)
        if signed is None:
            result.stored = "not in this store"
        else:
            _, newer = store.version_links(signed.assessment_id)
            result.stored = f"superseded by {newer}" if newer else "latest"
            result.stored_id, result.newer_id = str(signed.assessment_id), str(newer) if newer else None
    return result


def _signed_hash(pdf_bytes: bytes) -> str | None:
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        sigs = PdfFileReader(BytesIO(pdf_bytes), strict=False).embedded_signatures
        reason = str(sigs[-1].sig_object.get("/Reason", "")) if sigs else ""
    except Exception:
        return None
    found = _REASON_HASH.search(reason)
    return found.group(1) if found else None
