"""``ipcei migrate`` moves the per-answer sources into the register: one entry per source, cited, nothing lost."""

from __future__ import annotations

import pytest

from framework import evidence
from framework.cli import EXIT_INVALID, EXIT_OK, main
from framework.loading import ROOT, assessment_from_data, load_assessment
from framework.yamlio import dump_yaml, read_file

EXAMPLES = ROOT / "examples"


def _sources(data: dict) -> list[tuple[str, str, str, str]]:
    """(question, title, reference, date) of every per-answer source in a file's data."""
    return [
        (qid, s["title"], s.get("reference", ""), str(s.get("date", "")))
        for qid, fields in data.get("answers", {}).items()
        for value in fields.values()
        if isinstance(value, list)
        for s in value
        if isinstance(s, dict) and "title" in s
    ]


@pytest.mark.parametrize("name", ["ipcei-waterstof", "ipcei-cloud", "ipcei-micro-elektronica"])
def test_every_source_becomes_a_cited_register_entry_and_nothing_is_lost(tmp_path, name):
    original, _ = read_file(EXAMPLES / f"{name}.yaml")
    before = _sources(original)
    assert before  # the examples are /1 files with sources per question
    out = tmp_path / f"{name}.yaml"
    assert main(["migrate", str(EXAMPLES / f"{name}.yaml"), "-o", str(out)]) == EXIT_OK
    data, _ = read_file(out)
    assert data["format"] == "ipcei-assessment/2"
    assert _sources(data) == []  # the per-answer fields are gone: nothing is written twice
    entries = {e["id"]: e for e in data["evidence"]}
    by_content = {(e["title"], e.get("reference", ""), str(e.get("date", ""))): e["id"] for e in data["evidence"]}
    assert len(by_content) == len(entries) == len({s[1:] for s in before})  # one entry per distinct source
    for question, *content in before:
        entry_id = by_content[tuple(content)]  # every title, reference and date is in the register
        assert entry_id in data["citations"][question] and entries[entry_id]["kind"] == "bron"
    cited = sum(len(ids) for ids in data["citations"].values())
    assert cited == len({(q, *c) for q, *c in before})  # each question cites each of its sources once
    assert main(["validate", str(out)]) == EXIT_OK
    migrated, framework = load_assessment(out)
    kept = {k: v for k, v in original["answers"].items()}
    for qid, fields in kept.items():  # every other answer is as it was
        for fid, value in fields.items():
            if fid != "sources":
                assert migrated.value(qid, fid) is not None, (qid, fid, value)
    assert [i.entry.id for i in evidence.register(framework, migrated)] == [e["id"] for e in data["evidence"]]


def test_a_source_under_two_questions_is_one_entry_cited_twice():
    assessment, framework = load_assessment(EXAMPLES / "ipcei-waterstof.yaml")
    data = assessment.model_dump(mode="json", exclude_defaults=True)
    shared = {"title": "Kamerbrief strategisch en groen industriebeleid", "reference": "Kamerstuk 29 826, nr. 147"}
    data["answers"]["q2"]["sources"] = [shared]
    data["answers"]["q3"]["sources"] = [{"title": "Iets anders"}, shared]
    for qid in data["answers"]:
        if qid not in ("q2", "q3"):
            data["answers"][qid].pop("sources", None)
    two, _ = assessment_from_data(data, "twee.yaml")
    moved = evidence.move_sources(framework, two)
    assert [(e.id, e.title) for e in moved.evidence] == [("S1", shared["title"]), ("S2", "Iets anders")]
    assert moved.citations == {"q2": ["S1"], "q3": ["S2", "S1"]}
    assert all(moved.value(q, "sources") is None for q in ("q2", "q3"))


def test_an_id_taken_in_the_register_gets_a_fresh_id_and_a_known_source_keeps_its_own(tmp_path):
    data, _ = read_file(EXAMPLES / "ipcei-waterstof.yaml")
    first = next(s for fields in data["answers"].values() for s in fields.get("sources", []))
    data["format"] = "ipcei-assessment/2"
    data["evidence"] = [
        {"id": "S1", "kind": "aanname", "title": "Een aanname die S1 al heet", "status": "bevestigd"},
        {"id": "B9", "kind": "bron", **{k: str(v) for k, v in first.items()}},
    ]
    data["citations"] = {"q14": ["S1"]}
    path = tmp_path / "botsing.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    out = tmp_path / "uit.yaml"
    assert main(["migrate", str(path), "-o", str(out)]) == EXIT_OK
    migrated, _ = read_file(out)
    ids = [e["id"] for e in migrated["evidence"]]
    assert ids[:3] == ["S1", "B9", "S2"] and len(ids) == len(set(ids))  # S1 is taken: the sources start at S2
    assert migrated["evidence"][0]["title"] == "Een aanname die S1 al heet"  # the existing entry is kept
    assert [e["title"] for e in migrated["evidence"]].count(first["title"]) == 1  # held already: B9, not again
    citing = [q for q, ids in migrated["citations"].items() if "B9" in ids]
    assert citing and migrated["citations"]["q14"][0] == "S1"  # the old citation stays first


def test_a_file_without_sources_is_written_as_it_was():
    assessment, framework = load_assessment(EXAMPLES / "ipcei-onvolledig.yaml")
    plain = assessment.model_copy(
        update={"answers": {q: {f: v for f, v in a.items() if f != "sources"} for q, a in assessment.answers.items()}}
    )
    assert evidence.move_sources(framework, plain) is plain


def test_a_register_that_would_overflow_is_a_clear_error(tmp_path, capsys):
    data, _ = read_file(EXAMPLES / "ipcei-waterstof.yaml")
    data["format"] = "ipcei-assessment/2"
    data["evidence"] = [{"id": f"X{n}", "kind": "bron", "title": f"Bron {n}"} for n in range(evidence.MAX_ENTRIES)]
    path = tmp_path / "vol.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    assert main(["migrate", str(path)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert "vol.yaml" in err and "evidence" in err and f"the register holds at most {evidence.MAX_ENTRIES}" in err


def test_the_migrated_file_prints_the_register_with_the_citing_questions(tmp_path):
    from framework.report.render import render_html

    out = tmp_path / "w.yaml"
    assert main(["migrate", str(EXAMPLES / "ipcei-waterstof.yaml"), "-o", str(out)]) == EXIT_OK
    assessment, framework = load_assessment(out)
    html = render_html(assessment, framework, lang="nl")
    assert "Bijlage: register van bronnen en aannames" in html and "[S1]" in html
    assert "uit de bronnen bij de vraag" not in html  # the entries are the register's own now, not read in
