"""The coverage of the Commission's criteria on the advice's summary page (PDF text layer read back) and among the
Word document's key points: the counts, and the cumulative criteria not covered named, in nl and en."""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from framework.i18n import t
from framework.loading import load_assessment
from framework.report.docx import render_docx
from framework.report.render import render_pdf

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOT_COVERED = {"nl": "Cumulatieve criteria niet gedekt:", "en": "Cumulative criteria not covered:"}


@cache
def summary_page(name: str, lang: str) -> str:
    """The summary's text as read back from the PDF: from its title to its «open findings», one line."""
    assessment, framework = load_assessment(EXAMPLES / f"{name}.yaml")
    pages = [p.extract_text() for p in PdfReader(BytesIO(render_pdf(assessment, framework, lang=lang))).pages]
    start = next(i for i, p in enumerate(pages) if p.split("\n", 1)[0].strip() == t("report_summary", lang))
    text = re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(" ".join(pages[start:]).split()))  # «co-\nfinancing»
    return text.split(t("report_open_findings", lang), 1)[0]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_early_phase_draft_names_its_cumulative_criteria_not_covered(lang):
    text = summary_page("ipcei-onvolledig", lang)  # verkenning: q11-q13 and the conclusions still open
    if lang == "nl":
        assert "Criteria van de Commissie 1 gedekt, 12 deels gedekt, 4 niet gedekt (van 17)" in text
        named = "afdeling 3.2.1 · Belangrijke cofinanciering door de begunstigden; afdeling 3.2.1 · Geen ernstige"
    else:
        assert "The Commission's criteria 1 covered, 12 partly covered, 4 not covered (of 17)" in text
        named = "section 3.2.1 · Important co-financing by the beneficiaries; section 3.2.1 · Do no significant harm"
    assert f"{NOT_COVERED[lang]} {named}" in text
    # «no undue distortion» (section 4.2) is not covered too, but it is not cumulative: the summary does not name it
    assert "4.2" not in text.split(NOT_COVERED[lang], 1)[1]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_complete_example_has_counts_and_names_none(lang):
    text = summary_page("ipcei-waterstof", lang)
    counts = {"nl": "7 gedekt, 10 deels gedekt, 0 niet gedekt (van 17)", "en": "7 covered, 10 partly covered, 0 not"}
    assert counts[lang] in text
    assert NOT_COVERED[lang] not in text


def test_the_word_documents_key_points_say_the_same():
    assessment, framework = load_assessment(EXAMPLES / "ipcei-onvolledig.yaml")
    document = docx.Document(BytesIO(render_docx(assessment, framework, lang="nl")))
    lines = [p.text for p in document.paragraphs if p.text.startswith("Criteria van de Commissie: ")]
    assert len(lines) == 1
    assert re.search(
        r"4 niet gedekt \(van 17\); Cumulatieve criteria niet gedekt: afdeling 3\.2\.1 · Belangrijke", lines[0]
    )
