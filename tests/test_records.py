"""The records export (issue #18, item 4): per assessment the advice PDF/A (signed when a key is set), the file,
its revisions and audit trail, a manifest with SHA-256 checksums; a re-run exports only what changed."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable, example
from store_support import make_assessment

from framework import workflow as wf
from framework.cli.main import main
from framework.records import export_records
from framework.report.render import extract_assessment
from framework.report.signatures import read_signatures
from framework.report.signing import make_demo_key
from framework.store import open_store
from framework.verification import Headline, verify_advice


@pytest.fixture
def db(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield store
    store.close()


def _signed_off(db, n: int):
    assessment = example()  # complete, no finding open: submitted without a reason
    meta = assessment.meta.model_copy(update={"title": f"=Vastgesteld {n}"})
    assessment = assessment.model_copy(update={"meta": meta})
    record = db.create(assessment, AUTHOR.name)
    wf.submit(db, record.id, AUTHOR)
    wf.review(db, record.id, REVIEWER, all_acceptable(db, record.id))
    return wf.sign_off(db, record.id, APPROVER)


def test_export_manifest_checksums_and_reruns(db, tmp_path, monkeypatch):
    key = make_demo_key(tmp_path / "key.p12", "geheim")
    monkeypatch.setenv("IPCEI_SIGNING_KEY", str(key))
    monkeypatch.setenv("IPCEI_SIGNING_PASSWORD", "geheim")
    first, second = _signed_off(db, 1), _signed_off(db, 2)
    draft = db.create(make_assessment(3), "A. de Vries")
    folder = tmp_path / "overdracht"

    report = export_records(db, folder)
    assert sorted(report.exported) == sorted([first.id, second.id]) and report.unchanged == []
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["checksum_algorithm"] == "SHA-256"
    entries = {e["assessment_id"]: e for e in manifest["assessments"]}
    assert set(entries) == {first.id, second.id}  # the draft is not a record yet
    assert not (folder / draft.id).exists()
    for record in (first, second):
        entry = entries[record.id]
        assert entry["status"] == "vastgesteld" and entry["signed_off_by"] == "C. Bakker"
        assert entry["content_hash"] == record.assessment.content_hash()
        assert [f["name"] for f in entry["files"]] == [
            f"{record.id}/{name}" for name in ("advice.pdf", "assessment.json", "revisions.json", "audit.json")
        ]
        for item in entry["files"]:
            data = (folder / item["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == item["sha256"] and len(data) == item["bytes"]
        pdf = (folder / record.id / "advice.pdf").read_bytes()
        verdict = verify_advice(pdf, store=db)  # the store recorded the certificate it signed with
        assert read_signatures(pdf) and verdict.headline == Headline.SIGNED and verdict.in_order
        assert extract_assessment(pdf).content_hash() == entry["content_hash"]
        trail = json.loads((folder / record.id / "audit.json").read_text(encoding="utf-8"))
        assert trail[0]["action"] == "created" and trail[-1]["seq"] == entry["audit_seq"]
        assert len(json.loads((folder / record.id / "revisions.json").read_text())) == record.revision
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8 and {r["title"] for r in rows} == {"'=Vastgesteld 1", "'=Vastgesteld 2"}  # no formula

    # a re-run: nothing changed, nothing written
    again = export_records(db, folder)
    assert again.exported == [] and sorted(again.unchanged) == sorted([first.id, second.id])

    # one filed, one damaged on disk: only those two are written again
    wf.transition(db, second.id, wf.Step.ARCHIVE, wf.Actor.of("D. Smit", "archivaris"))
    (folder / first.id / "assessment.json").write_text("{}", encoding="utf-8")
    third = export_records(db, folder)
    assert sorted(third.exported) == sorted([first.id, second.id])
    entries = {e["assessment_id"]: e for e in json.loads((folder / "manifest.json").read_text())["assessments"]}
    assert entries[second.id]["status"] == "gearchiveerd"
    assert json.loads((folder / first.id / "assessment.json").read_text())["meta"]["title"] == "=Vastgesteld 1"


def test_all_without_signed_off_includes_drafts_on_the_command_line(db, tmp_path, capsys):
    draft = db.create(make_assessment(5), "A. de Vries")
    url = str(db.engine.url)
    folder = tmp_path / "alles"
    assert main(["db", "export", "--all", "-o", str(folder), "--database", url]) == 0
    assert "1 exported, 0 unchanged, 1 in the manifest" in capsys.readouterr().out
    pdf = (folder / draft.id / "advice.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and not read_signatures(pdf)  # a concept is never signed
    assert main(["db", "export", "--all", "--signed-off", "-o", str(tmp_path / "leeg"), "--database", url]) == 0
    assert json.loads((tmp_path / "leeg" / "manifest.json").read_text())["assessments"] == []
    assert main(["db", "export", "-o", str(folder), "--database", url]) == 2  # neither an id nor --all
    assert "give an ID, or --all" in capsys.readouterr().err
