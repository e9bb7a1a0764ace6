"""Signing the advice PDF with pyHanko (PAdES baseline B, B-T with a time-stamping service) and verifying it.

The key is a PKCS#12 file (``IPCEI_SIGNING_KEY``, password ``IPCEI_SIGNING_PASSWORD``); with ``IPCEI_TSA_URL``
the signature gets an RFC 3161 time stamp. The signature is added as an incremental update, so the signed bytes
are the PDF/A-3b file exactly as rendered and the PDF keeps its version (an RSA key needs no newer PDF).
Verification (:mod:`framework.report.signatures`, :mod:`framework.verification`) works offline: integrity and
the signature's mathematics need nothing but the file; whether the signer is *trusted* depends on the
certificates it is given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from framework.errors import IpceiError

MAX_PDF_BYTES = 50 * 1024 * 1024
SIGNATURE_FIELD = "IPCEI-vaststelling"
DEMO_LABEL = "DEMO-sleutel, niet voor productie / demo key, not for production"


class SigningError(IpceiError):
    """The PDF cannot be signed: no key configured, a wrong password, or not a PDF."""


@dataclass(frozen=True)
class SigningKey:
    path: Path
    password: bytes | None


def configured_key(path: str | Path | None = None, password: str | None = None) -> SigningKey | None:
    """The key named by the arguments, else by ``IPCEI_SIGNING_KEY`` / ``IPCEI_SIGNING_PASSWORD``; else None."""
    raw = path or os.environ.get("IPCEI_SIGNING_KEY")
    if not raw:
        return None
    secret = password if password is not None else os.environ.get("IPCEI_SIGNING_PASSWORD")
    return SigningKey(Path(raw), secret.encode("utf-8") if secret else None)


def _signer(key: SigningKey) -> Any:
    from pyhanko.sign import signers

    if not key.path.is_file():
        raise SigningError(f"{key.path}: no such signing key file (IPCEI_SIGNING_KEY)")
    try:
        signer = signers.SimpleSigner.load_pkcs12(key.path, passphrase=key.password)
    except Exception as exc:  # pyHanko and cryptography raise several kinds
        raise SigningError(f"{key.path}: cannot open the PKCS#12 file ({exc}); check IPCEI_SIGNING_PASSWORD") from None
    if signer is None:
        raise SigningError(f"{key.path}: cannot open the PKCS#12 file; check IPCEI_SIGNING_PASSWORD")
    return signer


def sign_pdf(
    pdf_bytes: bytes,
    key_path: str | Path | None = None,
    password: str | None = None,
    *,
    reason: str = "Vastgesteld advies (IPCEI afwegingskader)",
    tsa_url: str | None = None,
) -> bytes:
    """The PDF with a PAdES signature added as an incremental update.

    Args:
        key_path: the PKCS#12 file; default ``IPCEI_SIGNING_KEY``.
        password: its password; default ``IPCEI_SIGNING_PASSWORD``.
        tsa_url: a time-stamping service (RFC 3161); default ``IPCEI_TSA_URL``; none gives PAdES B-B.

    Raises:
        SigningError: no key configured, the key cannot be opened, or the bytes are not a PDF.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    key = configured_key(key_path, password)
    if key is None:
        raise SigningError("no signing key: set IPCEI_SIGNING_KEY (a PKCS#12 file) and IPCEI_SIGNING_PASSWORD")
    if not pdf_bytes.startswith(b"%PDF-") or len(pdf_bytes) > MAX_PDF_BYTES:
        raise SigningError("not a PDF (or larger than 50 MB); nothing signed")
    signer = _signer(key)
    tsa_url = tsa_url if tsa_url is not None else os.environ.get("IPCEI_TSA_URL")
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        embed_validation_info=False,
    )
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
        _align_producer(writer)
        out = signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper, output=BytesIO())
    except Exception as exc:
        raise SigningError(f"the PDF could not be signed: {exc}") from None
    return out.getvalue()


def _align_producer(writer: Any) -> None:
    """pyHanko writes its name as XMP pdf:Producer and appends it to Info /Producer; PDF/A wants them equal."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info_ref = getattr(writer, "_info", None)
    if info_ref is None:
        return
    info = info_ref.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.mark_update(info_ref)


def configured_trust() -> list[Any]:
    """The certificates named by ``IPCEI_TRUST_ROOTS`` (PEM or DER files, separated by ``:``) that signers may
    chain to; a file that cannot be read is a :class:`SigningError` naming it."""
    roots = []
    for raw in filter(None, os.environ.get("IPCEI_TRUST_ROOTS", "").split(os.pathsep)):
        try:
            roots.append(load_certificate(Path(raw).read_bytes()))
        except (OSError, ValueError) as exc:
            raise SigningError(f"{raw}: not a readable certificate (IPCEI_TRUST_ROOTS): {exc}") from exc
    return roots


def load_certificate(value: Any) -> Any:
    from asn1crypto import pem, x509

    if isinstance(value, x509.Certificate):
        return value
    if hasattr(value, "public_bytes"):  # a cryptography certificate
        from cryptography.hazmat.primitives.serialization import Encoding

        return x509.Certificate.load(value.public_bytes(Encoding.DER))
    data = bytes(value)
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def make_demo_key(path: str | Path, password: str, *, name: str = "IPCEI demo", days: int = 365) -> Path:
    """Write a self-signed RSA signing certificate and key as PKCS#12: for trying it out, NOT for production."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_LABEL[:64]),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    blob = pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"),
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(password.encode("utf-8")) if password else serialization.NoEncryption(),
    )
    target = Path(path)
    target.write_bytes(blob)
    target.chmod(0o600)
    return target
