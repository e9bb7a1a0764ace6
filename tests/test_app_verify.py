"""The page «Advies controleren» (AppTest): a user drops an advice PDF and reads whether it can be trusted.

Real PDFs: a stored assessment is signed off through ``framework.workflow`` and rendered signed with a demo key;
the page is given that file, a copy with one byte changed, an unsigned draft, and the first version after a new
version has replaced it.
"""

from __future__ import annotations

import pytest
from app_support import app, full_assessment, stored, texts
from gate_support import REVIEWER, all_acceptable
from streamlit.testing.v1 import AppTest

from framework import workflow as wf
from framework.advice import advice_pdf
from framework.assessment import Status
from framework.report.signing import make_demo_key
from framework.store import open_store

AUTHOR = wf.Actor.of("A. de Vries", "beleidsmedewerker")
APPROVER = wf.Actor.of("C. Bakker", "vaststeller")


@pytest.fixture
def signed_off(tmp_path, monkeypatch):
    """The id of a signed-off assessment and its signed advice PDF (demo key configured, as in a ministry)."""
    key = make_demo_key(tmp_path / "demo.p12", "geheim", name="C. Bakker (demo)")
    monkeypatch.setenv("IPCEI_SIGNING_KEY", str(key))
    monkeypatch.setenv("IPCEI_SIGNING_PASSWORD", "geheim")
    example = full_assessment()
    meta = example.meta.model_copy(update={"status": Status.CONCEPT, "author": "A. de Vries"})
    record = stored(example.model_copy(update={"meta": meta}), by="A. de Vries")
    store = open_store()
    wf.submit(store, record.id, AUTHOR)
    wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))
    wf.sign_off(store, record.id, APPROVER)
    return record.id, advice_pdf(store, record.id, sign=True)


def checked(pdf: bytes, name: str = "advies.pdf") -> AppTest:
    at = app()
    at.switch_page("views/verify.py").run()
    assert not at.exception, at.exception
    at.file_uploader(key="verify_upload").set_value((name, pdf, "application/pdf")).run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    return " ".join(texts(at.markdown) + texts(at.success) + texts(at.error) + texts(at.warning) + texts(at.info))


def test_a_signed_advice_is_in_order_and_the_latest(signed_off):
    record_id, pdf = signed_off
    at = checked(pdf)
    assert texts(at.success) == [
        "In orde: de handtekening is intact en de ingesloten beoordeling is precies de vastgestelde."
    ]
    assert not at.error
    page = shown(at)
    assert "C. Bakker (demo)" in page  # the signer, from the certificate
    assert open_store().get(record_id).assessment.content_hash() in page
    assert "Dit is de laatste vastgestelde versie in deze database." in texts(at.info)


def test_one_changed_byte_is_not_in_order(signed_off):
    _, pdf = signed_off
    data = bytearray(pdf)
    data[len(data) // 3] ^= 0x01
    at = checked(bytes(data))
    assert not at.success
    assert texts(at.error) and texts(at.error)[0].startswith("Niet in orde")


def test_an_unsigned_draft_is_named_as_such():
    record = stored(by="A. de Vries")
    at = checked(advice_pdf(open_store(), record.id, sign=False))
    assert texts(at.error) == [
        "Niet ondertekend: dit advies draagt geen handtekening. Een concept of een niet-ondertekende uitdraai is "
        "geen vastgesteld advies."
    ]


def test_a_replaced_version_says_so_and_links_the_newer(signed_off):
    record_id, pdf = signed_off
    newer = wf.new_version(open_store(), record_id, AUTHOR)
    at = checked(pdf)
    assert texts(at.success)  # the file itself is still a valid signed advice
    assert "Dit advies is vervangen door een nieuwere versie in deze database." in texts(at.warning)
    links = [link.proto.page for link in at.get("page_link")]
    assert len(links) == 2, links  # the signed-off one and the newer one
    assert str(newer.id) != record_id


def test_a_file_that_is_not_a_pdf_gets_a_clear_error():
    at = checked(b"this is not a PDF at all", "niet-een-pdf.pdf")
    assert texts(at.error)[0].startswith("Geen leesbare PDF")


def test_a_truncated_signed_advice_is_unreadable_not_unsigned(signed_off):
    _, pdf = signed_off
    at = checked(pdf[: len(pdf) // 2])
    assert not at.success
    assert not any("Niet ondertekend" in e for e in texts(at.error)), texts(at.error)
