"""Importing a file: YAML or JSON (the assessment format), or an advice PDF with its data embedded.

The one door through which a file becomes a stored assessment, for ``ipcei db import`` and the app alike. The
store knows rows only; reading the file (and any PDF) happens here.

Everything here is untrusted input: YAML and JSON go through the strict, bounded reader of
:mod:`framework.yamlio`; a PDF goes to ``framework.report.render.extract_assessment``, and whatever fails becomes
one :class:`~framework.errors.InputError` naming the file.

**Status comes only from the store's own sign-off.** Whatever status a file claims, the import is a concept, with
an audit entry recording the claimed status and the source. The one exception is an advice PDF that
:func:`trusted_signer` accepts: its signature verifies against ``IPCEI_TRUST_ROOTS`` and what was signed is exactly
the embedded assessment. Such a PDF is imported as vastgesteld (read-only), with the external signer recorded as
its sign-off.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from framework.assessment import Assessment, Status
from framework.errors import InputError, IpceiError
from framework.i18n import t
from framework.loading import assessment_from_bytes, assessment_from_data
from framework.models import Framework
from framework.yamlio import MAX_BYTES, parse_bytes

MAX_PDF_BYTES = 20 * 1024 * 1024
FrameworkLookup = Callable[[str, str], Framework | None]


def _size_error(source: str, size: int, limit: int) -> InputError:
    shown = {"size": f"{size:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")}
    return InputError.single(
        source, t("robust_err_size", "en", **shown).replace(",", "."), nl=t("robust_err_size", "nl", **shown)
    )


def is_pdf(content: bytes, source: str) -> bool:
    return content[:5] == b"%PDF-" or source.lower().endswith(".pdf")


def _framework_named(data: Any, lookup: FrameworkLookup) -> Framework | None:
    ref = data.get("framework") if isinstance(data, dict) else None
    if isinstance(ref, dict) and isinstance(ref.get("id"), str) and isinstance(ref.get("version"), str):
        return lookup(ref["id"], ref["version"])
    return None


def read_import(content: bytes, source: str, lookup: FrameworkLookup) -> tuple[Assessment, str]:
    """The validated assessment in an import file, and its format (``yaml``, ``json`` or ``pdf``).

    Args:
        content: the file's bytes.
        source: the file name, for messages.
        lookup: finds the framework an assessment names (files or the database), or None.
    """
    if not isinstance(content, bytes | bytearray):
        raise InputError.single(source, "expected the bytes of a file")
    limit = MAX_PDF_BYTES if is_pdf(content, source) else MAX_BYTES
    if len(content) > limit:  # before any copy of a file that may be very large
        raise _size_error(source, len(content), limit)
    content = bytes(content)
    if not content.strip():
        raise InputError.single(source, "the file is empty", nl=t("robust_err_empty", "nl"))
    if is_pdf(content, source):
        return _read_pdf(content, source, lookup), "pdf"
    data, lines = parse_bytes(content, source)
    fmt = "json" if source.lower().endswith(".json") or content.lstrip()[:1] == b"{" else "yaml"
    assessment, _ = assessment_from_data(data, source, lines, framework=_framework_named(data, lookup))
    return assessment, fmt


def _read_pdf(content: bytes, source: str, lookup: FrameworkLookup) -> Assessment:
    if len(content) > MAX_PDF_BYTES:
        raise _size_error(source, len(content), MAX_PDF_BYTES)
    if not content.startswith(b"%PDF-"):
        raise InputError.single(source, "the name says PDF but the file is not a PDF", nl=t("robust_err_not_pdf", "nl"))
    try:
        report = importlib.import_module("framework.report.render")
    except ModuleNotFoundError as exc:
        if exc.name not in ("framework.report.render", "framework"):
            raise
        report = None
    extract = getattr(report, "extract_assessment", None)
    if extract is None:
        raise InputError.single(
            source,
            "importing an advice PDF needs the report module (framework.report.render), which this installation "
            "lacks; import the assessment's YAML or JSON file instead",
        )
    takes_source = "source" in inspect.signature(extract).parameters
    try:
        result = extract(content, source=source) if takes_source else extract(content)
    except InputError:
        raise
    except IpceiError as exc:
        raise InputError.single(source, f"no assessment could be read from the PDF: {exc}") from None
    except Exception as exc:  # a hostile PDF may break the PDF reader in any way
        raise InputError.single(
            source, f"the PDF cannot be read ({type(exc).__name__})", nl=t("robust_err_pdf_unreadable", "nl")
        ) from None
    if isinstance(result, tuple) and result:
        result = result[0]
    if isinstance(result, bytes | str):
        raw = result.encode("utf-8") if isinstance(result, str) else result
        data, _ = parse_bytes(raw, source)
        return assessment_from_bytes(raw, f"{source} (embedded data)", framework=_framework_named(data, lookup))[0]
    if isinstance(result, Assessment):
        result = result.model_dump(mode="json")
    if not isinstance(result, dict):
        raise InputError.single(source, "the PDF carries no assessment data", nl=t("robust_err_no_data", "nl"))
    return assessment_from_data(result, f"{source} (embedded data)", framework=_framework_named(result, lookup))[0]


# --- the import itself --------------------------------------------------------------------------------------

FINAL = (Status.VASTGESTELD, Status.GEARCHIVEERD)
EXTERNAL_ROLE = "external_signer"


@dataclass(frozen=True, slots=True)
class TrustedSignature:
    """The external signer of an advice PDF whose signature :func:`trusted_signer` accepted."""

    signer: str
    signed_at: datetime | None
    content_hash: str


_STATED_HASH = re.compile(r"sha256:([0-9a-f]{64})")


def stated_hashes(pdf: bytes) -> list[str | None]:
    """The content hash each signature of ``pdf`` states in its reason (None where it names none), in order."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
        reasons = [str(sig.sig_object.get("/Reason", "")) for sig in signatures]
    except Exception:  # a hostile PDF may break the reader in any way: states nothing
        return []
    hashes = [_STATED_HASH.findall(reason) for reason in reasons]
    return [found[0] if len(set(found)) == 1 else None for found in hashes]


def trusted_signer(pdf: bytes, assessment: Assessment) -> TrustedSignature | None:
    """The trust decision for an advice PDF (None: not trusted, so the import is a concept).

    Trusted only when :func:`framework.verification.verify_advice` heads it «digitally signed by a trusted signer
    and unchanged» against ``IPCEI_TRUST_ROOTS``: every signature intact and valid, nothing changed after it, the
    signer chaining to a trusted root, and the content hash recomputed from the embedded assessment equal to what
    each signer signed; and that content is exactly the assessment being imported. Every signature must also
    state that same content hash (``sha256:…`` in its reason, as :data:`framework.advice.REASON` writes it): a
    trusted signer who signed off another assessment did not sign off this one. A reason text alone never makes a
    PDF trusted; it can only withhold trust.
    """
    from framework.report.signing import configured_trust
    from framework.verification import Headline, verify_advice

    try:
        roots = configured_trust()
    except IpceiError:
        return None
    if not roots:
        return None
    try:
        verdict = verify_advice(pdf, trust=roots)
    except Exception:  # a hostile PDF may break the verifier in any way: not trusted
        return None
    embedded = assessment.content_hash()
    if verdict.headline is not Headline.SIGNED or verdict.content_hash != embedded or not verdict.signatures:
        return None
    stated = stated_hashes(pdf)
    if len(stated) != len(verdict.signatures) or any(h != embedded for h in stated):
        return None
    first = verdict.signatures[0]
    return TrustedSignature(signer=first.signer or "?", signed_at=first.signed_at, content_hash=embedded)


def import_bytes(store: Any, content: bytes, source_name: str, by: str) -> Any:
    """Import one file into ``store`` as ``by``: a concept (see the module's text), or a trusted signed advice.

    Raises:
        InputError: the file cannot be read or is not a valid assessment (naming the place).
        DuplicateImportError: the file, or exactly this content, was imported before.
    """
    from framework.store.audit import append
    from framework.store.signoffs import add_signoff

    assessment, fmt = read_import(content, source_name, store._framework_named)
    claimed = assessment.meta.status
    signed = trusted_signer(bytes(content), assessment) if fmt == "pdf" and claimed in FINAL else None
    detail: dict[str, Any] = {"format": fmt, "claimed_status": claimed.value}
    if signed is None:
        status = Status.CONCEPT
        after = None
    else:
        status = Status.VASTGESTELD
        detail |= {"signed_by": signed.signer[:200], "trust": "IPCEI_TRUST_ROOTS"}

        def after(conn: Any, aid: str, at: datetime) -> None:
            when = signed.signed_at or at
            final = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": status})})
            add_signoff(conn, aid, 1, final.content_hash(), signed.signer[:200], EXTERNAL_ROLE, when)
            entry = {"source": source_name[-300:], "external": True, "signed_content_hash": signed.content_hash}
            append(conn, at=at, by=signed.signer[:200], action="signed_off", assessment_id=aid, detail=entry)

    stored = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": status})})
    return store.add_import(
        stored,
        source_name=source_name,
        source_sha256=hashlib.sha256(content).hexdigest(),
        by=by,
        detail=detail,
        after=after,
    )
