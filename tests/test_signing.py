"""Signing the advice with pyHanko and verifying it: tampering is always detected, untouched files always pass."""

from __future__ import annotations

import random
from io import BytesIO

import pytest
from store_support import make_assessment

from framework.advice import REASON
from framework.assessment import Status
from framework.loading import default_framework
from framework.report.pdfa import pdfa_problems
from framework.report.render import extract_assessment, render_pdf
from framework.report.signatures import SignatureCheck, SignatureProblem, UnreadablePdf, read_signatures
from framework.report.signing import SigningError, make_demo_key, sign_pdf
from framework.verification import Headline, verify_advice

PASSWORD = "test-only"
COPIES = 100


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory):
    """A throw-away RSA key and self-signed certificate (made with ``cryptography``) as a PKCS#12 file."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = make_demo_key(tmp_path_factory.mktemp("key") / "test.p12", PASSWORD, name="Test Vaststeller")
    _, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), PASSWORD.encode())
    return path, cert


def holds(pdf: bytes, trust=None) -> bool:
    """Signed, and every signature intact, valid, covering the file, nothing changed after it."""
    try:
        checks = read_signatures(pdf, trust)
    except UnreadablePdf:
        return False
    return bool(checks) and all(check.holds for check in checks) and checks[-1].covers_whole_file


def only(pdf: bytes, trust=None) -> SignatureCheck:
    checks = read_signatures(pdf, trust)
    assert len(checks) == 1
    return checks[0]


@pytest.fixture(scope="session")
def signed_off():
    assessment = make_assessment()
    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.VASTGESTELD})})


@pytest.fixture(scope="session")
def unsigned_pdf(signed_off):
    return render_pdf(signed_off, default_framework())


@pytest.fixture(scope="session")
def signed_pdf(unsigned_pdf, signed_off, signing_key):
    return sign_pdf(unsigned_pdf, signing_key[0], PASSWORD, reason=REASON.format(hash=signed_off.content_hash()))


def test_a_signed_pdf_verifies_and_names_the_signer(signed_pdf, signing_key):
    result = only(signed_pdf, trust=[signing_key[1]])
    assert result.holds and result.intact and result.valid and result.trusted
    assert result.covers_whole_file and result.problems == []
    assert "Test Vaststeller" in result.signer
    assert result.signed_at is not None


def test_without_trust_roots_the_signature_is_valid_but_not_trusted(signed_pdf):
    result = only(signed_pdf)
    assert result.holds and not result.trusted


def test_the_pdfa_check_still_passes_after_signing(unsigned_pdf, signed_pdf):
    assert pdfa_problems(unsigned_pdf) == []
    assert pdfa_problems(signed_pdf) == []
    assert signed_pdf[:8] == unsigned_pdf[:8]  # the PDF version is kept


def test_the_embedded_data_the_printed_hash_and_the_signed_hash_agree(signed_pdf, signed_off, signing_key):
    from pypdf import PdfReader

    embedded = extract_assessment(signed_pdf)
    assert embedded == signed_off
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(signed_pdf)).pages)
    assert signed_off.content_hash() in "".join(text.split())
    verdict = verify_advice(signed_pdf, trust=[signing_key[1]])
    assert verdict.headline == Headline.SIGNED
    assert verdict.content_hash == verdict.signed_hash == signed_off.content_hash()


def test_an_unsigned_pdf_does_not_pass(unsigned_pdf):
    assert read_signatures(unsigned_pdf) == [] and not holds(unsigned_pdf)
    assert verify_advice(unsigned_pdf).headline == Headline.UNKNOWN


def test_signing_without_a_key_or_with_a_wrong_password_is_refused(unsigned_pdf, signing_key, monkeypatch):
    monkeypatch.delenv("IPCEI_SIGNING_KEY", raising=False)
    with pytest.raises(SigningError, match="IPCEI_SIGNING_KEY"):
        sign_pdf(unsigned_pdf)
    with pytest.raises(SigningError, match="PKCS#12"):
        sign_pdf(unsigned_pdf, signing_key[0], "wrong")
    with pytest.raises(SigningError, match="not a PDF"):
        sign_pdf(b"hello", signing_key[0], PASSWORD)


def test_untouched_copies_all_verify(signed_pdf, signing_key):
    trust = [signing_key[1]]
    results = [only(bytes(bytearray(signed_pdf)), trust=trust) for _ in range(COPIES)]
    assert all(r.holds and r.trusted for r in results)


def test_one_flipped_byte_is_always_detected(signed_pdf):
    rng = random.Random(6)
    missed = []
    for _ in range(COPIES):
        data = bytearray(signed_pdf)
        position = rng.randrange(len(data))
        data[position] ^= rng.randrange(1, 256)
        if holds(bytes(data)):
            missed.append(position)
    assert missed == []


def test_a_truncated_file_is_always_detected(signed_pdf):
    rng = random.Random(7)
    cuts = [rng.randrange(1, len(signed_pdf)) for _ in range(COPIES)]
    assert not any(holds(signed_pdf[:cut]) for cut in cuts)


def _incremental_change(signed_pdf: bytes, n: int) -> bytes:
    """An incremental update (pyHanko's IncrementalPdfFileWriter) that changes what the advice says."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf), strict=False)
    if n % 2:
        page_ref = writer.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        text = f"BT /F1 24 Tf 72 {300 + n} Td (ADVIES GEWIJZIGD {n}) Tj ET".encode()
        extra = writer.add_object(generic.StreamObject(stream_data=text))
        contents = page["/Contents"]
        page["/Contents"] = generic.ArrayObject([*(contents if isinstance(contents, list) else [contents]), extra])
        writer.update_container(page)
    else:
        info = writer._info.get_object()
        info["/Title"] = generic.TextStringObject(f"Niet deelnemen {n}")
        writer.mark_update(writer._info)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_incremental_update_that_changes_text_is_always_detected(signed_pdf):
    changed = [_incremental_change(signed_pdf, n) for n in range(COPIES)]
    assert all(c.startswith(signed_pdf) and len(c) > len(signed_pdf) for c in changed)
    results = [only(c) for c in changed]
    assert not any(r.holds for r in results)
    assert all(r.intact and not r.covers_whole_file and SignatureProblem.NOT_LAST_UPDATE in r.problems for r in results)


def test_a_demo_key_is_labelled_not_for_production(tmp_path):
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = make_demo_key(tmp_path / "demo.p12", "pw")
    _, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), b"pw")
    assert "not for production" in cert.subject.rfc4514_string()
    assert path.stat().st_mode & 0o077 == 0
