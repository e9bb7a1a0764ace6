"""The advice report as HTML: what it shows, in which language, escaped, and compared with golden files.

The PDF itself is tested in test_report_pdf.py; these tests only render HTML and are fast.
Regenerate the golden files with ``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report.py``.
"""

from __future__ import annotations

import html as html_lib
import os
import re
from pathlib import Path

import jinja2
import pytest

from framework.assessment import Assessment, Status, canonical_json
from framework.errors import ReportError
from framework.i18n import catalog
from framework.loading import load_assessment
from framework.models import Framework, Question
from framework.report.render import (
    ReportOptions,
    SignOffSheet,
    css_string,
    document_dates,
    environment,
    render_html,
)
from framework.report.view import paragraphs

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "report_assessment.yaml"
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def sample() -> tuple[Assessment, Framework]:
    return load_assessment(FIXTURE)


def changed(assessment: Assessment, **meta) -> Assessment:
    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update=meta)})


def visible_text(html: str) -> str:
    """The text a reader sees: tags, the <head> and comments removed, entities decoded, whitespace squashed."""
    body = html.split("<body", 1)[-1].split(">", 1)[-1] if "<body" in html else html
    text = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html_lib.unescape(text).split())


# --- user text is text ---


def test_paragraphs_split_on_blank_lines_and_break_on_newlines():
    out = paragraphs("Eerste regel\ntweede regel\n\n\nTweede alinea\r\n  \r\nDerde <b>&amp;</b>")
    assert out == ("<p>Eerste regel<br>tweede regel</p><p>Tweede alinea</p><p>Derde &lt;b&gt;&amp;amp;&lt;/b&gt;</p>")
    assert paragraphs("") == ""


def test_css_string_escapes_everything_but_plain_text():
    assert css_string("pagina") == '"pagina"'
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c \\2f style\\3e "'


def test_environment_is_autoescaped_and_strict():
    env = environment()
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined
    assert isinstance(env.loader, jinja2.FileSystemLoader)
    assert [Path(p) for p in env.loader.searchpath] == [ROOT / "report_templates"]
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ x }}").render(x="<script>") == "&lt;script&gt;"


def test_user_text_keeps_paragraphs_and_line_breaks(sample):
    assessment, framework = sample
    html = render_html(assessment, framework)
    assert "<p>Opgesteld ten behoeve van de interdepartementale afstemming.<br>Nog niet besproken" in html
    assert "interoperabele diensten.</p><p>Het probleem is wezenlijk" in html  # a blank line: a paragraph
    assert "(vendor lock-in).<br>Europese aanbieders" in html  # a single newline: a line break
    assert "niet-Europese aanbieders, terwijl" in html


# --- content ---


def test_cover_shows_the_facts(sample):
    assessment, framework = sample
    text = visible_text(render_html(assessment, framework))
    for expected in (
        "Advies over deelname aan een IPCEI",
        "IPCEI Next Generation Cloud Infrastructure and Services (IPCEI-CIS)",
        "digitale sector",
        "Pre-notificatie",
        "EZK/DGBI-IPCEI/2022-0147",
        "Ministerie van Economische Zaken en Klimaat",
        "Directie Digitale Economie",
        "Marieke de Vries",
        "30-06-2022",
        "Ter review",
        "Duitsland, Frankrijk, Italië, Spanje, Nederland, Polen, Hongarije",
        "€ 70.000.000",
        assessment.content_hash(),
        f"afwegingskader-ipcei 2022-07 · {assessment.content_hash()[:12]}",
        "Illustratief voorbeeld, geen echt advies",
    ):
        assert expected in text, expected


def test_every_question_and_label_is_shown_not_ids(sample):
    assessment, framework = sample
    text = visible_text(render_html(assessment, framework))
    for question in framework.questions():
        assert question.title.nl in text
        if question.guidance:
            assert " ".join(question.guidance.nl.split()) in text
    for label in ("Een groep lidstaten", "Wezenlijk", "Marktfalen", "Deelnemen onder voorwaarden", "€ 115.000.000"):
        assert label in text
    for option_id in ("groep_lidstaten", "deelnemen_onder_voorwaarden", "voordelen_groter", "pre_notificatie"):
        assert option_id not in text
    assert "Kamerstuk 26 643, nr. 780" in text and "11-2021" in text and "15-10-2020" in text
    assert "¹ Daadwerkelijke deelname aan de IPCEI" in text  # the Q14 footnote


def test_summary_has_conclusions_advice_and_state(sample):
    assessment, framework = sample
    html = render_html(assessment, framework)
    summary = visible_text(html.split('id="summary"', 1)[1].split('class="part"', 1)[0])
    assert "Conclusie A" in summary and "Conclusie B" in summary and "Vraag 14" in summary
    assert "Deelnemen onder voorwaarden" in summary and "Deels" in summary
    assert "Geadviseerd wordt deel te nemen aan de IPCEI-CIS" in summary
    assert "gereserveerd binnen de middelen" in summary  # the whole advice, never cut
    assert "¹ Daadwerkelijke deelname" in summary
    assert "Er zijn geen openstaande consistentiebevindingen." in summary
    assert "Alle verplichte velden zijn ingevuld." in summary


def test_summary_lists_open_findings_and_missing_fields(sample):
    assessment, framework = sample
    answers = {k: dict(v) for k, v in assessment.answers.items()}
    answers["q14"]["advice"] = "deelnemen"
    answers["conclusion_b"]["national_participation"] = "nee"
    del answers["q2"]["severity"]
    broken = changed(assessment.model_copy(update={"answers": answers}), member_states=["nl", "de"])
    html = render_html(broken, framework)
    summary = visible_text(html.split('id="summary"', 1)[1].split('class="part"', 1)[0])
    assert "Fout Het advies is deelnemen, terwijl conclusie B zegt" in summary
    assert "Waarschuwing Er zijn minder dan vier deelnemende lidstaten genoemd" in summary
    assert "(vragen: 14, B)" in summary
    assert "1 verplichte velden zijn nog niet (voldoende) ingevuld" in summary
    assert "Vraag 2: «Ernst van het probleem» is nog niet ingevuld." in summary
    question_2 = visible_text(html.split('id="q2"', 1)[1].split('id="q3"', 1)[0])
    assert "Ernst van het probleem niet ingevuld" in question_2


def test_long_advice_is_never_cut_on_the_summary(sample):
    assessment, framework = sample
    answers = {k: dict(v) for k, v in assessment.answers.items()}
    answers["q14"]["answer"] = "woord " * 300 + "Slotzin van het advies."
    html = render_html(assessment.model_copy(update={"answers": answers}), framework)
    summary = html.split('id="summary"', 1)[1].split('id="summary-end"', 1)[0]
    assert ("woord " * 299 + "woord Slotzin van het advies.") in summary and "…" not in summary


def test_guidance_can_be_left_out(sample):
    assessment, framework = sample
    guidance = framework.question("q1").guidance.nl
    assert guidance in render_html(assessment, framework)
    html = render_html(assessment, framework, include_guidance=False)
    assert guidance not in html and 'class="guidance"' not in html
    assert framework.question("q1").text.nl in html  # the question itself stays


def test_english_translates_every_fixed_text(sample):
    assessment, framework = sample
    html = render_html(assessment, framework, lang="en")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    text = visible_text(html)
    user_data = canonical_json(assessment)
    for key, texts in catalog().items():
        dutch = texts["nl"].split("{")[0].strip()
        if texts["nl"] == texts["en"] or len(dutch) < 8 or dutch in user_data:
            continue
        assert dutch not in text, f"{key}: Dutch text left in the English report"
    for english in ("Advice on participation in an IPCEI", "Summary", "Question 14", "Conclusion A", "In review"):
        assert english in text
    assert "Participate under conditions" in text and "A group of member states" in text
    assert "The answers are given in the language in which they were written." in text
    assert "Geadviseerd wordt deel te nemen" in text  # the user's answers stay in their own language
    for question in framework.questions():
        assert question.title.en in text


def test_unknown_language_is_refused(sample):
    with pytest.raises(ReportError, match="unknown report language 'de'"):
        render_html(*sample, lang="de")


def test_document_language_and_metadata(sample):
    assessment, framework = sample
    html = render_html(assessment, framework)
    assert '<html lang="nl">' in html
    assert "<title>Deelname aan de IPCEI Next Generation Cloud Infrastructure and Services</title>" in html
    assert '<meta name="author" content="Marieke de Vries">' in html
    assert '<meta name="dcterms.created" content="2022-03-14T00:00:00Z">' in html
    assert '<meta name="dcterms.modified" content="2022-06-30T00:00:00Z">' in html
    assert '<meta name="keywords" content="IPCEI Next Generation' in html
    assert '<link rel="stylesheet" href="print.css">' in html
    assert "<script" not in html and "http" not in html.split("</head>")[0]


# --- draft or final, and the sign-off sheet ---


@pytest.mark.parametrize(
    ("status", "watermark"),
    [
        (Status.CONCEPT, True),
        (Status.TER_REVIEW, True),
        (Status.TERUGGESTUURD, True),
        (Status.VASTGESTELD, False),
        (Status.GEARCHIVEERD, False),
    ],
)
def test_watermark_unless_signed_off(sample, status, watermark):
    assessment, framework = sample
    html = render_html(changed(assessment, status=status), framework)
    assert ('url("data:image/png;base64,' in html) is watermark  # an image behind the text, never text
    assert ('<body class="draft">' in html) is watermark
    assert ">CONCEPT<" not in html
    if watermark:
        english = render_html(changed(assessment, status=status), framework, lang="en")
        assert 'url("data:image/png;base64,' in english and english.split("data:")[1] != html.split("data:")[1]


def test_draft_sign_off_sheet_has_empty_lines(sample):
    assessment, framework = sample
    html = render_html(assessment, framework)
    sheet = html.split('id="signoff"', 1)[1]
    assert sheet.count('<td class="initials"></td>') == 3
    assert sheet.count('<td></td><td></td><td class="date"></td>') == 3
    assert "Dit advies is nog niet vastgesteld." in sheet
    assert "Opgesteld" in sheet and "Beoordeeld" in sheet and "Vastgesteld" in sheet


def test_filled_sign_off_sheet(sample):
    assessment, framework = sample
    signoff = {
        "drafted_by": {"name": "Marieke de Vries", "role": "beleidsmedewerker", "date": "2022-06-30"},
        "reviewed_by": [
            {"name": "Jan Jansen", "role": "senior beleidsmedewerker", "date": "2022-07-01"},
            {"name": "Ayşe <Yılmaz>", "role": "jurist", "date": "2022-07-02"},
        ],
        "approved_by": {"name": "dr. P. Pietersen", "role": "directeur", "date": "2022-07-04"},
    }
    final = changed(assessment, status=Status.VASTGESTELD)
    html = render_html(final, framework, signoff=signoff)
    assert html == render_html(final, framework, signoff=SignOffSheet.model_validate(signoff))
    sheet = visible_text(html.split('id="signoff"', 1)[1])
    assert "Opgesteld Marieke de Vries beleidsmedewerker 30-06-2022" in sheet
    assert "Beoordeeld Jan Jansen senior beleidsmedewerker 01-07-2022" in sheet
    assert "Beoordeeld Ayşe <Yılmaz> jurist 02-07-2022" in sheet
    assert "Vastgesteld dr. P. Pietersen directeur 04-07-2022" in sheet
    assert "nog niet vastgesteld" not in sheet and "CONCEPT" not in html
    with pytest.raises(ValueError):
        ReportOptions.of(signoff={"approved_by": {"name": ""}})


def test_illustrative_notice_only_when_illustrative(sample):
    assessment, framework = sample
    assert "geen echt advies" in render_html(assessment, framework)
    assert "geen echt advies" not in render_html(changed(assessment, illustrative=False), framework)


# --- dates never from the clock ---


def test_document_dates_come_from_the_assessment(sample, monkeypatch):
    assessment, _ = sample
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    created, modified = document_dates(assessment)
    assert (created.isoformat(), modified.isoformat()) == ("2022-03-14T00:00:00+00:00", "2022-06-30T00:00:00+00:00")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1650000000")  # 2022-04-15: clamps the later date only
    created, modified = document_dates(assessment)
    assert (created.isoformat(), modified.isoformat()) == ("2022-03-14T00:00:00+00:00", "2022-04-15T05:20:00+00:00")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert document_dates(assessment)[1].year == 2022
    created, modified = document_dates(changed(assessment, updated=None))
    assert created == modified


# --- a revised framework needs no code change ---


def test_a_fifteenth_question_is_rendered(sample):
    assessment, framework = sample
    extra = Question.model_validate(
        {
            "id": "q15",
            "number": "15",
            "title": {"nl": "Is er draagvlak in de Kamer?", "en": "Is there support in Parliament?"},
            "fields": [{"id": "answer", "type": "text", "label": {"nl": "Antwoord", "en": "Answer"}}],
        }
    )
    parts = list(framework.parts)
    parts[3] = parts[3].model_copy(update={"questions": (*parts[3].questions, extra)})
    revised = framework.model_copy(update={"parts": tuple(parts), "version": "2024-01"})
    answers = {**assessment.answers, "q15": {"answer": "Ja, ruim."}}
    html = render_html(assessment.model_copy(update={"answers": answers}), revised)
    assert "Vraag 15" in html and "Is er draagvlak in de Kamer?" in html and "Ja, ruim." in html


# --- golden HTML ---


def blank_varying(html: str) -> str:
    """Blank what legitimately varies between runs or fixture edits: hashes and dates."""
    html = re.sub(r"\b[0-9a-f]{64}\b", "<HASH>", html)
    html = re.sub(r"\b[0-9a-f]{12}\b", "<SHORT-HASH>", html)
    html = re.sub(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\b", "<TIMESTAMP>", html)
    html = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,<WATERMARK>", html)
    return html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_golden_html(sample, lang):
    assessment, framework = sample
    html = blank_varying(render_html(assessment, framework, lang=lang))
    golden = GOLDEN / f"report_{lang}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with UPDATE_GOLDEN=1 once"
    assert html == golden.read_text(encoding="utf-8"), f"regenerate with UPDATE_GOLDEN=1 if intended ({golden})"
