"""The evidence register (format /2): entries cited by id, checked, read in from old sources, printed as an annex."""

from __future__ import annotations

import copy
from io import BytesIO

import pytest
from pypdf import PdfReader

from framework import evidence
from framework.assessment import canonical_json
from framework.errors import InputError
from framework.loading import ROOT, assessment_from_data, load_assessment
from framework.rules import check
from framework.yamlio import dump_yaml, read_file

EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"  # a /1 file with per-answer sources
RULE = "open-assumption-in-conclusion"

REGISTER = [
    {
        "id": "B1",
        "kind": "bron",
        "title": "Kamerbrief strategisch en groen industriebeleid",
        "reference": "Kamerstuk 29 826, nr. 147",
        "date": "2022-07-08",
        "supports": "het kader zelf",
    },
    {
        "id": "A1",
        "kind": "aanname",
        "title": "Drie Nederlandse bedrijven doen mee aan de nationale call",
        "supports": "de bereidheid om te investeren",
    },
    {"id": "L1", "kind": "later_bekend", "title": "Uitkomst van de nationale call", "date": "2026"},
]


def _data(register=None, citations=None) -> dict:
    data, _ = read_file(EXAMPLE)
    data["format"] = "ipcei-assessment/2"
    data["evidence"] = REGISTER if register is None else register
    data["citations"] = {"q12": ["A1", "B1"], "q14": ["A1"]} if citations is None else citations
    return data


def _problems(data) -> list:
    with pytest.raises(InputError) as caught:
        assessment_from_data(data, "register.yaml")
    return caught.value.problems


def test_a_register_with_citations_loads_and_is_kept_as_format_2():
    assessment, _ = assessment_from_data(_data(), "register.yaml")
    assert [e.id for e in assessment.evidence] == ["B1", "A1", "L1"]
    assert assessment.evidence[1].status == evidence.AssumptionStatus.OPEN  # an assumption is open until settled
    assert assessment.evidence[0].status is None and assessment.citations["q14"] == ["A1"]
    assert '"format":"ipcei-assessment/2"' in canonical_json(assessment)  # a register needs /2


def test_a_duplicate_register_id_names_both_entries(tmp_path):
    register = [*REGISTER, {"id": "A1", "kind": "bron", "title": "Nog een bron"}]
    path = tmp_path / "dubbel.yaml"
    path.write_text(dump_yaml(_data(register)), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_assessment(path)
    (problem,) = caught.value.problems
    assert problem.field == "evidence[3].id" and problem.line is not None
    assert "A1 is used twice in the evidence register (entries 2 and 4)" in problem.message


def test_a_cited_id_not_in_the_register_names_question_and_field():
    (problem,) = _problems(_data(citations={"q9": ["B1", "B7"]}))
    assert problem.field == "citations.q9[1]"
    assert problem.message == "question 9 cites B7, which is not in the evidence register"


@pytest.mark.parametrize(
    ("change", "field", "wanted"),
    [
        ({"status": "open"}, "evidence[0]", "only an assumption (aanname) has a status"),
        ({"kind": "gerucht"}, "evidence[0].kind", "bron"),
        ({"id": "B 1"}, "evidence[0].id", ""),
        ({"tekst": "x"}, "evidence[0].tekst", ""),
        ({"date": "8 juli"}, "evidence[0].date", "YYYY"),
    ],
)
def test_a_bad_entry_is_refused_where_it_is(change, field, wanted):
    register = [{**REGISTER[0], **change}, *REGISTER[1:]]
    problems = _problems(_data(register, citations={}))
    assert any(p.field == field and wanted in p.message for p in problems), problems


def test_a_citation_of_an_unknown_question_is_refused():
    (problem,) = _problems(_data(citations={"q99": ["B1"]}))
    assert problem.field == "citations.q99" and "no such question" in problem.message


def test_the_per_answer_sources_of_an_old_file_are_read_into_the_register():
    old, framework = load_assessment(EXAMPLE)
    assert old.evidence == [] and old.format == "ipcei-assessment/2"
    derived = evidence.register(framework, old)
    assert derived and all(e.derived and e.entry.kind == "bron" for e in derived)
    assert [e.entry.id for e in derived] == [f"S{n}" for n in range(1, len(derived) + 1)]
    every = [
        (s["title"], q.id)
        for q in framework.questions()
        for f in q.fields
        if f.type == "sources"
        for s in old.value(q.id, f.id) or []
    ]
    assert len(derived) == len({title for title, _ in every})  # the same source at two questions is one entry
    for item in derived:
        assert set(item.cited_by) == {q for title, q in every if title == item.entry.title}
    # beside an explicit register the old sources come after it, and one it already holds is not repeated
    first = every[0][0]
    source = next(
        s
        for q in framework.questions()
        for f in q.fields
        if f.type == "sources"
        for s in old.value(q.id, f.id) or []
        if s["title"] == first
    )
    register = [{"id": "B9", "kind": "bron", **source}]
    assessment, _ = assessment_from_data(_data(register, citations={}), "r.yaml")
    combined = evidence.register(framework, assessment)
    assert combined[0].entry.id == "B9" and not combined[0].derived
    assert first not in [e.entry.title for e in combined[1:]] and len(combined) == len(derived)


def test_an_open_assumption_cited_by_a_conclusion_is_an_info_finding():
    assessment, framework = assessment_from_data(_data(), "r.yaml")
    (finding,) = [f for f in check(framework, assessment).consistency if f.rule == RULE]
    assert finding.severity == "info" and finding.questions == ("q14",) and finding.field == "evidence.A1"
    assert "[A1] Drie Nederlandse bedrijven" in finding.message("nl") and "vraag 14" in finding.message("nl")


@pytest.mark.parametrize(
    ("status", "citations"),
    [("bevestigd", {"q14": ["A1"]}), ("vervallen", {"q14": ["A1"]}), ("open", {"q12": ["A1"]})],
)
def test_no_finding_for_a_settled_assumption_or_one_no_conclusion_cites(status, citations):
    register = [REGISTER[0], {**REGISTER[1], "status": status}, REGISTER[2]]
    assessment, framework = assessment_from_data(_data(register, citations), "r.yaml")
    assert RULE not in [f.rule for f in check(framework, assessment).consistency]


def test_the_pdf_prints_the_register_as_an_annex_with_the_citing_questions():
    from framework.report.render import render_html, render_pdf

    assessment, framework = assessment_from_data(_data(), "r.yaml")
    pdf = render_pdf(assessment, framework, lang="nl")
    pages = [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]
    annex = next(i for i, text in enumerate(pages) if "Bijlage: register van bronnen en aannames" in text)
    text = " ".join(" ".join(pages[annex : annex + 2]).split())
    assert "[A1]" in text and "aanname (open)" in text and "Drie Nederlandse bedrijven" in text
    assert "vraag 12, vraag 14" in text and "later bekend" in text and "niet aangehaald" in text  # L1
    assert "uit de bronnen bij de vraag" in text  # the example's own per-answer sources, read in
    old, old_framework = load_assessment(EXAMPLE)
    assert "register van bronnen" not in render_html(old, old_framework, lang="nl")  # no register: as before


def test_the_store_keeps_the_register_and_refuses_a_bad_citation(tmp_path):
    from framework.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assessment, _ = assessment_from_data(_data(), "r.yaml")
    record = store.create(assessment, "Anna")
    assert store.get(record.id).assessment.evidence == assessment.evidence
    wrong = assessment.model_copy(update={"citations": {"q9": ["X1"]}})
    with pytest.raises(InputError) as caught:
        store.save(record.id, wrong, "Anna", based_on=record.revision)
    assert [p.field for p in caught.value.problems] == ["citations.q9[0]"]
    assert store.get(record.id).revision == record.revision


def test_the_three_way_merge_keeps_a_register_edit_and_asks_when_both_changed_it():
    from framework import merge

    assessment, framework = assessment_from_data(_data(), "r.yaml")
    base = assessment.model_dump(mode="json")
    mine, theirs = copy.deepcopy(base), copy.deepcopy(base)
    mine["citations"]["q9"] = ["B1"]  # only I cite B1 at question 9
    theirs["evidence"][1]["status"] = "bevestigd"  # only they confirm A1
    found = merge.changes(framework, base, mine, theirs)
    assert [c.key for c in found] == ["evidence.entries", "citations.q9"] and merge.to_choose(found) == []
    merged = merge.merge(theirs, found, take_mine=set())
    assert merged["citations"]["q9"] == ["B1"] and merged["evidence"][1]["status"] == "bevestigd"
    mine["evidence"][1]["status"] = "vervallen"  # now both changed the register differently: asked, never silent
    found = merge.changes(framework, base, mine, theirs)
    assert [c.key for c in merge.to_choose(found)] == ["evidence.entries"]
    chosen = merge.merge(theirs, found, take_mine={"evidence.entries"})
    assert chosen["evidence"][1]["status"] == "vervallen"


def test_each_question_names_the_entries_it_cites_and_the_word_document_has_the_register():
    from docx import Document

    from framework.report.docx import render_docx
    from framework.report.render import render_html

    assessment, framework = assessment_from_data(_data(), "r.yaml")
    html = render_html(assessment, framework, lang="nl")
    q12 = html[html.index('id="q12"') : html.index('id="q13"')]
    assert "Onderbouwing uit het register" in q12 and '<a href="#evidence-A1">[A1]</a>' in q12
    assert '<a href="#evidence-B1">[B1]</a>' in q12
    q13 = html[html.index('id="q13"') : html.index('id="q14"')]
    assert "Onderbouwing uit het register" not in q13  # cites nothing: no line
    document = Document(BytesIO(render_docx(assessment, framework, lang="nl")))
    headings = [p.text for p in document.paragraphs]
    assert "Bijlage: register van bronnen en aannames" in headings
    rows = {row.cells[0].text: [c.text for c in row.cells] for table in document.tables for row in table.rows}
    assert rows["[A1]"][1] == "aanname (open)" and rows["[A1]"][3] == "vraag 12, vraag 14"
    assert rows["[L1]"][3] == "niet aangehaald"
