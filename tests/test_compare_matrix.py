"""The verdicts first (issue #15): the matrix of every verdict, the difference counts, and the PDF's first page."""

from __future__ import annotations

import re
from io import BytesIO

from compare_support import example, examples, with_answer
from pypdf import PdfReader

from framework.compare.export import render_pdf
from framework.compare.matrix import build_matrix, difference_counts, filtered, short_label
from framework.compare.sides import build

NAMES = ("ipcei-waterstof", "ipcei-cloud", "ipcei-negatief-advies", "ipcei-micro-elektronica")


def comparison(*names: str, lang: str = "nl"):
    return build(list(examples(*names)), lang=lang)


def test_the_matrix_holds_every_verdict_with_its_leaning_and_the_facts():
    matrix = build_matrix(comparison(*NAMES))
    keys = [r.key for r in matrix.rows]
    verdicts = [r.key.split(".")[0] for r in matrix.rows if r.kind == "verdict"]
    expected = ["q2", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "conclusion_a", "conclusion_b"]
    assert sorted(set(verdicts)) == sorted({*expected, "q14"})
    assert "q1.initiator" not in keys  # who took the initiative is no verdict
    assert {"q4.failures", "q8.categories"} <= {r.key for r in matrix.rows if r.kind == "qualifier"}
    advice = next(r for r in matrix.rows if r.key == "q14.advice")
    assert [(c.text, c.leaning) for c in advice.cells] == [
        ("Deelnemen", "favourable"),
        ("Deelnemen onder voorwaarden", "neutral"),
        ("Niet deelnemen", "unfavourable"),
        ("Deelnemen", "favourable"),
    ]
    facts = {r.key: [c.text for c in r.cells] for r in matrix.rows if r.kind == "fact"}
    assert facts["fact.budget"] == ["€ 35.000.000", "€ 70.000.000", "—", "€ 230.000.000"]
    assert facts["fact.member_states"] == ["15", "7", "3", "14"]
    assert facts["fact.findings_warning"] == ["0", "1", "0", "0"]  # the negative advice: fewer than four states is info
    assert {"fact.findings_error", "fact.findings_info", "fact.incomplete", "fact.departures"} <= set(facts)


def test_a_departure_from_the_suggested_conclusion_is_counted():
    hydrogen, framework = example("ipcei-waterstof")
    departed = with_answer(hydrogen, "conclusion_a", "government_role", "nee")  # the rules suggest «ja»
    matrix = build_matrix(build([(hydrogen, framework), (departed, framework)]))
    row = next(r for r in matrix.rows if r.key == "fact.departures")
    # conclusion A departs from its suggestion, and now the advice «deelnemen» departs from «niet deelnemen»
    assert [c.text for c in row.cells] == ["0", "2"] and row.differs


def test_verdict_differences_are_told_apart_from_wording():
    hydrogen, framework = example("ipcei-waterstof")
    reworded = with_answer(hydrogen, "q3", "answer", hydrogen.value("q3", "answer") + " Anders gezegd.")
    same_verdicts = build([(hydrogen, framework), (reworded, framework)])
    assert difference_counts(same_verdicts) == {"verdicts": 0, "wording": 1, "total": 16}
    _, questions = filtered(same_verdicts, only="verdicts")
    assert questions == ()  # «alleen ander oordeel» removes what only differs in wording
    assert [q.id for q in filtered(same_verdicts, only="differences")[1]] == ["q3"]
    four = comparison(*NAMES)
    assert difference_counts(four) == {"verdicts": 15, "wording": 1, "total": 16}


def test_sources_can_be_left_out():
    both = comparison("ipcei-waterstof", "ipcei-cloud")
    _, questions = filtered(both, sources=False)
    assert not any(r.kind == "sources" for q in questions for r in q.rows)
    assert any(r.kind == "sources" for q in filtered(both)[1] for r in q.rows)


def test_qualifier_labels_are_shortened_at_a_word():
    assert short_label("Kort") == "Kort"
    assert short_label("Iets met uitleg (zoals dit)") == "Iets met uitleg"
    assert (
        short_label("3) Milieu-, energie-, vervoers-, gezondheids- of digitaliseringsproject")
        == "3) Milieu-, energie-, vervoers-…"
    )


def test_the_first_page_of_the_compare_pdf_is_the_matrix():
    six = comparison(*NAMES, "ipcei-onvolledig", "ipcei-waterstof", lang="en")
    pdf = render_pdf(six)
    first = " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    assert first.startswith("Verdicts side by side")
    for label in ("Severity of the problem", "Funding gap", "Balance", "Advice", "National budget",
                  "Number of participating member states", "Open errors", "Open warnings", "Open notes",
                  "Conclusions other than suggested"):  # fmt: skip
        assert label in first, label
    assert "▲ Participate" in first and "▼ Do not participate" in first
    assert re.search(r"\d+ of the 16 questions differ in verdict, \d+ in wording only", first)
    assert "favourable for participation" in first  # the legend
