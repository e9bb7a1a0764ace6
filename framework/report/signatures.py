"""Every signature of a PDF, examined for a verdict: intact, by whom, trusted, and exactly which bytes it covers.

:func:`read_signatures` gives one :class:`SignatureCheck` per signature, oldest first. Beyond pyHanko's own
checks (the digest over the byte range, the signature's mathematics, the chain to a trust root, the coverage and
the changes made in later incremental updates) it insists that the one part of the file a signature cannot cover,
its own ``/Contents`` hex string, is exactly what pyHanko writes: the signature's bytes in hex, in one case,
padded with zeros. So any changed byte of a signed file is found. ``signed_bytes`` is the file as it was when
signed (the byte range's end), from which a verifier reads the embedded data the signer signed.

Findings are codes (:class:`SignatureProblem`), translated by the caller; pyHanko's own messages are kept only
as technical detail.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from io import BytesIO
from typing import Any

from framework.report.signing import load_certificate


class SignatureProblem(StrEnum):
    """What can be wrong with one signature."""

    UNCHECKABLE = "uncheckable"  # pyHanko could not evaluate it (damaged CMS, odd byte range ...)
    DIGEST_MISMATCH = "digest_mismatch"  # the signed bytes were changed
    INVALID = "invalid"  # the signature does not match its certificate
    CONTENTS_ALTERED = "contents_altered"  # the /Contents hole holds more than the signature and its padding
    PARTIAL_COVERAGE = "partial_coverage"  # the byte range does not cover its whole revision
    CHANGED_AFTER = "changed_after"  # a later incremental update changes more than adding a signature
    NOT_LAST_UPDATE = "not_last_update"  # bytes were appended after the last signature


class UnreadablePdf(ValueError):
    """The bytes are no PDF that pyHanko can read."""


@dataclass
class SignatureCheck:
    """One signature of a PDF, as found."""

    signer: str = ""
    certificate: bytes = b""  # the signer's certificate, DER
    signed_at: datetime | None = None
    timestamped: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signed_bytes: bytes = b""
    problems: list[SignatureProblem] = field(default_factory=list)
    technical: list[str] = field(default_factory=list)  # pyHanko's words, for the log and --json

    @property
    def holds(self) -> bool:
        """Intact, valid, covering its revision, with nothing changed after it but other signatures."""
        return self.intact and self.valid and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "signer": self.signer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamped": self.timestamped,
            "intact": self.intact,
            "valid": self.valid,
            "trusted": self.trusted,
            "covers_whole_file": self.covers_whole_file,
            "problems": [str(p) for p in self.problems],
            "technical": list(self.technical),
        }


_HEX = re.compile(rb"<([0-9a-fA-F]*)>")


def _contents_canonical(pdf_bytes: bytes, byte_range: Any, contents: bytes) -> bool:
    """The hole between the two byte ranges is ``<hex>``: the CMS in one case of hex digits, then only zeros."""
    try:
        _, len1, start2, _ = (int(x) for x in byte_range)
    except (TypeError, ValueError):
        return False
    hole = pdf_bytes[len1:start2]
    found = _HEX.fullmatch(hole)
    if found is None:
        return False
    digits = found.group(1)
    if len(digits) % 2 or not (digits == digits.lower() or digits == digits.upper()):
        return False
    raw = bytes.fromhex(digits.decode("ascii"))
    from asn1crypto import cms

    try:
        length = len(cms.ContentInfo.load(raw, strict=False).dump())
    except Exception:
        return False
    return raw[:length] == contents[:length] and not any(raw[length:])


def signer_certificate(pdf_bytes: bytes) -> bytes | None:
    """The DER certificate of the last signature of a PDF we just signed; None when it carries none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    signatures = PdfFileReader(BytesIO(pdf_bytes), strict=False).embedded_signatures
    return signatures[-1].signer_cert.dump() if signatures else None


def read_signatures(pdf_bytes: bytes, trust: list[Any] | None = None) -> list[SignatureCheck]:
    """Every signature of the PDF, oldest first; ``[]`` when it has none.

    Args:
        trust: certificates (asn1crypto, cryptography, DER or PEM) a signer may chain to.

    Raises:
        UnreadablePdf: pyHanko cannot read the file.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        embedded = sorted(reader.embedded_signatures, key=lambda sig: sig.signed_revision)
    except Exception as exc:  # truncated or damaged files fail in many ways
        raise UnreadablePdf(f"{type(exc).__name__}: {exc}") from None
    roots = [load_certificate(c) for c in trust or []]
    # pyHanko's analysis of what later updates changed is slow (seconds); it is needed only for a signature that
    # another signature follows, and only when the last one covers the whole file (else the file is broken anyway).
    diff = bool(embedded) and _covers_whole_file(embedded[-1])
    checks = [_check(sig, pdf_bytes, roots, diff=diff and n < len(embedded) - 1) for n, sig in enumerate(embedded)]
    if checks and not checks[-1].covers_whole_file and SignatureProblem.UNCHECKABLE not in checks[-1].problems:
        checks[-1].problems.append(SignatureProblem.NOT_LAST_UPDATE)
    return checks


def _covers_whole_file(sig: Any) -> bool:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        return sig.evaluate_signature_coverage() == SignatureCoverageLevel.ENTIRE_FILE
    except Exception:  # a damaged byte range: the signature's own check reports it
        return False


def _check(sig: Any, pdf_bytes: bytes, roots: list[Any], *, diff: bool) -> SignatureCheck:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    check = SignatureCheck()
    try:
        _, _, start2, len2 = (int(x) for x in sig.byte_range)
        check.signed_bytes = pdf_bytes[: start2 + len2]
        check.certificate = sig.signer_cert.dump()
        check.signer = sig.signer_cert.subject.human_friendly
    except Exception as exc:
        check.problems.append(SignatureProblem.UNCHECKABLE)
        check.technical.append(f"{type(exc).__name__}: {exc}")
        return check
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    quiet = logging.getLogger("pyhanko")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # an untrusted signer is reported in the result, not as a logged traceback
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context, skip_diff=not diff)
    except Exception as exc:
        check.problems.append(SignatureProblem.UNCHECKABLE)
        check.technical.append(f"{type(exc).__name__}: {exc}")
        return check
    finally:
        quiet.setLevel(level)
    check.intact, check.valid = bool(status.intact), bool(status.valid)
    check.trusted = bool(status.trusted) and check.intact and check.valid
    check.timestamped = status.timestamp_validity is not None
    moment = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    check.signed_at = moment.astimezone(UTC) if moment else None
    check.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not check.intact:
        check.problems.append(SignatureProblem.DIGEST_MISMATCH)
    elif not check.valid:
        check.problems.append(SignatureProblem.INVALID)
    if not _contents_canonical(pdf_bytes, sig.byte_range, sig.pkcs7_content):
        check.problems.append(SignatureProblem.CONTENTS_ALTERED)
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        check.problems.append(SignatureProblem.PARTIAL_COVERAGE)
    elif not check.covers_whole_file:
        level_after = status.modification_level
        if level_after is None or level_after > ModificationLevel.FORM_FILLING:
            check.problems.append(SignatureProblem.CHANGED_AFTER)
            check.technical.append(f"modification level after signing: {level_after}")
    check.technical += [f"pyHanko: {status.summary()}"]
    return check
