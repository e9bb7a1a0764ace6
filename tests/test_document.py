"""The advice a DG reads (issue #15): the one-page summary, the page flow, the cover, the parafenlijst, file names.

Every example renders in both languages; the PDFs are read back (pdftotext for positions, pypdf for text).
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from framework import workflow as wf
from framework.assessment import Status
from framework.errors import InputError
from framework.i18n import t
from framework.loading import load_assessment, load_framework
from framework.report.filename import advice_filename
from framework.report.render import render_html, render_pdf
from framework.report.view import ReviewNote, SignOffEntry, SignOffSheet
from framework.store import open_store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
MM = 72 / 25.4
PAGE_HEIGHT = 297 * MM
TOP, BOTTOM = 25 * MM, 22 * MM  # print.css page margins: the running header and footer lie outside


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def pdf_of(name: str, lang: str) -> bytes:
    assessment, framework = load_assessment(ROOT / "examples" / f"{name}.yaml")
    return render_pdf(assessment, framework, lang=lang)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def body_fill(pdf: bytes, tmp_path: Path) -> list[float]:
    """Per page, how far down the body text reaches, as a share of the body's height (0 empty, 1 full)."""
    path = tmp_path / "fill.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fills = []
    for page in out.split("<page ")[1:]:
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page) if TOP < float(y) < PAGE_HEIGHT - BOTTOM]
        lowest = max(bottoms, default=TOP)
        fills.append((lowest - TOP) / (PAGE_HEIGHT - BOTTOM - TOP))
    return fills


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_summary_page_holds_the_whole_advice_and_every_condition(path, lang, tmp_path):
    assessment, _ = load_assessment(path)
    pdf = pdf_of(path.stem, lang)
    pages = page_texts(pdf)
    summary = squash(pages[1])
    assert squash("Samenvatting" if lang == "nl" else "Summary") in summary
    for field in ("answer", "focus"):
        text = assessment.value("q14", field) or ""
        assert squash(text) in summary, f"{path.stem} q14.{field} not whole on page 2"
    for condition in assessment.value("q14", "conditions") or []:
        assert squash(condition) in summary
    budget = "€ " if lang == "nl" else "€"
    if assessment.meta.national_budget_eur:
        assert squash(budget) in summary
    count = len(assessment.meta.member_states)
    if count:
        assert squash(f"{count} lidstaten" if lang == "nl" else f"{count} member states") in summary
    # the cover: ministry, directie, case number, date of vaststelling (or «not yet»)
    cover = squash(pages[0])
    for value in (assessment.meta.ministry, assessment.meta.department, assessment.meta.case_number):
        assert squash(value) in cover
    assert squash("Datum vaststelling" if lang == "nl" else "Date of approval") in cover


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_page_within_the_questions_is_less_than_a_third_full(path, lang, tmp_path):
    pdf = pdf_of(path.stem, lang)
    pages = page_texts(pdf)
    # the questions end where the coverage of the Commission's criteria (or, without it, the sign-off) starts a page
    ends = (t("criteria_title", lang), t("report_signoff", lang))
    signoff = next(i for i, text in enumerate(pages) if i > 2 and any(f"\n{e}\n" in f"\n{text}\n" for e in ends))
    fills = body_fill(pdf, tmp_path)
    # from the page after the summary to the last page before the one the questions end on
    within = list(range(2, signoff - 1))
    assert within, "the questions take more than one page"
    thin = [(i + 1, round(fills[i], 2)) for i in within if fills[i] < 1 / 3]
    assert not thin, f"{path.stem} {lang}: pages less than a third full: {thin}"


def test_the_watermark_is_an_image_not_text():
    assessment, framework = load_assessment(ROOT / "examples" / "ipcei-waterstof.yaml")
    assert assessment.meta.status == Status.TER_REVIEW
    texts = page_texts(pdf_of("ipcei-waterstof", "nl"))
    assert not any("CONCEPT" in text for text in texts)  # the watermark's letters are not in the text layer
    assert "data:image/png;base64," in render_html(assessment, framework)
    final = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.VASTGESTELD})})
    assert "data:image/png" not in render_html(final, framework)


def test_scale_labels_do_not_wrap():
    css = (ROOT / "report_templates" / "print.css").read_text(encoding="utf-8")
    step = css.split(".scale .step {", 1)[1].split("}", 1)[0]
    assert "white-space: nowrap" in step
    text = page_texts(pdf_of("ipcei-micro-elektronica", "nl"))
    assert any("Significant positief" in page for page in text)  # one piece, never split over two lines


def test_a_summary_that_does_not_fit_continues_with_the_page_number():
    assessment, framework = load_assessment(ROOT / "examples" / "ipcei-cloud.yaml")
    answers = {k: dict(v) for k, v in assessment.answers.items()}
    answers["q14"]["answer"] = "\n\n".join(
        f"Alinea {i}: " + "het advies weegt elk argument zorgvuldig. " * 12 for i in range(9)
    )
    answers["q14"]["answer"] += "\n\nSlotzin van het advies."
    long = assessment.model_copy(update={"answers": answers})
    pages = page_texts(render_pdf(long, framework))
    assert "vervolg op pagina 3" in pages[1]
    assert "Slotzin van het advies." in pages[2]  # the advice is whole: it goes on, never cut
    short = page_texts(pdf_of("ipcei-cloud", "nl"))
    assert not any("vervolg op pagina" in page for page in short)


# --- the parafenlijst -----------------------------------------------------------------------------------------


def test_signoff_times_are_local_and_roles_are_named_as_in_the_app(monkeypatch):
    assessment, framework = load_assessment(ROOT / "examples" / "ipcei-cloud.yaml")
    late = datetime(2026, 11, 28, 23, 2, tzinfo=UTC)  # 00:02 on 29 November in The Hague
    sheet = SignOffSheet(
        drafted_by=SignOffEntry(name="A. de Vries", role="author", date=late.date(), at=late),
        approved_by=SignOffEntry(name="C. Bakker", role="approver", date=late.date(), at=late),
        reviews=[ReviewNote(question="q9", verdict="to_improve", comment="Funding gap <b>onderbouwen</b>", by="B")],
    )
    html = render_html(assessment, framework, signoff=sheet)
    signoff = html.split('id="signoff"', 1)[1]
    assert "29-11-2026 00:02" in signoff and "28-11-2026" not in signoff
    assert "vaststeller" in signoff and ">approver<" not in signoff and ">author<" not in signoff
    assert "Funding gap &lt;b&gt;onderbouwen&lt;/b&gt;" in signoff and "te verbeteren" in signoff
    assert "Europe/Amsterdam" in signoff
    english = render_html(assessment, framework, signoff=sheet, lang="en").split('id="signoff"', 1)[1]
    assert ">approver<" in english and "to improve" in english
    monkeypatch.setenv("IPCEI_TIMEZONE", "UTC")
    assert "28-11-2026 23:02" in render_html(assessment, framework, signoff=sheet)
    monkeypatch.setenv("IPCEI_TIMEZONE", "Mars/Olympus")
    with pytest.raises(Exception, match="IPCEI_TIMEZONE"):
        render_html(assessment, framework, signoff=sheet)


def test_the_stored_parafenlijst_carries_the_reviewers_verdicts_and_comments():
    from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable, example

    from framework.advice import advice_pdf

    store = open_store()
    record = store.create(example(), AUTHOR.name)  # complete, no finding open: submits without a reason
    wf.submit(store, record.id, AUTHOR)
    # sign-off needs a verdict on every question; one of them asks for an improvement, with a comment
    verdicts = all_acceptable(store, record.id) | {"q1": ("to improve", "Aanleiding scherper formuleren")}
    wf.review(store, record.id, REVIEWER, verdicts)
    wf.sign_off(store, record.id, APPROVER)
    sheet = wf.parafenlijst(store, record.id)
    assert sheet.approved_by.role == "approver" and sheet.approved_by.at is not None
    notes = {n.question: (n.verdict, n.comment) for n in sheet.reviews}
    assert len(sheet.reviews) == len(verdicts) and notes["q1"] == ("to_improve", "Aanleiding scherper formuleren")
    assert all(note == ("acceptable", "") for question, note in notes.items() if question != "q1")
    text = " ".join(page_texts(advice_pdf(store, record.id, lang="nl", sign=False))[-2:])
    assert "Aanleiding scherper formuleren" in text and "te verbeteren" in text and "vaststeller" in text
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", text)  # date and time, on one line
    store.close()


def test_acknowledged_findings_and_submit_reason_print_when_the_sheet_carries_them():
    """The template is tolerant: the sheet may carry them (issue #14) or not."""
    from framework.report import view

    sheet = SignOffSheet()
    assert view.acknowledged_rows(sheet) == []

    class Carrying:
        def __init__(self) -> None:
            self.acknowledged = [{"message": "Te weinig lidstaten", "reason": "Er volgen er meer", "by": "C. Bakker"}]

    assert view.acknowledged_rows(Carrying()) == [
        {"message": "Te weinig lidstaten", "reason": "Er volgen er meer", "by": "C. Bakker"}
    ]


# --- file names -----------------------------------------------------------------------------------------------


def test_file_names_tell_concept_from_vastgesteld_and_carry_case_and_revision():
    assessment, _ = load_assessment(ROOT / "examples" / "ipcei-waterstof.yaml")
    assert advice_filename(assessment, revision=3) == "advies-EZK-KE-IPCEI-H2-2022-009-r3-concept.pdf"
    final = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"status": Status.VASTGESTELD})})
    assert advice_filename(final, revision=4, kind="docx") == "advies-EZK-KE-IPCEI-H2-2022-009-r4-vastgesteld.docx"
    assert advice_filename(final, kind="docx", variant="beslisnota", lang="en") == (
        "decision-note-EZK-KE-IPCEI-H2-2022-009-approved.docx"
    )
    nameless = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"case_number": ""})})
    assert advice_filename(nameless).startswith("advies-Deelname-aan-de-IPCEI-Waterstof-")
    with pytest.raises(ValueError, match="kind"):
        advice_filename(assessment, kind="exe")


def test_cli_names_the_file_in_a_folder(tmp_path, capsys):
    from framework.cli import main

    assert (
        main(["render", str(ROOT / "examples" / "ipcei-micro-elektronica.yaml"), "-o", f"{tmp_path}/", "--docx"]) == 0
    )
    [written] = list(tmp_path.iterdir())
    assert written.name == "advies-EZK-TOP-I-IPCEI-ME2-2022-014-vastgesteld.docx"
    assert main(["render", str(ROOT / "examples" / "ipcei-cloud.yaml"), "-o", str(tmp_path / "x.txt")]) == 2
    assert main(["render", str(ROOT / "examples" / "ipcei-cloud.yaml"), "-o", str(tmp_path / "x.pdf"),
                 "--variant", "beslisnota"]) == 2  # fmt: skip


# --- leanings -------------------------------------------------------------------------------------------------


def test_every_verdict_option_declares_its_leaning():
    framework = load_framework(ROOT / "questions.yaml")
    verdicts = ["q2", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "conclusion_a", "conclusion_b"]
    for question_id in [*verdicts, "q14"]:
        for answer_field in framework.question(question_id).fields:
            if answer_field.type.value in ("choice", "scale"):
                assert all(o.leaning is not None for o in answer_field.options), (question_id, answer_field.id)
    # question 10 asks «zijn er alternatieven?»; its verdict is whether an IPCEI is the best instrument
    best = framework.question("q10").field("ipcei_best_instrument")
    assert best.option("ja").leaning.value == "favourable" and best.option("nee").leaning.value == "unfavourable"
    assert framework.question("q1").field("initiator").option("lidstaat").leaning is None  # no verdict


def test_a_wrong_leaning_is_refused_with_its_place(tmp_path):
    text = (ROOT / "questions.yaml").read_text(encoding="utf-8").replace("leaning: favourable", "leaning: gunstig", 1)
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"questions.yaml:\d+: .*leaning"):
        load_framework(path)
