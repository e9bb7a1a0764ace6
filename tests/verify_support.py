"""Advice PDFs for the verification tests: issued by a real store, signed with real keys, forged and damaged.

:func:`make_world` signs off an assessment in a SQLite store under ``folder`` and issues its advice signed (demo
key) and unsigned, plus a concept; :func:`forged` is the attack of issue 12 (the embedded assessment changed,
rendered again, signed with a self-made RSA key whose subject copies the demo key's, the new content hash in the
reason); :func:`make_ca` gives a root and a signing key that chains to it, as a ministry's PKI would.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from gate_support import REVIEWER, all_acceptable

from framework import workflow as wf
from framework.advice import REASON, advice_pdf
from framework.assessment import Status
from framework.loading import default_framework, load_assessment
from framework.report.render import extract_assessment, render_pdf
from framework.report.signing import make_demo_key, sign_pdf
from framework.store import open_store

PASSWORD = "geheim"
SIGNER = "C. Bakker (demo)"
AUTHOR = wf.Actor.of("A. de Vries", "beleidsmedewerker")
APPROVER = wf.Actor.of("C. Bakker", "vaststeller")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ipcei-waterstof.yaml"


@contextmanager
def signing_with(key: Path):
    saved = {name: os.environ.get(name) for name in ("IPCEI_SIGNING_KEY", "IPCEI_SIGNING_PASSWORD")}
    os.environ["IPCEI_SIGNING_KEY"], os.environ["IPCEI_SIGNING_PASSWORD"] = str(key), PASSWORD
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class World:
    url: str
    record_id: str
    concept_id: str
    key: Path  # the demo key the store signs with
    cert: Path  # its certificate (PEM)
    signed: bytes  # the signed advice, as the store issued it
    unsigned: bytes  # the unsigned advice, as the store issued it
    concept: bytes  # a concept's PDF

    def store(self):
        return open_store(self.url)


def example():
    assessment, _ = load_assessment(EXAMPLE)
    meta = assessment.meta.model_copy(update={"status": Status.CONCEPT, "author": "A. de Vries"})
    return assessment.model_copy(update={"meta": meta})


def make_world(folder: Path) -> World:
    url = f"sqlite:///{folder / 'verify.db'}"
    key = make_demo_key(folder / "demo.p12", PASSWORD, name=SIGNER)
    cert = folder / "demo.pem"
    cert.write_bytes(certificate_pem(key))
    with open_store(url) as store:
        record = store.create(example(), "A. de Vries")
        concept = store.create(example(), "A. de Vries")
        wf.submit(store, record.id, AUTHOR)
        wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))  # a complete review first
        wf.sign_off(store, record.id, APPROVER)
        with signing_with(key):
            signed = advice_pdf(store, record.id, sign=True, by="C. Bakker")
        unsigned = advice_pdf(store, record.id, sign=False, by="C. Bakker")
        concept_pdf = advice_pdf(store, concept.id, by="A. de Vries")
    return World(url, record.id, concept.id, key, cert, signed, unsigned, concept_pdf)


def certificate_pem(p12: Path, password: str = PASSWORD) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    _, cert, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), password.encode())
    return cert.public_bytes(Encoding.PEM)


def altered(pdf: bytes):
    """The assessment embedded in ``pdf`` with its first text answer changed (a forger's edit)."""
    assessment = extract_assessment(pdf)
    answers = {q: dict(fields) for q, fields in assessment.answers.items()}
    question, field = next((q, f) for q, fs in answers.items() for f, v in fs.items() if isinstance(v, str) and v)
    answers[question][field] = "Het probleem is klein; deelname is niet nodig."
    return assessment.model_copy(update={"answers": answers})


def forged(pdf: bytes, folder: Path) -> bytes:
    """Issue 12's attack: change an answer, render, sign with a self-made key copying the demo key's name."""
    fake_key = make_demo_key(folder / "nagemaakt.p12", PASSWORD, name=SIGNER)
    assessment = altered(pdf)
    rendered = render_pdf(assessment, default_framework())
    return sign_pdf(rendered, fake_key, PASSWORD, reason=REASON.format(hash=assessment.content_hash()))


def add_signature(pdf: bytes, key: Path, field: str = "Tweede handtekening") -> bytes:
    """A second signature (another field) over the whole file, as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(key, passphrase=PASSWORD.encode())
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def replace_embedded(pdf: bytes, assessment) -> bytes:
    """An incremental update that puts another assessment in the embedded ``assessment.json`` stream."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from framework.assessment import canonical_json

    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    filespec = writer.root["/Names"]["/EmbeddedFiles"]["/Names"][1]
    old = filespec["/EF"]["/F"]
    data = canonical_json(assessment).encode("utf-8")
    new = generic.StreamObject(
        {
            "/Type": generic.NameObject("/EmbeddedFile"),
            "/Subtype": old["/Subtype"],
            "/Params": generic.DictionaryObject({"/Size": generic.NumberObject(len(data))}),
        },
        stream_data=data,
    )
    filespec["/EF"]["/F"] = writer.add_object(new)
    writer.update_container(filespec)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_in_object(pdf: bytes, marker: bytes, offset: int = 40) -> bytes:
    """One byte changed ``offset`` bytes into the first stream after ``marker``."""
    at = pdf.index(marker)
    start = pdf.index(b"stream\n", at) + len(b"stream\n")
    data = bytearray(pdf)
    data[start + offset] ^= 0x01
    return bytes(data)


def page_content_marker(pdf: bytes) -> bytes:
    """``b"\\nN 0 obj"`` of the first page's content stream."""
    from pypdf import PdfReader

    contents = PdfReader(BytesIO(pdf)).pages[0].get("/Contents")
    ref = contents[0] if isinstance(contents, list) else contents
    return f"\n{ref.idnum} 0 obj".encode()


def make_ca(folder: Path) -> tuple[Path, Path]:
    """A root certificate (PEM) and a PKCS#12 signing key issued by it: a chain as from a ministry's PKI."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Ministerie Root CA")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Vaststeller Ministerie")]))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    root_path = folder / "root.pem"
    root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    p12 = folder / "ministerie.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"ministerie", key, leaf, [root], serialization.BestAvailableEncryption(PASSWORD.encode())
        )
    )
    return root_path, p12
