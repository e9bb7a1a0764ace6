"""The comparison model (framework.compare.sides) on the examples, and across framework versions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from compare_support import example, examples, for_revised, revised_framework, with_answer, with_meta

from framework.assessment import Status
from framework.compare import revisions as compare_revisions
from framework.compare import sides as compare
from framework.compare.diff import Op
from framework.compare.sides import META, CompareError, RowStatus, Subject, build


@pytest.fixture(scope="module")
def five():
    return build(examples(), lang="nl")


def texts(row):
    return [c.text for c in row.cells]


def test_metadata_of_the_examples(five):
    assert [c.letter for c in five.columns] == ["A", "B", "C", "D", "E"]
    assert five.columns[0].title == "Deelname aan de IPCEI Micro-elektronica en communicatietechnologieën"
    assert five.columns[0].heading.startswith("A. Deelname aan de IPCEI Micro-elektronica")
    ecosystem = five.row(META, "ecosystem")
    assert ecosystem.status == RowStatus.DIFFERENT
    assert texts(ecosystem) == [
        "elektronica",
        "digitale sector",
        "hernieuwbare energiebronnen",
        "detailhandel",
        "gezondheid",
    ]
    budget = five.row(META, "national_budget_eur")
    assert texts(budget) == ["€ 230.000.000", "€ 70.000.000", "€ 35.000.000", "", ""]
    assert [c.empty for c in budget.cells] == [False, False, False, True, True]
    assert five.row(META, "status").cells[0].text == "Vastgesteld"
    assert five.row(META, "created").cells[0].text == "11-07-2022"
    framework_row = five.row(META, "framework")
    assert framework_row.status == RowStatus.SAME and framework_row.cells[0].text == "afwegingskader-ipcei 2022-07"
    assert not five.frameworks_differ
    assert [r.field_id for r in five.meta] == list(compare.META_ROWS)


def test_advice_and_conclusions_of_the_examples(five):
    advice = five.row("q14", "advice")
    assert texts(advice) == ["Deelnemen", "Deelnemen onder voorwaarden", "Deelnemen", "Niet deelnemen", ""]
    assert [c.raw for c in advice.cells] == [
        "deelnemen",
        "deelnemen_onder_voorwaarden",
        "deelnemen",
        "niet_deelnemen",
        None,
    ]
    assert advice.status == RowStatus.DIFFERENT
    assert [c.advice for c in five.columns] == texts(advice)
    assert [q.id for q in five.conclusions] == ["conclusion_a", "conclusion_b", "q14"]
    assert [q.id for q in five.questions if q.advice] == ["q14"]
    assert "Daadwerkelijke deelname" in five.question("q14").footnote
    assert five.question("conclusion_a").heading == "Conclusie A"
    assert five.question("q4").heading == "Vraag 4" and five.question("q4").part.startswith("A.1 ")
    assert texts(five.row("q2", "severity"))[:4] == ["Ernstig", "Wezenlijk", "Ernstig", "Paracetamol"]


def test_known_agreements_between_micro_electronics_and_hydrogen():
    comparison = build(examples("ipcei-micro-elektronica", "ipcei-waterstof"))
    same = {r.key for q in comparison.questions for r in q.rows if r.status == RowStatus.SAME}
    for key in ("q14.advice", "q2.severity", "q9.funding_gap", "q9.state_aid_necessary", "conclusion_a.government_role",
                "conclusion_b.only_via_ipcei", "q13.balance", "q1.initiator"):  # fmt: skip
        assert key in same, key
    assert comparison.row("q14", "advice").cells[1].text == "Deelnemen"
    for key in ("q1.answer", "q14.answer"):
        assert key not in same
    assert comparison.row(META, "ecosystem").differs and comparison.row(META, "phase").differs
    s = comparison.summary
    assert s.questions == 16 and s.same + s.different + s.not_applicable == s.questions
    assert s.not_applicable == 0 and s.different == 16  # every question has its own answer text


def test_hydrogen_against_the_negative_advice_differs_in_every_conclusion():
    comparison = build(examples("ipcei-waterstof", "ipcei-negatief-advies"))
    for question in comparison.conclusions:
        verdicts = [r for r in question.rows if r.kind == "choice"]
        assert verdicts and all(r.status == RowStatus.DIFFERENT for r in verdicts)
    assert texts(comparison.row("conclusion_a", "government_role")) == ["Ja", "Nee"]


def test_equal_after_normalising_white_space_order_and_emptiness():
    a, fw = example("ipcei-waterstof")
    text = a.value("q1", "answer")
    b = with_answer(a, "q1", "answer", "  " + text.replace(" ", "  \n", 3) + "\n")
    b = with_answer(b, "q4", "failures", list(reversed(a.value("q4", "failures"))))
    b = with_meta(b, member_states=list(reversed(a.meta.member_states)))
    b = with_answer(b, "q3", "objectives", list(reversed(a.value("q3", "objectives"))))
    b = with_answer(b, "q9", "answer", "")
    a2 = with_answer(a, "q9", "answer", None)
    comparison = build([(a2, fw), (b, fw)])
    assert comparison.row("q1", "answer").status == RowStatus.SAME
    assert comparison.row("q4", "failures").status == RowStatus.SAME
    assert comparison.row(META, "member_states").status == RowStatus.SAME
    assert comparison.row("q9", "answer").status == RowStatus.SAME  # empty and None: both not answered
    assert comparison.row("q3", "objectives").status == RowStatus.DIFFERENT  # a list keeps its order
    assert [q.id for q in comparison.questions if q.differs] == ["q3"]


def test_identical_assessments_agree_everywhere():
    pair = examples("ipcei-cloud") * 2
    comparison = build(pair, lang="en")
    assert comparison.summary.same == comparison.summary.questions and comparison.summary.fields_different == 0
    assert comparison.shown(only_differences=True) == ((), ())
    assert comparison.question("q14").status.marker() == "="


def test_only_differences_keeps_the_rows_that_differ(five):
    meta, questions = five.shown(only_differences=True)
    assert "framework" not in [r.field_id for r in meta]
    assert all(r.differs for q in questions for r in q.rows)
    q1 = next(q for q in questions if q.id == "q1")
    assert [r.field_id for r in q1.rows] == ["answer", "initiator", "sources"]
    assert five.shown() == (five.meta, five.questions)


def test_long_text_is_folded_to_its_first_lines(five):
    cell = five.row("q1", "answer").cells[0]
    assert cell.folded and cell.preview.endswith(" …") and len(cell.preview) <= compare.PREVIEW_CHARS + 2
    assert cell.text.startswith(cell.preview[:-2].rstrip(" …"))
    short = five.row("q14", "advice").cells[0]
    assert not short.folded and short.preview == "Deelnemen"
    assert compare.preview("een\ntwee\ndrie\nvier") == "een\ntwee\ndrie …"
    assert compare.preview("kort") == "kort"


def test_english_labels(five):
    comparison = build(examples("ipcei-cloud", "ipcei-negatief-advies"), lang="en")
    assert texts(comparison.row("q14", "advice")) == ["Participate under conditions", "Do not participate"]
    assert texts(comparison.row(META, "ecosystem")) == ["Digital", "Retail"]
    assert comparison.question("q14").heading == "Question 14"
    assert comparison.row(META, "status").label == "Status"
    assert comparison.row(META, "status").cells[0].text == "In review"


def test_verdict_points_for_the_chart(five):
    points = five.verdict_points()
    advice = [p for p in points if p["field"].endswith("14 · Advies")]
    assert [p["value"] for p in advice] == [
        "Deelnemen",
        "Deelnemen onder voorwaarden",
        "Deelnemen",
        "Niet deelnemen",
        "niet ingevuld",
    ]
    assert advice[0]["field"].startswith("≠ ") and advice[0]["letter"] == "A"
    assert {p["status"] for p in points} <= {"same", "different", "not_applicable"}
    assert len(points) % len(five.columns) == 0


def test_two_to_six_assessments_and_a_known_language():
    pair = examples("ipcei-cloud")
    with pytest.raises(CompareError, match="2 to 6"):
        build(pair)
    with pytest.raises(CompareError, match="not 7"):
        build(pair * 7)
    with pytest.raises(CompareError, match="language"):
        build(pair * 2, lang="de")
    assert len(build(pair * 6).columns) == 6


# --- different framework versions ---------------------------------------------------------------------------


def test_a_question_one_framework_lacks_is_not_applicable_never_an_error():
    old, framework = example("ipcei-waterstof")
    revised = revised_framework(framework)
    new = for_revised(old, revised)
    comparison = build([Subject(old, framework, ref="old.yaml"), Subject(new, revised, ref="new.yaml")])
    ids = [q.id for q in comparison.questions]
    assert ids.index("q12") + 1 == ids.index("q15") and ids.index("q15") + 1 == ids.index("q13")
    assert ids[-3:] == ["conclusion_a", "conclusion_b", "q14"]
    q13, q15 = comparison.question("q13"), comparison.question("q15")
    assert q13.present == (True, False) and q15.present == (False, True)
    assert q13.status == q15.status == RowStatus.NOT_APPLICABLE
    assert q15.rows[0].cells[0].applicable is False and q15.rows[0].cells[1].text.startswith("Een antwoord")
    assert q13.rows[0].cells[1] == compare.Cell(False, True, None, "", "")
    zero = comparison.row("q4", "zero_option")
    assert zero.status == RowStatus.NOT_APPLICABLE and zero.cells[0].text and not zero.cells[1].applicable
    fields = [r.field_id for r in comparison.question("q2").rows]
    assert fields == ["answer", "severity", "sources", "trend"]  # new field: after its predecessor (sources)
    assert comparison.row("q2", "trend").cells[1].text == "Groeit"
    assert comparison.row("q14", "advice").status == RowStatus.SAME
    assert comparison.frameworks_differ and comparison.row(META, "framework").differs
    assert texts(comparison.row(META, "framework")) == ["afwegingskader-ipcei 2022-07", "afwegingskader-ipcei 2030-01"]
    s = comparison.summary
    assert (s.questions, s.not_applicable, s.different, s.same) == (17, 2, 2, 13)  # q13, q15 | q2, q4 (fields)
    assert comparison.question("q2").status == comparison.question("q4").status == RowStatus.DIFFERENT


def test_merged_order_places_new_ids_after_their_predecessor():
    assert compare.merged_order([["a", "b", "d"], ["a", "c", "d", "e"], ["z", "a"]]) == ["z", "a", "c", "b", "d", "e"]


# --- revisions ----------------------------------------------------------------------------------------------


def test_changes_between_two_revisions_with_a_word_diff():
    old, framework = example("ipcei-waterstof")
    new = with_answer(old, "q14", "focus", old.value("q14", "focus").replace("De focus", "Het zwaartepunt", 1))
    new = with_answer(new, "q2", "severity", "levensbedreigend")
    new = with_meta(new, status=Status.VASTGESTELD)
    comparison = build([Subject(old, framework, revision=1), Subject(new, framework, revision=2)])
    changes = compare_revisions.changes(comparison)
    assert [c.row.key for c in changes] == ["meta.status", "q2.severity", "q14.focus"]
    focus = changes[-1]
    assert focus.question.id == "q14"
    assert [(s.op, s.text) for s in focus.segments[:3]] == [
        (Op.DELETE, "De focus "), (Op.INSERT, "Het zwaartepunt "), (Op.EQUAL, focus.segments[2].text),
    ]  # fmt: skip
    assert [s.text for s in changes[1].segments] == ["Ernstig", "Levensbedreigend"]
    assert comparison.columns[1].heading.endswith("(rev. 2)")


def test_attribute_names_the_revision_that_changed_a_field_last():
    base, _ = example("ipcei-cloud")
    r2 = with_answer(base, "q1", "answer", "Tweede versie.")
    r3 = with_meta(r2, title="Een andere titel")
    r4 = with_answer(r3, "q1", "answer", "Derde versie.")
    info = [SimpleNamespace(number=n, by=by, at=f"2024-0{n}-01") for n, by in ((2, "Anna"), (3, "Bram"), (4, "Cor"))]
    found = compare_revisions.attribute(["q1.answer", "meta.title", "q2.severity"], base, list(zip(info, (r2, r3, r4))))
    assert (found["q1.answer"].number, found["q1.answer"].by) == (4, "Cor")
    assert (found["meta.title"].number, found["meta.title"].by) == (3, "Bram")
    assert "q2.severity" not in found


def test_signed_off_versions_with_their_successors():
    def pairs(*statuses):
        history = [SimpleNamespace(number=i + 1, status=Status(s)) for i, s in enumerate(statuses)]
        return [(a.number, b.number) for a, b in compare_revisions.signed_off_pairs(history)]

    assert pairs("concept", "vastgesteld", "concept", "concept") == [(2, 4)]
    assert pairs("concept", "vastgesteld", "vastgesteld", "concept", "vastgesteld") == [(2, 5)]
    assert pairs("concept", "vastgesteld") == []
    assert pairs("concept", "vastgesteld", "gearchiveerd") == []  # archiving changes nothing
    assert pairs("vastgesteld", "concept", "vastgesteld", "concept") == [(1, 3), (3, 4)]
    # a chain of versions: signed off, archived, then the new version (concept) with an edit
    assert pairs("concept", "ter_review", "vastgesteld", "gearchiveerd", "concept", "concept") == [(3, 6)]
    assert pairs() == []
