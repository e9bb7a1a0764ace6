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
from dataclasses import dataclass
from typing import Any

from framework.assessment import Status
from framework.errors import IpceiError, ReportError
from framework.report.signing import configured_key, sign_pdf

REASON = "Vastgesteld advies IPCEI afwegingskader; inhoud sha256:{hash}"
FINAL = (Status.VASTGESTELD, Status.GEARCHIVEERD)


def advice_pdf(
    store: Any, assessment_id: str, *, lang: str | None = None, sign: bool | None = None, by: str | None = None
) -> bytes:
    """The advice PDF of a stored assessment, with its parafenlijst; a signed-off one is recorded as issued.

    A signed-off assessment is signed when a key is configured (``sign=None``), always (``True``: an error without
    a key) or never (``False``). ``by``: who the PDF is issued to (default ``IPCEI_USER``, else the login name).
    """
    from framework.workflow import parafenlijst

    record = store.get(assessment_id)
    final = record.status in FINAL
    if sign and not final:
        raise IpceiError(f"assessment {assessment_id} is {record.status}; only a signed-off advice is signed")
    sheet = parafenlijst(store, assessment_id)
    lang = lang or record.assessment.meta.language
    pdf = render_advice(record.assessment, store.framework_for(record), sheet, lang=lang, sign=sign)
    if final:
        issue_advice(store, assessment_id, record.revision, record.assessment.content_hash(), pdf, by)
    return pdf


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
    if done.returncode == 0 and done.stdout.startswith(b"%PDF-"):
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
        pdf = render_advice(assessment, framework, sheet, lang=job["lang"], sign=job["sign"])
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


if __name__ == "__main__":  # the render process of render_advice(..., limits=...)
    raise SystemExit(_render_child())
