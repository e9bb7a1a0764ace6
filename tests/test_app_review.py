"""The review page (AppTest): all answers, open findings with links, the PDF preview and download."""

from __future__ import annotations

from app_support import app, full_assessment, open_in_review, stored, texts

from framework.report.filename import advice_filename


def test_all_answers_on_one_page_and_the_file_name():
    assessment = full_assessment()
    record = stored(assessment)
    at = open_in_review(app(), record.id)
    assert texts(at.title) == ["Controleren en advies-PDF"]
    shown = "\n".join(texts(at.text))
    assert assessment.value("q1", "answer").splitlines()[0] in shown
    assert assessment.value("q14", "focus").splitlines()[0] in shown
    expected = advice_filename(assessment, kind="pdf", revision=record.revision)
    word = advice_filename(assessment, kind="docx", revision=record.revision)
    assert expected.endswith("-r1-concept.pdf") and word.endswith("-r1-concept.docx")
    assert any(expected in c and word in c for c in texts(at.caption))
    assert len(at.get("download_button")) == 2  # the PDF and, beside it, the Word document
    assert any("Daadwerkelijke deelname" in c for c in texts(at.caption))


def test_open_findings_link_to_their_questions():
    assessment = full_assessment()
    answers = dict(assessment.answers)
    answers.pop("q3")
    answers["q4"] = {**answers["q4"], "failures": ["geen", "marktfalen"]}
    record = stored(assessment.model_copy(update={"answers": answers}))
    at = open_in_review(app(), record.id)
    assert any("Nog niet volledig" in w for w in texts(at.warning))
    assert any("tegelijk «geen falen aangetoond»" in e for e in texts(at.error))
    at.button(key="fix|q3").click().run()
    assert not at.exception
    assert at.session_state["step"] == "q3"


def test_pdf_preview_renders():
    record = stored()
    at = open_in_review(app(), record.id)
    at.toggle(key="review|preview").set_value(True).run()
    assert not at.exception, at.exception
    assert not at.error, texts(at.error)
