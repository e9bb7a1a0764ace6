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
from framework.errors import IpceiError, ReportError
from framework.report.signing import VerifyResult, configured_key, sign_pdf, verify_pdf

REASON = "Vastgesteld advies IPCEI afwegingskader; inhoud sha256:{hash}"
_REASON_HASH = re.compile(r"sha256:([0-9a-f]{64})")
FINAL = (Status.VASTGESTELD, Status.GEARCHIVEERD)


KINDS = ("pdf", "docx")  # the advice as PDF/A (signed when approved and a key is set), or as editable Word


def advice_pdf(store: Any, assessment_id: str, *, lang: str | None = None, sign: bool | None = None) -> bytes:
    """The advice PDF of a stored assessment, with its parafenlijst.

    A signed-off assessment is signed when a key is configured (``sign=None``), always (``True``: an error without
    a key) or never (``False``).
    """
    return advice_document(store, assessment_id, lang=lang, sign=sign)


def advice_document(
    store: Any,
    assessment_id: str,
    *,
    lang: str | None = None,
    sign: bool | None = None,
    kind: str = "pdf",
    variant: str = "advies",
    limits: RenderLimits | None = None,
) -> bytes:
    """The advice of a stored assessment as ``kind`` (``pdf`` or ``docx``), with its parafenlijst."""
    from framework.workflow import parafenlijst

    record = store.get(assessment_id)
    final = record.status in FINAL
    if sign and (not final or kind != "pdf"):
        raise IpceiError(f"assessment {assessment_id} is {record.status}; only a signed-off advice PDF is signed")
    sheet = parafenlijst(store, assessment_id)
    lang = lang or record.assessment.meta.language
    return render_advice(
        record.assessment,
        store.framework_for(record),
        sheet,
        lang=lang,
        sign=sign,
        kind=kind,
        variant=variant,
        limits=limits,
    )


@dataclass(frozen=True)
class RenderLimits:
    """Bounds of a render in a process of its own: wall-clock seconds, and memory it may add (MB of address space).

    The largest assessment the model allows renders in about a minute and adds about 300 MB (see
    ``benchmarks/bench_render_limits.py``); the defaults leave room for a busy machine and stop a stall.
    """

    seconds: float = 300.0
    memory_mb: int = 1536


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
    signed; it goes through the same bounded process as the PDF.

    With ``limits`` the render runs in a process of its own, under those limits: a server's other sessions keep
    their CPU share (WeasyPrint holds the GIL while it lays out), and a render that runs too long or grows too
    large is stopped with a :class:`ReportError` instead of stalling or exhausting the server.
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
    """Run :func:`render_advice` in ``python -m framework.advice`` (see :func:`_render_child`) under ``limits``."""
    import json
    import subprocess
    import sys

    from framework.assessment import canonical_json

    job = {
        "assessment": canonical_json(assessment),
        "framework": framework.model_dump_json(),
        "sheet": sheet.model_dump_json() if sheet is not None else None,
        "lang": lang,
        "sign": sign,
        "kind": kind,
        "variant": variant,
        "memory_mb": limits.memory_mb,
        "seconds": limits.seconds,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "framework.advice"],
            input=json.dumps(job).encode("utf-8"),
            capture_output=True,
            timeout=limits.seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the render
        raise ReportError(f"rendering the advice took longer than {limits.seconds:g} s and was stopped") from None
    if done.returncode == 0 and done.stdout.startswith(b"%PDF-" if kind == "pdf" else b"PK\x03\x04"):
        return done.stdout
    message = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 2 and message:  # the render's own error, one line
        raise ReportError(message[-1])
    raise ReportError(
        f"the render process ended without a result (exit code {done.returncode}); the assessment may be too "
        f"large to render within {limits.memory_mb} MB and {limits.seconds:g} s"
    )


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _limit(kind: int, soft: int) -> None:
    import resource

    _, hard = resource.getrlimit(kind)
    resource.setrlimit(kind, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _render_child() -> int:
    """The render process: a job (JSON) on stdin, the PDF on stdout; a failure is one line on stderr, exit 2.

    The limits are set once WeasyPrint is imported: the address space may grow by ``memory_mb`` from there, and
    CPU time is capped a little above the caller's wall-clock limit (a backstop; SIGXCPU ends the process).
    """
    import json
    import resource
    import sys

    import docx  # noqa: F401 - python-docx and lxml, like WeasyPrint, are imported before the limits
    import weasyprint  # noqa: F401 - imported before the limits, so that they bound the render alone

    from framework.assessment import Assessment
    from framework.models import Framework
    from framework.report.view import SignOffSheet

    job = json.loads(sys.stdin.buffer.read())
    _limit(resource.RLIMIT_AS, _address_space() + int(job["memory_mb"]) * 2**20)
    _limit(resource.RLIMIT_CPU, int(job["seconds"]) + 5)
    try:
        assessment = Assessment.model_validate_json(job["assessment"])
        framework = Framework.model_validate_json(job["framework"])
        sheet = SignOffSheet.model_validate_json(job["sheet"]) if job["sheet"] else None
        pdf = render_advice(
            assessment,
            framework,
            sheet,
            lang=job["lang"],
            sign=job["sign"],
            kind=job.get("kind", "pdf"),
            variant=job.get("variant", "advies"),
        )
    except MemoryError:
        message = f"rendering the advice needed more than the limit of {job['memory_mb']} MB and was stopped"
    except IpceiError as exc:
        message = " ".join(str(exc).split())
    except Exception as exc:  # reported to the caller as a ReportError, like any failed render
        message = f"the advice could not be rendered ({type(exc).__name__}: {' '.join(str(exc).split())})"
    else:
        sys.stdout.buffer.write(pdf)
        return 0
    print(message, file=sys.stderr)
    return 2


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


if __name__ == "__main__":  # the render process of render_advice(..., limits=...)
    raise SystemExit(_render_child())
