"""Format ipcei-assessment/2: /1 files still validate, import and keep their hash; ``ipcei migrate`` writes /2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.assessment import canonical_json
from framework.cli import EXIT_INVALID, EXIT_OK, main
from framework.errors import InputError
from framework.formats import FORMAT_V1, FORMAT_V2, lowest_form, migrate
from framework.loading import load_assessment
from framework.yamlio import read_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# The content hashes of two /1 examples as the /1 code computed them: a sign-off names these, so reading the
# files as /2 must not change them.
V1_HASHES = {
    "ipcei-cloud.yaml": "ba94e51cb0176a4f6a922c1413c511bfb37d1cf6dce0c61e4fc84550535cce06",
    "ipcei-waterstof.yaml": "b6cef6d6d965c8c32dcf55d0e87b153bbafa3658a4aa5e367af666af5df96bc3",
}


@pytest.mark.parametrize("name", sorted(V1_HASHES))
def test_a_v1_file_is_read_as_v2_and_keeps_its_hash(name):
    data, _ = read_file(EXAMPLES / name)
    assert data["format"] == FORMAT_V1
    assessment, _ = load_assessment(EXAMPLES / name)
    assert assessment.format == FORMAT_V2
    assert assessment.content_hash() == V1_HASHES[name]
    assert json.loads(canonical_json(assessment))["format"] == FORMAT_V1  # the lowest form that holds it


def test_greece_is_el_and_gr_is_read_as_el():
    assessment, framework = load_assessment(EXAMPLES / "ipcei-waterstof.yaml")  # a /1 file that says gr
    assert "el" in assessment.meta.member_states and "gr" not in assessment.meta.member_states
    assert framework.label("member_states", "el", "en") == "Greece"
    # the /1 form for the hash writes gr again, as the /1 file did
    assert "gr" in json.loads(canonical_json(assessment))["meta"]["member_states"]


def test_migrate_is_a_pure_function_on_v1_only():
    old = {"format": FORMAT_V1, "meta": {"member_states": ["gr", "nl"]}}
    new = migrate(old)
    assert new == {"format": FORMAT_V2, "meta": {"member_states": ["el", "nl"]}}
    assert old["meta"]["member_states"] == ["gr", "nl"]  # the input is not changed
    other = {"format": FORMAT_V2, "meta": {"member_states": ["gr"]}}
    assert migrate(other) is other


def test_v2_content_keeps_the_v2_form():
    data = {"format": FORMAT_V2, "meta": {"coordinator": "nl"}, "qualifiers": {}}
    assert lowest_form(data) == data  # unchanged (a copy: empty later /2 keys are left out)
    plain = {"format": FORMAT_V2, "meta": {"coordinator": "", "member_states": ["el"]}, "qualifiers": {}}
    assert lowest_form(plain) == {"format": FORMAT_V1, "meta": {"member_states": ["gr"]}}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_ipcei_migrate_writes_the_v2_form(tmp_path, capsys, suffix):
    out = tmp_path / f"waterstof{suffix}"
    assert main(["migrate", str(EXAMPLES / "ipcei-waterstof.yaml"), "-o", str(out)]) == EXIT_OK
    data, _ = read_file(out)
    assert data["format"] == FORMAT_V2
    assert "el" in data["meta"]["member_states"] and "gr" not in data["meta"]["member_states"]
    assert main(["validate", str(out)]) == EXIT_OK
    migrated, _ = load_assessment(out)
    original, _ = load_assessment(EXAMPLES / "ipcei-waterstof.yaml")
    assert migrated.meta == original.meta and migrated.evidence  # the sources moved into the register
    assert migrated.content_hash() != V1_HASHES["ipcei-waterstof.yaml"]  # so the content is not the same


def test_ipcei_migrate_keep_sources_keeps_the_content_and_its_hash(tmp_path):
    out = tmp_path / "waterstof.yaml"
    assert main(["migrate", str(EXAMPLES / "ipcei-waterstof.yaml"), "--keep-sources", "-o", str(out)]) == EXIT_OK
    assert read_file(out)[0]["format"] == FORMAT_V2
    migrated, _ = load_assessment(out)
    assert migrated == load_assessment(EXAMPLES / "ipcei-waterstof.yaml")[0]
    assert migrated.content_hash() == V1_HASHES["ipcei-waterstof.yaml"]


def test_ipcei_migrate_to_stdout_and_of_a_bad_file(tmp_path, capsys):
    assert main(["migrate", str(EXAMPLES / "ipcei-cloud.yaml")]) == EXIT_OK
    assert capsys.readouterr().out.startswith(f"format: {FORMAT_V2}\n")
    bad = ROOT / "tests" / "invalid" / "assessment-bad-date.yaml"
    assert main(["migrate", str(bad)]) == EXIT_INVALID
    assert "meta.created" in capsys.readouterr().err


def test_a_v1_file_imports_into_the_store_and_renders(tmp_path):
    from framework.imports import import_bytes
    from framework.report.render import render_html
    from framework.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    raw = (EXAMPLES / "ipcei-waterstof.yaml").read_bytes()
    record = import_bytes(store, raw, "ipcei-waterstof.yaml", "Anna")
    stored = record.assessment  # imported as a concept, so not the file's own hash, but still held by /1
    assert stored.format == FORMAT_V2 and record.content_hash == stored.content_hash()
    assert json.loads(canonical_json(stored))["format"] == FORMAT_V1
    html = render_html(stored, load_assessment(EXAMPLES / "ipcei-waterstof.yaml")[1], lang="nl")
    assert "Griekenland" in html


def test_an_unknown_format_version_is_refused(tmp_path):
    text = (EXAMPLES / "ipcei-cloud.yaml").read_text(encoding="utf-8").replace(FORMAT_V1, "ipcei-assessment/9")
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_assessment(path)
    assert caught.value.problems[0].field == "format"


def test_the_store_keeps_the_content_hash_of_the_assessment(tmp_path):
    from framework.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    plain, _ = load_assessment(EXAMPLES / "ipcei-waterstof.yaml")
    record = store.create(plain, "Anna")
    assert record.content_hash == plain.content_hash() == V1_HASHES["ipcei-waterstof.yaml"]
    richer = plain.model_copy(update={"qualifiers": {"q9": {"state_aid_necessary": "ja, voor het project"}}})
    saved = store.save(record.id, richer, "Anna", based_on=record.revision)
    assert saved.content_hash == richer.content_hash() != plain.content_hash()
    assert store.get(record.id).assessment == richer


def test_the_store_refuses_a_mark_that_does_not_fit_the_framework(tmp_path):
    from framework.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    plain, _ = load_assessment(EXAMPLES / "ipcei-waterstof.yaml")
    wrong = plain.model_copy(update={"qualifiers": {"q2": {"answer": "een toelichting bij een tekst"}}})
    with pytest.raises(InputError) as caught:
        store.create(wrong, "Anna")
    assert [p.field for p in caught.value.problems] == ["qualifiers.q2.answer"]
    assert store.list().total == 0
