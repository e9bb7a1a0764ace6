"""Review and sign-off on the command line, on SQLite and PostgreSQL: the same rules as the app, signed PDFs."""

from __future__ import annotations

import json

import pytest
from gate_support import ERROR_EXAMPLE, WARNING_EXAMPLE, example
from pypdf import PdfReader

from framework.assessment import Status
from framework.cli import main
from framework.store import open_store


@pytest.fixture
def db(store_url, monkeypatch):
    monkeypatch.setenv("IPCEI_DATABASE_URL", store_url)
    monkeypatch.setenv("IPCEI_LANG", "en")  # the refusals in English, the language asked
    monkeypatch.delenv("IPCEI_SIGNING_KEY", raising=False)
    with open_store(store_url) as store:
        record = store.create(example(), "A. de Vries")
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
    assert run(capsys, "review", db, "--by", "B. Jansen", "--rest", "acceptable")[0] == 0
    code, _, err = run(capsys, "signoff", db, "--by", "a. de vries", "--role", "vaststeller")
    assert code == 1 and "four eyes" in err
    assert _status(db) == Status.TER_REVIEW
    code, _, err = run(capsys, "signoff", db, "--by", "B. Jansen", "--role", "reviewer")
    assert code == 1 and "needs the role approver" in err
    code, _, err = run(capsys, "signoff", db, "--by", "B. Jansen", "--role", "koning")
    assert code == 1 and "Unknown role «koning»" in err
    code, _, err = run(capsys, "signoff", db, "--by", "   ", "--role", "vaststeller")
    assert code == 1 and "State your name" in err
    code, _, err = run(capsys, "signoff", db, "--by", "B. Jansen", "--role", "vaststeller")
    assert code == 1 and "B. Jansen reviewed this content" in err
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
    code, _, err = run(capsys, "signoff", db, "--by", "C. Bakker", "--role", "approver")
    assert code == 1 and "needs a complete review" in err and "for: q2, q3" in err  # q1 has its verdict
    code, _, err = run(capsys, "review", db, "--by", "B. Jansen", "--verdict", "q1=acceptable")
    assert code == 1 and "A review is complete" in err and "q2" in err
    code, _, err = run(
        capsys, "review", db, "--by", "B. Jansen", "--verdict", "q3=to_correct:fout", "--rest", "akkoord"
    )
    assert code == 1 and "«akkoord» is not one of" in err
    assert (
        run(capsys, "review", db, "--by", "B. Jansen", "--verdict", "q3=to_correct:fout", "--rest", "acceptable")[0]
        == 0
    )
    code, _, err = run(capsys, "signoff", db, "--by", "C. Bakker", "--role", "approver")
    assert code == 1 and "q3 «to correct»" in err
    assert run(capsys, "review", db, "--by", "B. Jansen", "--rest", "acceptable")[0] == 0
    advice = tmp_path / "advies.pdf"
    code, out, err = run(capsys, "signoff", db, "--by", "C. Bakker", "--role", "approver", "-o", str(advice))
    assert code == 0, err
    assert "signed off by C. Bakker (approver)" in out
    assert _status(db) == Status.VASTGESTELD
    text = "".join(page.extract_text() for page in PdfReader(advice).pages)
    assert "C. Bakker" in text and "B. Jansen" in text and "CONCEPT" not in text
    # Frozen: another review step is refused; a new version is the way to change it.
    code, _, err = run(capsys, "submit", db, "--by", "A. de Vries")
    assert code == 1 and "needs the status" in err
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
    run(capsys, "review", db, "--by", "B. Jansen", "--rest", "acceptable")
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
    code, out, err = run(capsys, "verify", str(advice), "--store", "--json", "--lang", "nl")  # fixture: IPCEI_LANG=en
    assert code == 0, err
    report = json.loads(out)  # trusted: this store recorded the certificate it signed with
    assert report["headline"] == "signed" and report["in_order"] and report["signatures"][0]["intact"]
    assert report["content_hash"] == report["signed_hash"]
    assert "Dit is de laatste vastgestelde versie in deze database." in report["details"]
    code, out, _ = run(capsys, "verify", str(advice), "--lang", "nl")  # without the store the demo key is nobody's
    assert code == 1 and "onbekende ondertekenaar" in out
    code, out, _ = run(capsys, "verify", str(unsigned), "--lang", "nl")
    assert code == 1 and "Geen advies: dit is een concept" in out
    broken = tmp_path / "broken.pdf"
    data = bytearray(advice.read_bytes())
    data[len(data) // 3] ^= 0x01
    broken.write_bytes(bytes(data))
    assert run(capsys, "verify", str(broken))[0] == 1
    assert run(capsys, "verify", str(tmp_path / "missing.pdf"))[0] == 1


def test_submit_with_open_findings_needs_a_reason_on_the_command_line(store_url, capsys, monkeypatch):
    monkeypatch.setenv("IPCEI_DATABASE_URL", store_url)
    with open_store(store_url) as store:
        aid = store.create(example(ERROR_EXAMPLE), "A. de Vries").id
    code, _, err = run(capsys, "submit", aid, "--by", "A. de Vries")
    assert code == 1 and "Indienen kan niet" in err and "failure-contradiction" in err  # Dutch by default
    code, _, err = run(capsys, "submit", aid, "--by", "A. de Vries", "--reason", "x")
    assert code == 1 and "te kort" in err
    assert _status(aid) == Status.CONCEPT
    reason = "de consortiumvorming loopt nog; de reviewer kijkt mee"
    assert run(capsys, "submit", aid, "--by", "A. de Vries", "--reason", reason)[0] == 0
    with open_store() as store:
        assert store.audit(aid)[0].detail["reason"] == reason
    code, _, err = run(capsys, "withdraw", aid, "--by", "B. Jansen", "--role", "reviewer")
    assert code == 1 and "withdraw" in err
    code, out, err = run(capsys, "withdraw", aid, "--by", "A. de Vries")
    assert code == 0 and "concept" in out, err


def test_signoff_accepts_each_warning_with_a_reason(store_url, capsys, monkeypatch):
    monkeypatch.setenv("IPCEI_DATABASE_URL", store_url)
    with open_store(store_url) as store:
        aid = store.create(example(WARNING_EXAMPLE), "A. de Vries").id
    assert run(capsys, "submit", aid, "--by", "A. de Vries")[0] == 0
    assert run(capsys, "review", aid, "--by", "B. Jansen", "--rest", "acceptable")[0] == 0
    code, _, err = run(capsys, "signoff", aid, "--by", "C. Bakker", "--role", "vaststeller")
    assert code == 1 and "advice-without-funding-gap" in err
    code, _, err = run(
        capsys, "signoff", aid, "--by", "C. Bakker", "--role", "vaststeller", "--accept", "geen-gelijkteken"
    )
    assert code == 1 and "FINDING=REASON" in err
    code, _, err = run(
        capsys,
        "signoff",
        aid,
        "--by",
        "C. Bakker",
        "--role",
        "vaststeller",
        "--accept",
        "advice-without-funding-gap=ok",
    )
    assert code == 1 and "te kort" in err
    assert _status(aid) == Status.TER_REVIEW
    reason = "advice-without-funding-gap=de funding gap wordt in de notificatie aangetoond"
    code, out, err = run(capsys, "signoff", aid, "--by", "C. Bakker", "--role", "vaststeller", "--accept", reason)
    assert code == 0 and "vastgesteld" in out, err
