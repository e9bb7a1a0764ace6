"""Deviations from the suggestions are shown everywhere a reviewer looks: the advice report (at the question, and
as one-line sentences in the view for the summary page), the PDF read back, the review page, and the compare
(its data, its page and its PDF). ``ipcei check`` is tested in test_suggestions.py."""

from __future__ import annotations

import copy
import re
from io import BytesIO
from pathlib import Path

from app_support import app, stored, texts
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from framework.assessment import Assessment, Status
from framework.compare import sides
from framework.compare.export import render_html as compare_html
from framework.loading import load_assessment
from framework.report.render import render_html, render_pdf
from framework.report.view import build_view
from framework.store import open_store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ipcei-micro-elektronica.yaml"
NOTE_NL = "Wijkt af van het voorstel «Nee»: Het project valt niet binnen de IPCEI-categorieën (vraag 8)"


def deviating() -> tuple[Assessment, object]:
    """The micro-electronics example with question 9 «not necessary»: conclusion B1 «ja» differs from «nee»."""
    assessment, framework = load_assessment(EXAMPLE)
    answers = copy.deepcopy(assessment.answers)
    answers["q9"]["state_aid_necessary"] = "nee"
    return assessment.model_copy(update={"answers": answers}), framework


def concept(assessment: Assessment) -> Assessment:
    """As stored by a test: a concept (the store sets vastgesteld only with its own sign-off)."""
    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.CONCEPT})})


def squash(text: str) -> str:
    return " ".join(text.split())


def visible(html: str) -> str:
    return squash(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&"))


def test_the_report_view_has_one_sentence_per_deviation():
    assessment, framework = deviating()
    view = build_view(assessment, framework, lang="nl", include_guidance=False, signoff=None, timestamps=("", ""))
    (sentence,) = view["deviations"]
    assert sentence.startswith("Conclusie B, «Is dit initiatief alleen mogelijk via IPCEI?»: ingevuld «Ja»,")
    assert "Motivering: Het initiatief is alleen via een IPCEI mogelijk" in sentence
    original, _ = load_assessment(EXAMPLE)
    view = build_view(original, framework, lang="en", include_guidance=False, signoff=None, timestamps=("", ""))
    assert view["deviations"] == []


def test_the_report_shows_the_deviation_at_its_question_only():
    assessment, framework = deviating()
    html = render_html(assessment, framework)
    at_b = visible(html.split('id="conclusion_b"', 1)[1].split('id="q14"', 1)[0])
    assert f"Afwijking van het voorstel Is dit initiatief alleen mogelijk via IPCEI?: {NOTE_NL}" in at_b
    assert "De motivering van de opsteller staat bij deze vraag." in at_b
    assert visible(html).count("Afwijking van het voorstel") == 1
    original, _ = load_assessment(EXAMPLE)
    assert "Afwijking van het voorstel" not in render_html(original, framework)


def test_the_pdf_carries_the_deviation():
    assessment, framework = deviating()
    pdf = render_pdf(assessment, framework, lang="en")
    text = squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
    assert "Deviation from the suggestion Is this initiative only possible through an IPCEI?: Differs from the" in text
    assert "The author's motivation is given with this question." in text


def test_the_review_page_lists_deviations_with_the_motivation():
    assessment, _ = deviating()
    record = stored(concept(assessment))
    at = app()
    at.query_params["id"] = record.id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "Afwijkingen van de voorstellen" in texts(at.header)
    shown = "\n".join(texts(at.markdown))
    assert "Conclusie B · Is dit initiatief alleen mogelijk via IPCEI?" in shown.replace("\\", "")
    assert any(text.startswith("Het initiatief is alleen via een IPCEI mogelijk") for text in texts(at.text))
    assert any("Wijkt af van het voorstel «Nee»; zie" in c for c in texts(at.caption))
    at.button(key="deviation|conclusion_b|only_via_ipcei").click().run()
    assert not at.exception and at.session_state["step"] == "conclusion_b"


def test_the_review_page_has_no_deviation_section_when_the_answers_follow():
    record = stored()
    at = app()
    at.query_params["id"] = record.id
    at.switch_page("views/review.py").run()
    assert "Afwijkingen van de voorstellen" not in texts(at.header)


def test_the_compare_carries_the_deviation_in_the_cell():
    assessment, framework = deviating()
    original, _ = load_assessment(EXAMPLE)
    comparison = sides.build([(original, framework), (assessment, framework)])
    cells = comparison.row("conclusion_b", "only_via_ipcei").cells
    assert cells[0].deviation == ""
    assert cells[1].deviation.startswith(NOTE_NL)
    assert all(c.deviation == "" for q in comparison.questions for r in q.rows for c in r.cells if r is not None and
               (q.id, r.field_id) != ("conclusion_b", "only_via_ipcei"))  # fmt: skip
    assert NOTE_NL in visible(compare_html(comparison))


def test_the_compare_page_shows_the_deviation():
    assessment, _ = deviating()
    assessment = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"title": "Afwijkend"})})
    store = open_store()  # (a title of its own: the picker tells its options apart by their labels)
    ids = [store.create(concept(assessment), "Test").id, store.create(concept(load_assessment(EXAMPLE)[0]), "Test").id]
    at = AppTest.from_file(str(ROOT / "views" / "compare.py"), default_timeout=60)
    at.run()
    at.multiselect(key="cmp_ids").set_value(ids).run()
    assert not at.exception, at.exception
    assert sum(NOTE_NL in c.replace("\\", "") for c in texts(at.caption)) == 1


def test_the_wizard_shows_both_lines_for_the_advice():
    from app_support import open_in_wizard

    assessment, _ = deviating()
    record = stored(concept(assessment))
    at = open_in_wizard(app(), record.id, "q14")
    assert not at.exception, at.exception
    captions = [c.replace("\\", "") for c in texts(at.caption)]
    assert any("Volgens de voorgestelde conclusies in plaats van de ingevulde: «Niet deelnemen»" in c for c in captions)
    assert any(c.startswith("Ten minste één van de concluderende vragen A en B is «nee». Dit") for c in captions)
