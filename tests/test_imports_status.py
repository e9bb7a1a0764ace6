"""Status comes only from the store's own sign-off: an import is a concept whatever the file claims, except an
advice PDF signed by a trusted signer (IPCEI_TRUST_ROOTS) over exactly its embedded assessment.

Real PDFs are rendered and signed with pyHanko; the keys are self-made RSA keys (one trusted, one unknown).
"""

from __future__ import annotations

from io import BytesIO

import pytest
from gate_support import example
from store_support import make_assessment

from framework import workflow as wf
from framework.assessment import Status
from framework.cli import main
from framework.imports import EXTERNAL_ROLE, import_bytes
from framework.loading import default_framework
from framework.store import FrozenError, open_store
from framework.yamlio import dump_yaml


def _final(n: int):
    assessment = example()
    meta = assessment.meta.model_copy(update={"status": Status.VASTGESTELD, "title": f"Getekend advies {n}"})
    return assessment.model_copy(update={"meta": meta})


def _key(tmp, name: str):
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    from framework.report.signing import make_demo_key

    path = make_demo_key(tmp / f"{name}.p12", "geheim", name=name)
    _, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), b"geheim")
    pem = tmp / f"{name}.pem"
    pem.write_bytes(cert.public_bytes(Encoding.PEM))
    return path, pem


def _signed(assessment, key, *, reason_hash: str | None = None) -> bytes:
    from framework.advice import REASON
    from framework.report.render import render_pdf
    from framework.report.signing import sign_pdf

    pdf = render_pdf(assessment, default_framework())
    return sign_pdf(pdf, key, "geheim", reason=REASON.format(hash=reason_hash or assessment.content_hash()))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("keys")
    trusted_key, trusted_pem = _key(tmp, "Ministerie van EZ")
    unknown_key, _ = _key(tmp, "Mallory")
    other = _final(99)
    return {
        "trusted_pem": trusted_pem,
        "trusted": _signed(_final(1), trusted_key),
        "unknown key": _signed(_final(2), unknown_key),
        "another assessment": _signed(_final(3), trusted_key, reason_hash=other.content_hash()),
        "unsigned": __import__("framework.report.render", fromlist=["render_pdf"]).render_pdf(
            _final(4), default_framework()
        ),
    }


def _appended(pdf: bytes) -> bytes:
    """An incremental update after signing (the signed part stays intact, but the file no longer is it)."""
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    info = writer.root  # any change will do; the catalogue gets a new entry
    info[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _claimed(store, record) -> str:
    return next(e for e in store.audit(record.id) if e.action == "imported").detail["claimed_status"]


def test_a_yaml_file_that_claims_vastgesteld_is_a_concept(store):
    data = dump_yaml(make_assessment(1, status="vastgesteld").model_dump(mode="json")).encode()
    record = import_bytes(store, data, "vastgesteld.yaml", "Anna")
    assert record.status == Status.CONCEPT and record.assessment.meta.status == Status.CONCEPT
    assert _claimed(store, record) == "vastgesteld" and store.signoff(record.id) is None
    assert store.audit(record.id)[0].detail["source"] == "vastgesteld.yaml"
    assert store.verify() == []


@pytest.mark.parametrize("name", ["unknown key", "another assessment", "unsigned", "appended"])
def test_an_untrusted_pdf_is_a_concept(sqlite_store, pdfs, monkeypatch, name):
    monkeypatch.setenv("IPCEI_TRUST_ROOTS", str(pdfs["trusted_pem"]))
    pdf = _appended(pdfs["trusted"]) if name == "appended" else pdfs[name]
    record = import_bytes(sqlite_store, pdf, f"{name}.pdf", "Anna")
    assert record.status == Status.CONCEPT and sqlite_store.signoff(record.id) is None
    assert _claimed(sqlite_store, record) == "vastgesteld"
    assert sqlite_store.verify() == []


def test_a_trusted_signed_advice_is_vastgesteld_read_only_with_its_signer(sqlite_store, pdfs, monkeypatch):
    monkeypatch.delenv("IPCEI_TRUST_ROOTS", raising=False)  # without trust roots: a concept
    assert import_bytes(sqlite_store, pdfs["trusted"], "advies.pdf", "Anna").status == Status.CONCEPT
    fresh = open_store(str(sqlite_store.engine.url).replace("store.db", "other.db"))
    monkeypatch.setenv("IPCEI_TRUST_ROOTS", str(pdfs["trusted_pem"]))
    record = import_bytes(fresh, pdfs["trusted"], "advies.pdf", "Anna")
    assert record.status == Status.VASTGESTELD
    signed = fresh.signoff(record.id)
    assert "Ministerie van EZ" in signed.by and signed.role == EXTERNAL_ROLE
    assert signed.content_hash == record.assessment.content_hash()
    with pytest.raises(FrozenError):
        fresh.save(record.id, record.assessment, "Anna", record.revision)
    with pytest.raises(Exception, match="ter_review"):
        wf.withdraw(fresh, record.id, wf.Actor.of("Anna", "author"))
    assert fresh.verify() == []
    fresh.close()


def test_db_import_says_the_status_came_from_no_sign_off(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("IPCEI_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    for name in ("ipcei-micro-elektronica", "ipcei-negatief-advies"):  # the examples that say vastgesteld
        assert main(["db", "import", f"examples/{name}.yaml", "--by", "Anna"]) == 0
    out = capsys.readouterr().out
    assert out.count("status concept (the file claimed vastgesteld") == 2
    assert main(["db", "verify"]) == 0
    assert main(["db", "list", "--status", "vastgesteld"]) == 0
    assert "(none of 0)" in capsys.readouterr().out


def test_db_verify_reports_vastgesteld_without_a_sign_off(store):
    from store_support import tamper

    record = store.create(make_assessment(1), "Anna")
    assert store.verify() == []
    tamper(store, ("UPDATE assessments SET status = 'vastgesteld' WHERE id = :id", {"id": record.id}))
    problems = store.verify()
    assert any(f"assessment {record.id}: status vastgesteld without a sign-off record" in p for p in problems)
