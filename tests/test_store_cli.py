"""``ipcei db …`` on real databases: exit codes 0/1/2, output, and docs/storage.md naming every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_support import make_assessment, tamper

from framework.cli import build_parser, main
from framework.loading import load_assessment
from framework.store import open_store
from framework.store.migrations import LATEST, MIGRATIONS
from framework.yamlio import dump_yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "storage.md"


@pytest.fixture
def files(tmp_path):
    paths = []
    for n in range(2):
        path = tmp_path / f"assessment-{n}.yaml"
        path.write_text(dump_yaml(make_assessment(n).model_dump(mode="json")), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture
def db(store_url, monkeypatch):
    """Run ``ipcei db …`` against the test database (through IPCEI_DATABASE_URL) as user Anna."""
    monkeypatch.setenv("IPCEI_DATABASE_URL", store_url)
    monkeypatch.setenv("IPCEI_USER", "Anna")
    return store_url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["db", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_show_history(db, files, capsys):
    code, out, err = run(capsys, "import", *files)
    assert code == 0, err
    ids = [line.split(" imported as ")[1].split()[0] for line in out.splitlines()]
    assert len(ids) == 2
    code, out, _ = run(capsys, "list")
    assert code == 0 and "Waterstofketen 0" in out and "(1-2 of 2)" in out
    code, out, _ = run(capsys, "list", "--status", "concept", "--json")
    listed = json.loads(out)
    assert listed["total"] == 2 and {i["id"] for i in listed["items"]} == set(ids)
    assert listed["items"][0]["created_by"] == "Anna"
    code, out, _ = run(capsys, "list", "--text", "keten 1", "--json")
    assert [i["id"] for i in json.loads(out)["items"]] == [ids[1]]
    code, out, _ = run(capsys, "show", ids[0][:8])
    assert code == 0 and "Waterstofketen 0" in out and f"id:           {ids[0]}" in out
    code, out, _ = run(capsys, "show", ids[0], "--json")
    assert json.loads(out)["assessment"]["meta"]["title"] == "Waterstofketen 0"
    code, out, _ = run(capsys, "history", ids[0])
    assert code == 0 and out.startswith("#1") and "imported" in out and "Anna" in out
    code, out, _ = run(capsys, "audit", "--json")
    assert [e["action"] for e in json.loads(out)] == ["imported", "imported"]


def test_import_twice_and_bad_files_exit_1(db, files, tmp_path, capsys):
    assert run(capsys, "import", files[0])[0] == 0
    code, out, err = run(capsys, "import", files[0], files[1])
    assert code == 1 and "imported before" in err and "imported as" in out  # the second one still went in
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: ipcei-assessment/1\nmeta: {title: x}\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(bad), str(tmp_path / "missing.yaml"))
    assert code == 1
    assert f"{bad}:2: meta.title:" in err and "missing.yaml: (file): no such file" in err
    assert open_store(db).row_counts()["assessments"] == 2


def test_export_writes_a_file_that_loads(db, files, tmp_path, capsys):
    run(capsys, "import", files[0])
    aid = open_store(db).list().items[0].id
    target = tmp_path / "out.yaml"
    code, _, err = run(capsys, "export", aid, "-o", str(target), "--by", "Bram")
    assert code == 0 and "wrote" in err
    assert load_assessment(target)[0] == make_assessment(0)
    code, _, _ = run(capsys, "export", aid[:6], "-o", str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text())["meta"]["title"] == "Waterstofketen 0"
    entries = open_store(db).audit(aid)
    assert [(e.action, e.by) for e in entries[:2]] == [("exported", "Anna"), ("exported", "Bram")]
    code, out, _ = run(capsys, "export", aid, "-o", "-")
    assert out.startswith("format: ipcei-assessment/1")


def test_duplicate_archive_restore(db, files, capsys):
    run(capsys, "import", files[0])
    aid = open_store(db).list().items[0].id
    code, out, _ = run(capsys, "duplicate", aid, "--by", "Bram")
    assert code == 0 and out.startswith("created ")
    code, out, _ = run(capsys, "archive", aid)
    assert code == 0 and out.strip() == f"archived {aid}"
    assert json.loads(run(capsys, "list", "--json")[1])["total"] == 1
    assert json.loads(run(capsys, "list", "--archived", "--json")[1])["total"] == 1
    code, _, err = run(capsys, "archive", aid)
    assert code == 1 and "already archived" in err
    assert run(capsys, "restore", aid)[0] == 0
    assert json.loads(run(capsys, "list", "--json")[1])["total"] == 2


def test_verify_exit_codes(db, files, capsys):
    run(capsys, "import", *files)
    code, out, _ = run(capsys, "verify")
    assert code == 0 and out.startswith("intact: 2 assessments, 2 revisions, 2 audit entries")
    tamper(open_store(db), "UPDATE revisions SET saved_by = 'Mallory'")
    code, out, err = run(capsys, "verify")
    assert code == 1 and "revision record was changed" in out and "problem(s) found" in err
    code, out, _ = run(capsys, "verify", "--json")
    assert code == 1 and json.loads(out)["intact"] is False


def test_errors_and_usage(db, capsys, tmp_path, monkeypatch):
    code, _, err = run(capsys, "show", "abcdef12")
    assert code == 1 and "no assessment with id abcdef12" in err
    assert run(capsys, "show", "x!")[0] == 1
    assert run(capsys, "list", "--status", "bijna")[0] == 2
    assert run(capsys, "export", "abcd")[0] == 2  # -o is required
    assert run(capsys)[0] == 2
    monkeypatch.setenv("IPCEI_USER", "")
    monkeypatch.setattr("getpass.getuser", lambda: "")
    assert run(capsys, "archive", "abcd")[0] == 2  # nobody to name as acting
    code, _, err = run(capsys, "list", "--database", "mysql://x/y")
    assert code == 1 and "unsupported database" in err
    code, _, err = run(capsys, "list", "--database", f"sqlite:///{tmp_path}/no/such/folder/x.db")
    assert code == 1 and "cannot be opened" in err
    code, out, _ = run(capsys, "info", "--json")
    assert code == 0 and json.loads(out)["schema_version"] == LATEST == len(MIGRATIONS)


def test_every_db_command_is_documented():
    parser = build_parser()
    db_parser = next(a for a in parser._subparsers._group_actions).choices["db"]
    commands = next(a for a in db_parser._subparsers._group_actions).choices
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in commands if f"ipcei db {name}" not in text]
    assert not missing, f"not in docs/storage.md: {missing}"
    for setting in ("IPCEI_DATABASE_URL", "IPCEI_DATA_DIR", "IPCEI_USER", "IPCEI_DB_TIMEOUT_MS"):
        assert f"`{setting}`" in text
