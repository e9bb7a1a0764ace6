"""Review and sign-off on the command line, on SQLite and PostgreSQL: the same rules as the app, signed PDFs."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from store_support import make_assessment

from framework.assessment import Status
from framework.cli import main
from framework.store import open_store


@pytest.fixture
def db(store_url, monkeypatch):
    monkeypatch.setenv("IPCEI_DATABASE_URL", store_url)
    monkeypatch.delenv("IPCEI_SIGNING_KEY", raising=False)
    with open_store(store_url) as store:
        record = store.create(make_assessment(), "A. de Vries")
    return record.id


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _status(assessment_id: str) -> Status:
    with open_store() as store:
        return store.get(assessment_id).status


def test_four_eyes_holds_on_the_command_line(db, capsys):
    code, out, err = run(capsys, "submit", db[:8], "--by", "A. de Vries")
    assert code == 0, err
    assert "ter_review" in out
    code, _, err = run(capsys, "signoff", db, "--by", "a. de vries", "--role", "vaststeller")
    assert code == 1 and "four eyes" in err
    assert _status(db) == Status.TER_REVIEW
    code, _, err = run(capsys, "signoff", db, "--by", "B. Jansen", "--role", "reviewer")
    assert code == 1 and "needs the role approver" in err
    code, _, err = run(capsys, "signoff", db, "--by", "B. Jansen", "--role", "koning")
    assert code == 1 and "unknown role 'koning'" in err
    assert _status(db) == Status.TER_REVIEW


def test_review_return_resubmit_sign_off_and_render(db, capsys, tmp_path):
    run(capsys, "submit", db, "--by", "A. de Vries")
    code, out, err = run(
        capsys, "review", db, "--by", "B. Jansen", "--verdict", "q1=to improve:noem de bron", "--return"
    )
    assert code == 0, err
    assert "teruggestuurd" in out
    code, _, err = run(capsys, "review", db, "--by", "B. Jansen", "--verdict", "q99=acceptable")
    assert code == 1 and "q99: no such question" in err
    code, _, err = run(capsys, "review", db, "--by", "B. Jansen", "--verdict", "q1")
    assert code == 1 and "QUESTION=VERDICT" in err
    assert run(capsys, "review", db, "--by", "B. Jansen")[0] == 2
    assert run(capsys, "submit", db, "--by", "A. de Vries")[0] == 0
    advice = tmp_path / "advies.pdf"
    code, out, err = run(capsys, "signoff", db, "--by", "C. Bakker", "--role", "approver", "-o", str(advice))
    assert code == 0, err
    assert "signed off by C. Bakker (approver)" in out
    assert _status(db) == Status.VASTGESTELD
    text = "".join(page.extract_text() for page in PdfReader(advice).pages)
    assert "C. Bakker" in text and "B. Jansen" in text and "CONCEPT" not in text
    # Frozen: another review step is refused; a new version is the way to change it.
    code, _, err = run(capsys, "submit", db, "--by", "A. de Vries")
    assert code == 1 and "needs status" in err
    code, out, err = run(capsys, "new-version", db, "--by", "A. de Vries")
    assert code == 0 and f"replaces {db}" in out, err
    code, _, err = run(capsys, "new-version", db, "--by", "A. de Vries")
    assert code == 1 and "already replaced" in err
    # The stored assessment renders by id, with its parafenlijst.
    again = tmp_path / "again.pdf"
    code, _, err = run(capsys, "render", db[:8], "-o", str(again), "--by", "D. Archief")
    assert code == 0, err
    assert "C. Bakker" in "".join(page.extract_text() for page in PdfReader(again).pages)
    with open_store() as store:
        assert "D. Archief" in [e.by for e in store.audit(db) if e.action == "exported"]
    code, out, err = run(capsys, "file", db, "--by", "D. Archief")
    assert code == 0 and "gearchiveerd" in out, err


def test_sign_and_verify_with_a_demo_key(db, capsys, tmp_path, monkeypatch):
    key = tmp_path / "demo.p12"
    assert run(capsys, "demo-key", "-o", str(key), "--password", "geheim")[0] == 0
    run(capsys, "submit", db, "--by", "A. de Vries")
    unsigned = tmp_path / "unsigned.pdf"
    assert run(capsys, "render", db, "-o", str(unsigned))[0] == 0  # not signed off yet
    code, _, err = run(capsys, "sign", str(unsigned), "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "no signing key" in err  # no key configured yet
    monkeypatch.setenv("IPCEI_SIGNING_KEY", str(key))
    monkeypatch.setenv("IPCEI_SIGNING_PASSWORD", "geheim")
    code, _, err = run(capsys, "sign", str(unsigned), "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "was not signed off" in err
    advice = tmp_path / "advies.pdf"
    assert run(capsys, "signoff", db, "--by", "C. Bakker", "--role", "vaststeller", "-o", str(advice))[0] == 0
    code, out, err = run(capsys, "verify", str(advice), "--store", "--json")
    assert code == 0, err
    report = json.loads(out)  # trusted: this store recorded the certificate it signed with
    assert report["headline"] == "signed" and report["in_order"] and report["signatures"][0]["intact"]
    assert report["content_hash"] == report["signed_hash"]
    assert "Dit is de laatste vastgestelde versie in deze database." in report["details"]
    code, out, _ = run(capsys, "verify", str(advice))  # without the store the demo key is nobody's
    assert code == 1 and "onbekende ondertekenaar" in out
    code, out, _ = run(capsys, "verify", str(unsigned))
    assert code == 1 and "Geen advies: dit is een concept" in out
    broken = tmp_path / "broken.pdf"
    data = bytearray(advice.read_bytes())
    data[len(data) // 3] ^= 0x01
    broken.write_bytes(bytes(data))
    assert run(capsys, "verify", str(broken))[0] == 1
    assert run(capsys, "verify", str(tmp_path / "missing.pdf"))[0] == 1
